package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace.TraceEvent;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpParams;
import java.util.List;
import java.util.function.Function;

/** A failure-free run with its full trace, and probes of the model's state between events. */
final class Golden {
  final Variant variant;
  final MigrationParams params;
  final Migration migration;
  final List<TraceEvent> events;

  Golden(Variant variant, MigrationParams params) {
    this.variant = variant;
    this.params = params;
    Simulation sim = new Simulation(42, TraceMode.FULL);
    this.migration = new Migration(sim, params, TcpParams.defaults(), variant).start();
    sim.run(Time.HOUR);
    this.events = sim.trace().events();
  }

  Golden(Variant variant) {
    this(variant, MigrationParams.defaults());
  }

  MigrationRecord record() {
    return migration.record();
  }

  List<TraceEvent> all(String label) {
    return events.stream().filter(e -> e.label().equals(label)).toList();
  }

  TraceEvent first(String label) {
    return events.stream().filter(e -> e.label().equals(label)).findFirst()
        .orElseThrow(() -> new AssertionError(label + " not in " + variant.name()));
  }

  /** The first event with {@code label} after event {@code after}. */
  TraceEvent firstAfter(String label, TraceEvent after) {
    return events.stream().filter(e -> e.index() > after.index() && e.label().equals(label))
        .findFirst().orElseThrow(() -> new AssertionError(
            label + " after #" + after.index() + " not in " + variant.name()));
  }

  /** When {@code host} first reported {@code status}, or NEVER. */
  long statusAt(HostId host, MigrationStatus status) {
    return record().statuses().stream()
        .filter(s -> s.host() == host && s.status() == status)
        .mapToLong(MigrationRecord.StatusChange::time).findFirst().orElse(Time.NEVER);
  }

  List<MigrationStatus> statuses(HostId host) {
    return record().statuses().stream().filter(s -> s.host() == host)
        .map(MigrationRecord.StatusChange::status).toList();
  }

  /** Reruns the same migration and reads {@code probe} just after event {@code e} was handled. */
  Object justAfter(TraceEvent e, Function<Migration, Object> probe) {
    Simulation sim = new Simulation(42, TraceMode.HASH_ONLY);
    Migration m = new Migration(sim, params, TcpParams.defaults(), variant).start();
    Object[] seen = new Object[1];
    sim.interceptBefore(e.index() + 1, ev -> {
      seen[0] = probe.apply(m);
      return true;
    });
    sim.run(Time.HOUR);
    return seen[0];
  }
}
