package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.net.HostId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the safety oracle needs from one run: when each side's guest ran, who held the disk
 * lock, what status each side reported, when each side detected a failure, the page faults.
 */
public final class MigrationRecord {
  /**
   * A status change of one side; {@code afterEvent} is the index of the event whose handling
   * made it (-1 for {@code migrate} itself), so a failure point's phase is exact even among
   * events at the same virtual time.
   */
  public record StatusChange(long time, long afterEvent, HostId host, MigrationStatus status) {}

  /** An interval in which a host's guest ran; {@code end} is NEVER while it still runs. */
  public record Run(HostId host, long start, long end) {}

  /** A disk lock event; {@code afterEvent} as for {@link StatusChange}. */
  public record LockEvent(long time, long afterEvent, HostId host, String what) {}

  private final List<StatusChange> statuses = new ArrayList<>();
  private final List<Run> runs = new ArrayList<>();
  private final long[] runningSince = {Time.NEVER, Time.NEVER};
  private final List<LockEvent> lockEvents = new ArrayList<>();
  private final long[] detected = {Time.NEVER, Time.NEVER};
  private final MigrationStatus[] status = {MigrationStatus.NONE, MigrationStatus.NONE};
  private long[] faultLatencies;
  private int faults;
  private long pagesPushed;
  private long pagesRequested;
  private long sourceStoppedAt = Time.NEVER;
  private long sourceRestartedAt = Time.NEVER;
  private boolean destinationWrotePages;
  private final boolean[] lockRefused = new boolean[2];
  private final boolean[] startedWithoutLock = new boolean[2];
  private boolean sourceRestartedWithoutDisk;
  private long destinationLoadedAt = Time.NEVER;
  private long destinationRunAt = Time.NEVER;
  private long finalEofSentAt = Time.NEVER;
  private long pageReadWithoutData = -1;

  public MigrationRecord() {
    this.faultLatencies = new long[64];
  }

  /** For {@link #copy()}: its arrays come from the original, not from initialisers. */
  private MigrationRecord(long[] faultLatencies) {
    this.faultLatencies = faultLatencies;
  }

  MigrationRecord copy() {
    // Only the recorded latencies are copied: a fork is copied once per case, and most cases
    // record few faults of their own (the array grows by doubling when they do).
    MigrationRecord c = new MigrationRecord(Arrays.copyOf(faultLatencies, Math.max(8, faults)));
    c.statuses.addAll(statuses);
    c.runs.addAll(runs);
    System.arraycopy(runningSince, 0, c.runningSince, 0, runningSince.length);
    c.lockEvents.addAll(lockEvents);
    System.arraycopy(detected, 0, c.detected, 0, detected.length);
    System.arraycopy(status, 0, c.status, 0, status.length);
    c.faults = faults;
    c.pagesPushed = pagesPushed;
    c.pagesRequested = pagesRequested;
    c.sourceStoppedAt = sourceStoppedAt;
    c.sourceRestartedAt = sourceRestartedAt;
    c.destinationWrotePages = destinationWrotePages;
    System.arraycopy(lockRefused, 0, c.lockRefused, 0, lockRefused.length);
    System.arraycopy(startedWithoutLock, 0, c.startedWithoutLock, 0, startedWithoutLock.length);
    c.sourceRestartedWithoutDisk = sourceRestartedWithoutDisk;
    c.destinationLoadedAt = destinationLoadedAt;
    c.destinationRunAt = destinationRunAt;
    c.finalEofSentAt = finalEofSentAt;
    c.pageReadWithoutData = pageReadWithoutData;
    return c;
  }

  void status(HostId host, MigrationStatus s, long now, long afterEvent) {
    if (status[host.ordinal()] != s) {
      status[host.ordinal()] = s;
      statuses.add(new StatusChange(now, afterEvent, host, s));
    }
  }

  void deviceStateLoaded(long now) {
    if (destinationLoadedAt == Time.NEVER) {
      destinationLoadedAt = now;
    }
  }

  /** The source queued its final QEMU_VM_EOF (migration_completion): no fallback after this. */
  void finalEofSent(long now) {
    if (finalEofSentAt == Time.NEVER) {
      finalEofSentAt = now;
    }
  }

  void runReceived(long now) {
    if (destinationRunAt == Time.NEVER) {
      destinationRunAt = now;
    }
  }

  /** A vCPU went on past a page the destination does not hold: a model bug, never a protocol's. */
  void pageReadWithoutData(long page) {
    if (pageReadWithoutData < 0) {
      pageReadWithoutData = page;
    }
  }

  /**
   * QEMU 10.0/10.1's migration_iteration_finish starts the source's VM although it could not
   * take its disk back: a start without the disk that the version does on purpose, which the
   * lock then does not keep from running beside the destination.
   */
  void sourceRestartsWithoutDisk(long now) {
    sourceRestartedWithoutDisk = true;
    guestStarts(HostId.SOURCE, now, true);
  }

  /** Whether the source's VM was started without its disk by 10.0/10.1's restart. */
  public boolean sourceRestartedWithoutDisk() {
    return sourceRestartedWithoutDisk;
  }

  void guestStarts(HostId host, long now, boolean holdsDisk) {
    if (!holdsDisk) {
      startedWithoutLock[host.ordinal()] = true;
    }
    if (runningSince[host.ordinal()] == Time.NEVER) {
      runningSince[host.ordinal()] = now;
      // A start is a restart only once the switchover stopped the guest: the source's first
      // run may last no time at all (postcopy at once), and must not count as a second run.
      if (host == HostId.SOURCE && sourceStoppedAt != Time.NEVER
          && sourceRestartedAt == Time.NEVER) {
        sourceRestartedAt = now;
      }
      if (host == HostId.DESTINATION) {
        destinationWrotePages = true; // a running guest writes: its pages exist only there
      }
    }
  }

  void guestStops(HostId host, long now) {
    long since = runningSince[host.ordinal()];
    if (since != Time.NEVER) {
      runs.add(new Run(host, since, now));
      runningSince[host.ordinal()] = Time.NEVER;
      if (host == HostId.SOURCE && sourceStoppedAt == Time.NEVER) {
        sourceStoppedAt = now;
      }
    }
  }

  void diskActivated(HostId host, long now, long afterEvent) {
    lockEvents.add(new LockEvent(now, afterEvent, host, "activate"));
  }

  void diskInactivated(HostId host, long now, long afterEvent) {
    lockEvents.add(new LockEvent(now, afterEvent, host, "inactivate"));
  }

  void lockRefused(HostId host, long now, long afterEvent) {
    lockRefused[host.ordinal()] = true;
    lockEvents.add(new LockEvent(now, afterEvent, host, "lock refused"));
  }

  void detected(HostId host, long now) {
    if (detected[host.ordinal()] == Time.NEVER) {
      detected[host.ordinal()] = now;
    }
  }

  void pageFault(long latency) {
    if (faults == faultLatencies.length) {
      faultLatencies = Arrays.copyOf(faultLatencies, faults * 2);
    }
    faultLatencies[faults++] = latency;
  }

  void pushed(long pages) {
    pagesPushed += pages;
  }

  void requested(long pages) {
    pagesRequested += pages;
  }

  // ---- reading ----

  public MigrationStatus status(HostId host) {
    return status[host.ordinal()];
  }

  public List<StatusChange> statuses() {
    return List.copyOf(statuses);
  }

  /** Every run interval; one still running ends at {@link Time#NEVER}. */
  public List<Run> runs() {
    List<Run> all = new ArrayList<>(runs);
    for (HostId h : HostId.values()) {
      if (runningSince[h.ordinal()] != Time.NEVER) {
        all.add(new Run(h, runningSince[h.ordinal()], Time.NEVER));
      }
    }
    return all;
  }

  public boolean running(HostId host) {
    return runningSince[host.ordinal()] != Time.NEVER;
  }

  public boolean everRan(HostId host) {
    if (running(host)) {
      return true;
    }
    for (Run r : runs) { // a loop, not a stream: the oracle asks this of every case
      if (r.host() == host) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the source guest ran again after it was stopped for the switchover. Counted from
   * starts, not from run intervals: a run that starts and stops at the same instant (the
   * switchover at time 0) is the first run, not a restart.
   */
  public boolean sourceRanAfterStop() {
    return sourceRestartedAt != Time.NEVER;
  }

  /** When the source's guest first started again after the switchover stop, or NEVER. */
  public long sourceRestartedAt() {
    return sourceRestartedAt;
  }

  public long sourceStoppedAt() {
    return sourceStoppedAt;
  }

  /** First start of the destination's guest, or NEVER. */
  public long destinationStartedAt() {
    // Over the ended runs and the one still running, without building runs()'s list.
    long first = runningSince[HostId.DESTINATION.ordinal()];
    for (Run r : runs) {
      if (r.host() == HostId.DESTINATION) {
        first = Math.min(first, r.start());
      }
    }
    return first;
  }

  public boolean destinationWrotePages() {
    return destinationWrotePages;
  }

  public List<LockEvent> lockEvents() {
    return List.copyOf(lockEvents);
  }

  public boolean lockRefused(HostId host) {
    return lockRefused[host.ordinal()];
  }

  /** When {@code host} first learnt of a failure (a socket error, a timeout), or NEVER. */
  public long detectedAt(HostId host) {
    return detected[host.ordinal()];
  }

  /** When the destination finished loading the device state, or NEVER. */
  public long destinationLoadedAt() {
    return destinationLoadedAt;
  }

  /** When the destination processed MIG_CMD_POSTCOPY_RUN (or PRECOPY_GO / EOF), or NEVER. */
  public long destinationRunAt() {
    return destinationRunAt;
  }

  /** When the source queued its final EOF, or NEVER. */
  public long finalEofSentAt() {
    return finalEofSentAt;
  }

  /** The first page a guest read without holding it, or -1 (a model invariant). */
  public long pageReadWithoutData() {
    return pageReadWithoutData;
  }

  /** Whether {@code host}'s guest ever started without its disk active (a model invariant). */
  public boolean startedWithoutDisk(HostId host) {
    return startedWithoutLock[host.ordinal()];
  }

  public long[] faultLatencies() {
    return Arrays.copyOf(faultLatencies, faults);
  }

  public long pagesPushed() {
    return pagesPushed;
  }

  public long pagesRequested() {
    return pagesRequested;
  }
}
