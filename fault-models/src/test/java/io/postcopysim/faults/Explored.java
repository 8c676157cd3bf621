package io.postcopysim.faults;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.core.net.TcpParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** Every single fault of every kind for one variant, run once per JVM and shared by tests. */
final class Explored {
  private static final Map<String, Explored> CACHE = new ConcurrentHashMap<>();

  final Study study;
  final GoldenRun golden;
  final List<CaseResult> results;

  private Explored(Study study, Variant variant) {
    this.study = study;
    this.golden = GoldenRun.of(study, variant);
    CaseRunner runner = new CaseRunner(study);
    List<CaseResult> all = new ArrayList<>();
    for (CaseId id : new Enumerator(study).singles(golden)) {
      all.add(runner.run(id, golden));
    }
    this.results = List.copyOf(all);
  }

  static Study study(MigrationParams params) {
    return new Study(42, Time.HOUR, params, TcpParams.defaults(), Variants.all(),
        // the kinds the seed's claims speak of: not the lab's message-taking middlebox
        List.copyOf(java.util.EnumSet.complementOf(
            java.util.EnumSet.of(FaultKind.LOSE_MESSAGE_TO_SOURCE))), Set.of(), 1, Time.NEVER);
  }

  static Explored of(String variant, boolean locking) {
    return CACHE.computeIfAbsent(variant + "/" + locking, k -> {
      Study s = study(MigrationParams.defaults().toBuilder().diskLocking(locking).build());
      return new Explored(s, s.variant(variant));
    });
  }

  List<CaseResult> where(Predicate<CaseResult> p) {
    return results.stream().filter(p).toList();
  }

  List<CaseResult> of(FaultKind kind) {
    return where(r -> r.id().first().kind() == kind);
  }

  /** The index of the first failure-free event with this label. */
  long index(String label) {
    return golden.points().stream().filter(p -> p.label().equals(label)).findFirst()
        .orElseThrow(() -> new AssertionError(label + " not in " + golden.variant().name()))
        .index();
  }

  Migration rerun(CaseResult r) {
    return new CaseRunner(study).run(r.id(), golden, TraceMode.HASH_ONLY).migration();
  }
}
