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
 * The safety oracle: classifies a finished run (docs/DESIGN.md §3) from what the model recorded
 * (who ran when, who is alive, what each side reports, which pages the destination holds), and
 * checks the model's own invariants, failing loudly when one breaks.
 */
public final class Oracle {
  private Oracle() {}

  /**
   * Judges a finished run. {@code settled}: the run went quiescent, so no pending timer (TCP
   * give-up, keepalive, recovery) can change a status; a run the horizon cut is UNSETTLED, never
   * a guess about where it was going.
   */
  public static Verdict judge(String caseId, Migration m, long faultTime, long horizon,
      boolean settled) {
    MigrationRecord r = m.record();
    Facts facts = Facts.of(m, settled);
    Outcome outcome = classify(facts);
    checkInvariants(caseId, m, facts, outcome);
    long detected = Math.min(r.detectedAt(HostId.SOURCE), r.detectedAt(HostId.DESTINATION));
    long detection = detected == Time.NEVER || faultTime == Time.NEVER
        ? -1 : Math.max(0, detected - faultTime);
    return new Verdict(outcome, downtime(facts.runs(), horizon), detection, statusMismatch(m));
  }

  /** The outcome of a run from its facts, the model's and real QEMU's alike (docs/DESIGN.md §3). */
  public static Outcome classify(Facts f) {
    if (!f.settled()) {
      return Outcome.UNSETTLED;
    }
    if (f.ranTogether()) {
      return Outcome.SPLIT_BRAIN;
    }
    boolean destinationRan = f.everRan(HostId.DESTINATION);
    if (destinationRan && f.sourceRestarted()) {
      return Outcome.DIVERGED; // one after the other: memory and disk no longer match
    }
    boolean dstAlive = f.alive(HostId.DESTINATION);
    if (destinationRan && dstAlive && f.running(HostId.DESTINATION)
        && f.destinationHasAllPages()) {
      return Outcome.MIGRATED;
    }
    if (recoverable(f)) {
      return Outcome.RECOVERABLE_PAUSED;
    }
    if (destinationRan) {
      return Outcome.VM_LOST; // the source's copy is stale: whatever the destination lacks is gone
    }
    if (f.running(HostId.SOURCE)) {
      return Outcome.RESUMED_ON_SOURCE;
    }
    // A complete state: the stopped source's, or a destination that loaded the devices and
    // holds every page (in precopy a full bitmap alone may hold stale pages).
    boolean destinationComplete = dstAlive && f.destinationHasAllPages()
        && f.destinationLoaded();
    if (f.alive(HostId.SOURCE) || destinationComplete) {
      return Outcome.STUCK_PAUSED;
    }
    return Outcome.VM_LOST; // the only complete copy died with its QEMU
  }

  /**
   * Both QEMUs alive in a postcopy state that postcopy recovery starts from: paused already, or
   * stalled in postcopy-active where management's {@code migrate-pause} gets them there
   * (qmp_migrate_pause). The same rule whether or not the destination's guest ran yet. Not
   * {@code postcopy-device}: the source waits there for a PONG and refuses pause and cancel.
   */
  private static boolean recoverable(Facts f) {
    // A wedged source (7.2 past the final EOF) reports postcopy-active but nothing moves it;
    // nor a destination that listens without RUN (postcopy-active from its listen thread on).
    return f.alive(HostId.SOURCE) && f.alive(HostId.DESTINATION) && !f.sourceWedged()
        && !f.destinationListening()
        && recoveryState(f.status(HostId.SOURCE)) && recoveryState(f.status(HostId.DESTINATION));
  }

  private static boolean recoveryState(MigrationStatus s) {
    return s == MigrationStatus.POSTCOPY_ACTIVE || s == MigrationStatus.POSTCOPY_PAUSED
        || s == MigrationStatus.POSTCOPY_RECOVER_SETUP || s == MigrationStatus.POSTCOPY_RECOVER;
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
    long firstStop = Time.NEVER;
    for (Run x : runs) { // a loop, not a stream: every case is judged
      firstStop = Math.min(firstStop, x.end());
    }
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

  private static void checkInvariants(String caseId, Migration m, Facts facts,
      Outcome outcome) {
    MigrationRecord r = m.record();
    boolean overlap = facts.ranTogether();
    if (overlap && outcome != Outcome.SPLIT_BRAIN && outcome != Outcome.UNSETTLED) {
      throw new ModelInvariantViolation(caseId, "the guest ran on both hosts at once but the"
          + " case is " + outcome);
    }
    if (m.params().diskLocking()) {
      // The lock excludes, but 10.0/10.1 start the source's VM without its disk on purpose.
      if (overlap && !r.sourceRestartedWithoutDisk()) {
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
}
