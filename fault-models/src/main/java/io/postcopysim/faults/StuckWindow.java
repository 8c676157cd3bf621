package io.postcopysim.faults;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The width, in virtual time, of the part of a migration in which a single fault leaves the VM
 * stuck: the sum of the spans of the failure points at which some fault kind (or the given one)
 * gives {@link Outcome#STUCK_PAUSED}. A point before event k stands for faults striking in
 * (time of event k-1, time of event k]. This is the number the protocol debate is about.
 */
public final class StuckWindow {
  private StuckWindow() {}

  /** Over every kind: points where any kind leaves the VM stuck. */
  public static long width(GoldenRun golden, Collection<CaseResult> singles) {
    Set<Long> stuck = new TreeSet<>();
    for (CaseResult r : singles) {
      if (r.id().faults().size() == 1 && r.outcome() == Outcome.STUCK_PAUSED) {
        stuck.add(r.point());
      }
    }
    return stuck.stream().mapToLong(p -> golden.point(p).width()).sum();
  }

  /** Per fault kind, in kind order. */
  public static Map<FaultKind, Long> byKind(GoldenRun golden, Collection<CaseResult> singles) {
    Map<FaultKind, Long> widths = new TreeMap<>();
    for (CaseResult r : singles) {
      if (r.id().faults().size() == 1) {
        FaultKind k = r.id().first().kind();
        long w = r.outcome() == Outcome.STUCK_PAUSED ? golden.point(r.point()).width() : 0;
        widths.merge(k, w, Long::sum);
      }
    }
    return widths;
  }
}
