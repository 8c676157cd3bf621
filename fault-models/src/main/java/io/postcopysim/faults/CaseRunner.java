package io.postcopysim.faults;

import io.postcopysim.core.kernel.Interceptor;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one case: the variant's migration with the case's faults injected through the kernel's
 * interception points, until it settles (the horizon and {@link Study#MAX_EVENTS} are caps),
 * then the oracle. Everything a case needs is in the study and the case ID, so any thread, in
 * any order, gets the same result and trace hash.
 */
public final class CaseRunner {
  private final Study study;

  public CaseRunner(Study study) {
    this.study = study;
  }

  /**
   * A finished case with its migration, for replay and tests. {@code faultTimes}: when each of
   * the case's faults struck, in order (the virtual time of the event it stood before, even if
   * the fault then cancelled that event), {@link Time#NEVER} for one whose point never came.
   */
  public record Run(CaseResult result, Migration migration, Trace trace, List<Long> faultTimes) {
    public Run {
      faultTimes = List.copyOf(faultTimes);
    }
  }

  public CaseResult run(CaseId id, GoldenRun golden) {
    return run(id, golden, TraceMode.HASH_ONLY).result();
  }

  public Run run(CaseId id, GoldenRun golden, TraceMode mode) {
    Variant variant = study.variant(id.variant());
    Simulation sim = new Simulation(study.seed(), mode);
    Migration m = new Migration(sim, study.params(), study.tcp(), variant).start();
    return finish(id, golden, m);
  }

  /**
   * The same case, from a fork of {@code world}: the failure-free run (or the case's own run)
   * stopped between events, at or before the case's first fault. Gives exactly what
   * {@link #run(CaseId, GoldenRun)} gives, without replaying the prefix.
   */
  public CaseResult runFrom(Migration world, CaseId id, GoldenRun golden) {
    if (world.simulation().processed() > id.first().point()) {
      throw new IllegalArgumentException("the world is past " + id.first());
    }
    return finish(id, golden, world.fork()).result();
  }

  private Run finish(CaseId id, GoldenRun golden, Migration m) {
    return finish(id, golden, m, Time.NEVER);
  }

  /**
   * Injects the case's faults that are still ahead of {@code m} (those already struck are in
   * its state, at {@code struckAt}), runs to the horizon and judges.
   */
  private Run finish(CaseId id, GoldenRun golden, Migration m, long struckAt) {
    Simulation sim = m.simulation();
    FailurePoint at = golden.point(id.first());
    long[] struck = new long[id.faults().size()];
    java.util.Arrays.fill(struck, Time.NEVER);
    for (int i = 0; i < id.faults().size(); i++) {
      Fault f = id.faults().get(i);
      if (f.point() < sim.processed()) {
        struck[i] = i == 0 ? struckAt : Time.NEVER; // struck before the fork
        continue;
      }
      int which = i;
      Interceptor strike = e -> {
        struck[which] = e.time();
        f.kind().inject(m, study.partitionHealNanos());
        return true;
      };
      if (f.gap() == 0) {
        sim.interceptBefore(f.point(), strike);
      } else {
        sim.interceptBetween(f.point(), at.time(), strike); // inside the gap: only a first fault
      }
    }
    boolean settled = sim.run(study.horizonNanos(), Study.MAX_EVENTS)
        == Simulation.RunEnd.QUIESCENT;
    // faults strike in order, so the first fault's time is when the case's trouble began
    Verdict v = Oracle.judge(id.toString(), m, struck[0], study.horizonNanos(),
        settled);
    String kinds = kindsOf(id);
    CaseResult r = new CaseResult(id, kinds, at.index(), at.label(), at.phase(), v.outcome(),
        v.downtimeNanos(), v.detectionNanos(), v.statusMismatch(), sim.trace().hash());
    List<Long> times = new ArrayList<>();
    for (long t : struck) {
      times.add(t);
    }
    return new Run(r, m, sim.trace(), times);
  }

  /** "PARTITION", or "PARTITION+DEST_CRASH" for a pair: the fault_kind column. */
  private static String kindsOf(CaseId id) {
    List<Fault> faults = id.faults();
    if (faults.size() == 1) {
      return faults.get(0).kind().name(); // the common case, without a joiner
    }
    StringBuilder b = new StringBuilder(faults.get(0).kind().name());
    for (int i = 1; i < faults.size(); i++) {
      b.append('+').append(faults.get(i).kind().name());
    }
    return b.toString();
  }

  /**
   * The double-fault cases that extend {@code single}, as {@link Enumerator#pairs} plans them
   * (same order, same pruning), run by forking: the single case's own run is walked once, and
   * at each later event it is forked for every second fault that would change something there.
   *
   * @param world the failure-free run stopped just before the single case's point
   * @param singleResult the single case's result, which pruned pairs take
   */
  public List<CaseResult> pairsFrom(Migration world, CaseId single, CaseResult singleResult,
      GoldenRun golden, List<FaultKind> kinds) {
    Fault first = single.first();
    Migration walk = world.fork();
    Simulation sim = walk.simulation();
    long[] struckAt = {Time.NEVER};
    sim.interceptBefore(first.point(), e -> {
      struckAt[0] = e.time();
      first.kind().inject(walk, study.partitionHealNanos());
      return true;
    });
    boolean[][] noOp = new boolean[1][];
    sim.observeEach(e -> {
      noOp[0] = new boolean[kinds.size()];
      for (int i = 0; i < kinds.size(); i++) {
        noOp[0][i] = kinds.get(i).noOp(walk, study.partitionHealNanos());
      }
      return true;
    });
    List<CaseResult> out = new ArrayList<>();
    while (true) {
      long q = sim.processed();
      if (sim.pending() == 0 || sim.nextTime() > study.horizonNanos()
          || sim.processed() >= Study.MAX_EVENTS) {
        break; // the single case's run is over: no later event to strike before
      }
      Migration template = walk.fork(); // before event q, fault 1 not yet struck if q == k
      noOp[0] = null;
      // As sim.run(horizon) would: pop (lazily cancelled entries too) until event q is done.
      while (sim.processed() == q && sim.pending() > 0
          && sim.nextTime() <= study.horizonNanos()) {
        sim.step();
      }
      if (noOp[0] == null) {
        break;
      }
      for (int i = 0; i < kinds.size(); i++) {
        FaultKind k = kinds.get(i);
        if (!Enumerator.secondMayStrike(first, k, q)) {
          continue;
        }
        CaseId pair = single.then(k, q);
        out.add(noOp[0][i] ? singleResult.as(pair)
            : finish(pair, golden, template.fork(), q == first.point() ? Time.NEVER
                : struckAt[0]).result());
      }
      if (sim.processed() == q) {
        break;
      }
    }
    return out;
  }

  /** A failure-free run of the case's variant that can be walked forward, point by point. */
  public Walker walker(String variant) {
    return new Walker(variant);
  }

  /** The failure-free world, stopped between events; forks are taken from it. */
  public final class Walker {
    private final Migration world;

    private Walker(String variant) {
      Simulation sim = new Simulation(study.seed(), TraceMode.HASH_ONLY);
      world = new Migration(sim, study.params(), study.tcp(), study.variant(variant)).start();
    }

    /** Runs forward until {@code point} events have been processed; returns the world. */
    public Migration at(long point) {
      Simulation sim = world.simulation();
      while (sim.processed() < point) {
        if (!sim.step()) {
          throw new IllegalStateException("the failure-free run ended before event " + point);
        }
      }
      return world;
    }
  }
}
