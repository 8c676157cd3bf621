package io.postcopysim.faults;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.MigrationRecord;
import io.postcopysim.core.migration.MigrationRecord.Run;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.net.HostId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The safety oracle: classifies a finished run (DESIGN.md §3) from what the model recorded
 * (who ran when, who is alive, what each side reports, which pages the destination holds), and
 * checks the model's own invariants, failing loudly when one breaks.
 */
public final class Oracle {
  private Oracle() {}

  public static Verdict judge(String caseId, Migration m, long faultTime, long horizon) {
    MigrationRecord r = m.record();
    List<Run> runs = r.runs();
    Outcome outcome = classify(m);
    checkInvariants(caseId, m, runs, outcome);
    long detected = Math.min(r.detectedAt(HostId.SOURCE), r.detectedAt(HostId.DESTINATION));
    long detection = detected == Time.NEVER || faultTime == Time.NEVER
        ? -1 : Math.max(0, detected - faultTime);
    return new Verdict(outcome, downtime(runs, horizon), detection, statusMismatch(m));
  }

  static Outcome classify(Migration m) {
    MigrationRecord r = m.record();
    boolean destinationRan = r.everRan(HostId.DESTINATION);
    if (destinationRan && r.sourceRanAfterStop()) {
      return Outcome.SPLIT_BRAIN;
    }
    boolean srcAlive = m.alive(HostId.SOURCE);
    boolean dstAlive = m.alive(HostId.DESTINATION);
    MigrationStatus src = m.status(HostId.SOURCE);
    MigrationStatus dst = m.status(HostId.DESTINATION);
    boolean bothPaused = srcAlive && dstAlive && paused(src) && paused(dst);
    if (destinationRan) {
      if (dstAlive && r.running(HostId.DESTINATION) && m.destinationHasAllPages()) {
        return Outcome.MIGRATED;
      }
      // Both alive in postcopy and the destination not finished: paused, or about to be (a
      // stall no timer has noticed yet at the horizon). The page supply still exists.
      if (bothPaused || srcAlive && dstAlive && src.inPostcopy() && dst.inPostcopy()) {
        return Outcome.RECOVERABLE_PAUSED;
      }
      // The source's copy is stale: whatever the destination lacks is gone.
      return Outcome.VM_LOST;
    }
    if (r.running(HostId.SOURCE)) {
      return Outcome.RESUMED_ON_SOURCE;
    }
    if (bothPaused) {
      return Outcome.RECOVERABLE_PAUSED;
    }
    // A complete state: the stopped source's, or a destination that loaded the devices and
    // holds every page (in precopy a full bitmap alone may hold stale pages).
    boolean destinationComplete = dstAlive && m.destinationHasAllPages()
        && r.destinationLoadedAt() != Time.NEVER;
    if (srcAlive || destinationComplete) {
      return Outcome.STUCK_PAUSED;
    }
    return Outcome.VM_LOST; // the only complete copy died with its QEMU
  }

  private static boolean paused(MigrationStatus s) {
    return s == MigrationStatus.POSTCOPY_PAUSED || s == MigrationStatus.POSTCOPY_RECOVER_SETUP
        || s == MigrationStatus.POSTCOPY_RECOVER;
  }

  /**
   * Failure reported while the guest runs or ran on the destination (the source says failed,
   * the destination took over), or success reported while the guest does not run there.
   */
  static boolean statusMismatch(Migration m) {
    MigrationRecord r = m.record();
    boolean runsOnDestination = r.running(HostId.DESTINATION);
    MigrationStatus src = m.status(HostId.SOURCE);
    MigrationStatus dst = m.status(HostId.DESTINATION);
    boolean completedClaim = src == MigrationStatus.COMPLETED || dst == MigrationStatus.COMPLETED;
    return src == MigrationStatus.FAILED && r.everRan(HostId.DESTINATION)
        || completedClaim && !runsOnDestination;
  }

  /** Time in [first stop, horizon] covered by no run. */
  static long downtime(List<Run> runs, long horizon) {
    long firstStop = runs.stream().filter(x -> x.end() != Time.NEVER).mapToLong(Run::end).min()
        .orElse(Time.NEVER);
    if (firstStop == Time.NEVER || firstStop >= horizon) {
      return 0;
    }
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingLong(Run::start));
    long covered = 0;
    long reach = firstStop;
    for (Run x : sorted) {
      long end = Math.min(x.end() == Time.NEVER ? horizon : x.end(), horizon);
      long start = Math.max(x.start(), reach);
      if (end > start) {
        covered += end - start;
        reach = end;
      }
    }
    return horizon - firstStop - covered;
  }

  private static void checkInvariants(String caseId, Migration m, List<Run> runs,
      Outcome outcome) {
    MigrationRecord r = m.record();
    boolean overlap = false;
    for (Run a : runs) {
      for (Run b : runs) {
        if (a.host() == HostId.SOURCE && b.host() == HostId.DESTINATION
            && a.start() < end(b) && b.start() < end(a)) {
          overlap = true;
        }
      }
    }
    if (overlap && outcome != Outcome.SPLIT_BRAIN) {
      throw new ModelInvariantViolation(caseId, "the guest ran on both hosts at once but the"
          + " case is " + outcome);
    }
    if (m.params().diskLocking()) {
      if (overlap) {
        throw new ModelInvariantViolation(caseId,
            "with disk-locking both hosts ran the guest at once: the lock failed to exclude");
      }
      for (HostId h : new HostId[] {HostId.SOURCE, HostId.DESTINATION}) {
        if (r.startedWithoutDisk(h)) {
          throw new ModelInvariantViolation(caseId, h + "'s guest started without its disk");
        }
      }
    }
    long started = r.destinationStartedAt();
    if (started != Time.NEVER && (r.destinationLoadedAt() == Time.NEVER
        || r.destinationRunAt() == Time.NEVER || started < r.destinationLoadedAt()
        || started < r.destinationRunAt())) {
      throw new ModelInvariantViolation(caseId, "the destination started at "
          + Time.format(started) + " before its devices were loaded ("
          + Time.format(r.destinationLoadedAt()) + ") and RUN processed ("
          + Time.format(r.destinationRunAt()) + ")");
    }
    if (r.pageReadWithoutData() >= 0) {
      throw new ModelInvariantViolation(caseId, "the guest read page " + r.pageReadWithoutData()
          + " before it arrived");
    }
  }

  private static long end(Run x) {
    return x.end() == Time.NEVER ? Long.MAX_VALUE : x.end();
  }
}
