package io.postcopysim.faults;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The width, in virtual time, of the part of a migration in which a single fault leaves the VM
 * stuck: the sum of the spans of the failure points at which some fault kind (or the given one)
 * gives {@link Outcome#STUCK_PAUSED}. A point before event k stands for faults striking in
 * (time of event k-1, time of event k]. This is the number the protocol debate is about.
 *
 * <p>The window over all kinds leaves out {@link FaultKind#DEST_ACTIVATE_ERROR}: a lock held
 * elsewhere is a condition of the destination, not an event in time, so its "window" would be
 * the whole migration before RUN. It is reported per kind like the others.
 */
public final class StuckWindow {
  private StuckWindow() {}

  /** Whether a kind strikes at a moment (everything but a held lock). */
  public static boolean timed(FaultKind kind) {
    return kind != FaultKind.DEST_ACTIVATE_ERROR;
  }

  /** Over every timed kind: points where any of them leaves the VM stuck. */
  public static long width(GoldenRun golden, Collection<CaseResult> singles) {
    Map<Long, Map<Integer, Long>> stuck = new TreeMap<>(); // event, gap point: one span each
    for (CaseResult r : singles) {
      if (r.id().faults().size() == 1 && r.outcome() == Outcome.STUCK_PAUSED
          && timed(r.id().first().kind())) {
        Fault f = r.id().first();
        stuck.computeIfAbsent(f.point(), k -> new TreeMap<>())
            .put(f.gap(), golden.point(f).width());
      }
    }
    return stuck.values().stream().flatMap(m -> m.values().stream())
        .mapToLong(Long::longValue).sum();
  }

  /** Per fault kind, in kind order. */
  public static Map<FaultKind, Long> byKind(GoldenRun golden, Collection<CaseResult> singles) {
    Map<FaultKind, Long> widths = new TreeMap<>();
    for (CaseResult r : singles) {
      if (r.id().faults().size() == 1) {
        FaultKind k = r.id().first().kind();
        long w = r.outcome() == Outcome.STUCK_PAUSED ? golden.point(r.id().first()).width()
            : 0;
        widths.merge(k, w, Long::sum);
      }
    }
    return widths;
  }
}
