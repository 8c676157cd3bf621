package io.postcopysim.faults;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.Migration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cases of a study for one variant. Single faults: every point of the failure-free run
 * (restricted to the study's phases) times every kind that applies there. Double faults: after
 * each single fault, every later event of that faulted run times every kind.
 *
 * <p><b>Pruning rule</b> (double faults): a second fault that finds nothing to change where it
 * strikes ({@link FaultKind#noOp}: the process it kills is already dead, the machine already
 * down, the load it fails already done, the disk it refuses already active, the directions it
 * cuts already cut for good) leaves the run exactly as the single-fault run: same events, same
 * outcome, same trace hash. Such a pair is not run; it takes its single case's result. Whether a
 * second fault is a no-op is read, for every later event at once, from one observed run of the
 * single case. EnumeratorTest runs a small study both ways and compares every result.
 */
public final class Enumerator {
  private final Study study;

  public Enumerator(Study study) {
    this.study = study;
  }

  /** A case to run, or to copy from {@code sameAs} when pruning proved it identical. */
  public record Planned(CaseId id, CaseId sameAs) {
    public boolean pruned() {
      return sameAs != null;
    }
  }

  /**
   * Whether a second fault of {@code kind} before event {@code point} extends a case whose
   * first fault is {@code first}: any later event, or the same event with a later kind (two
   * faults striking before one event are counted once, in kind order).
   */
  static boolean secondMayStrike(Fault first, FaultKind kind, long point) {
    return point > first.point()
        || point == first.point() && kind.ordinal() > first.kind().ordinal();
  }

  /** The study's kinds in declaration order: case order never depends on how a file lists them. */
  public List<FaultKind> kindsInOrder() {
    return java.util.Arrays.stream(FaultKind.values()).filter(study.kinds()::contains).toList();
  }

  /**
   * Single-fault cases, in point order then kind order (the order of {@link CaseId}); with gap
   * points, a gap's points come before its event's, in time order.
   */
  public List<CaseId> singles(GoldenRun golden) {
    List<CaseId> cases = new ArrayList<>();
    List<FaultKind> kinds = kindsInOrder();
    for (FailurePoint p : golden.points()) {
      if (!study.phases().isEmpty() && !study.phases().contains(p.phase())) {
        continue;
      }
      int gaps = golden.gaps(p.index());
      for (int gap = 1; gap <= gaps + 1; gap++) {
        int at = gap > gaps ? 0 : gap; // the gap's points in time order, then the event's
        for (FaultKind k : kinds) {
          if (golden.applies(k, p.index(), at)) {
            cases.add(CaseId.single(golden.variant().name(), k, p.index(), at));
          }
        }
      }
    }
    return cases;
  }

  /**
   * The double-fault cases that extend {@code single}: one observed run of the single case, then
   * every (kind, later event) of it, pruned by the rule above when {@code prune}.
   */
  public List<Planned> pairs(GoldenRun golden, CaseId single, boolean prune) {
    Fault first = single.first();
    Simulation sim = new Simulation(study.seed(), TraceMode.HASH_ONLY);
    Migration m = new Migration(sim, study.params(), study.tcp(), golden.variant()).start();
    sim.interceptBefore(first.point(), e -> {
      first.kind().inject(m, study.partitionHealNanos());
      return true;
    });
    List<Planned> planned = new ArrayList<>();
    List<FaultKind> kinds = kindsInOrder();
    sim.observeEach(e -> {
      if (e.index() < first.point()) {
        return true;
      }
      for (FaultKind k : kinds) {
        if (!secondMayStrike(first, k, e.index())) {
          continue;
        }
        CaseId pair = single.then(k, e.index());
        boolean same = prune && k.noOp(m, study.partitionHealNanos());
        planned.add(new Planned(pair, same ? single : null));
      }
      return true;
    });
    sim.run(study.horizonNanos());
    return planned;
  }
}
