package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.net.TcpParams;
import java.util.List;
import java.util.function.Consumer;

/** Hand-placed faults for the model's claim tests: before a named event of a failure-free run. */
final class Faulted {
  private Faulted() {}

  /** The failure-free run's events (seed 42, an hour). */
  static List<Trace.TraceEvent> golden(Variant v, MigrationParams p, TcpParams t) {
    Simulation sim = new Simulation(42, TraceMode.FULL);
    new Migration(sim, p, t, v).start().runTo(Time.HOUR);
    return sim.trace().events();
  }

  /** The index of the first event labelled {@code label} after index {@code after}. */
  static long first(List<Trace.TraceEvent> events, String label, long after) {
    return events.stream().filter(e -> e.index() > after && e.label().equals(label))
        .mapToLong(Trace.TraceEvent::index).findFirst()
        .orElseThrow(() -> new AssertionError(label + " after event " + after));
  }

  /** The run with {@code fault} struck just before event {@code k}, run for two hours. */
  static Migration before(Variant v, MigrationParams p, TcpParams t, long k,
      Consumer<Migration> fault) {
    return before(v, p, t, k, fault, -1, null);
  }

  /** As {@link #before(Variant, MigrationParams, TcpParams, long, Consumer)}, with a second. */
  static Migration before(Variant v, MigrationParams p, TcpParams t, long k,
      Consumer<Migration> fault, long k2, Consumer<Migration> second) {
    Simulation sim = new Simulation(42, TraceMode.FULL);
    Migration m = new Migration(sim, p, t, v).start();
    sim.interceptBefore(k, e -> {
      fault.accept(m);
      return true;
    });
    if (second != null) {
      sim.interceptBefore(k2, e -> {
        second.accept(m);
        return true;
      });
    }
    sim.run(2 * Time.HOUR);
    return m;
  }
}
