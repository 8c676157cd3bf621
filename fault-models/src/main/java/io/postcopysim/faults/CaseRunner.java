package io.postcopysim.faults;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.Variant;
import java.util.stream.Collectors;

/**
 * Runs one case: the variant's migration with the case's faults injected through the kernel's
 * interception points, to the horizon, then the oracle. Everything a case needs is in the study
 * and the case ID, so any thread, in any order, gets the same result and trace hash.
 */
public final class CaseRunner {
  private final Study study;

  public CaseRunner(Study study) {
    this.study = study;
  }

  /** A finished case with its migration, for replay and tests. */
  public record Run(CaseResult result, Migration migration, Trace trace) {}

  public CaseResult run(CaseId id, GoldenRun golden) {
    return run(id, golden, TraceMode.HASH_ONLY).result();
  }

  public Run run(CaseId id, GoldenRun golden, TraceMode mode) {
    Variant variant = study.variant(id.variant());
    FailurePoint at = golden.point(id.first().point());
    Simulation sim = new Simulation(study.seed(), mode);
    Migration m = new Migration(sim, study.params(), study.tcp(), variant).start();
    long[] firstFaultTime = {Time.NEVER};
    for (Fault f : id.faults()) {
      sim.interceptBefore(f.point(), e -> {
        if (firstFaultTime[0] == Time.NEVER) {
          firstFaultTime[0] = e.time();
        }
        f.kind().inject(m, study.partitionHealNanos());
        return true;
      });
    }
    sim.run(study.horizonNanos());
    Verdict v = Oracle.judge(id.toString(), m, firstFaultTime[0], study.horizonNanos());
    String kinds = id.faults().stream().map(f -> f.kind().name())
        .collect(Collectors.joining("+"));
    CaseResult r = new CaseResult(id, kinds, at.index(), at.label(), at.phase(), v.outcome(),
        v.downtimeNanos(), v.detectionNanos(), v.statusMismatch(), sim.trace().hash());
    return new Run(r, m, sim.trace());
  }
}
