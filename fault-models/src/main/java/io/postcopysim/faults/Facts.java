package io.postcopysim.faults;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.MigrationRecord;
import io.postcopysim.core.migration.MigrationRecord.Run;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.net.HostId;
import java.util.List;

/**
 * What the oracle judges: the facts of one migration, whoever observed them. The model's record
 * gives them ({@link #of}); the real-QEMU lab builds the same record from QMP events, process
 * liveness and the image lock, so one {@link Oracle#classify(Facts)} judges both.
 *
 * @param runs every interval in which a host's guest ran; an open one ends at {@link Time#NEVER}
 * @param sourceRestarted the source's guest started again after the switchover stopped it
 * @param sourceAlive, destinationAlive whether that side's QEMU process is alive
 * @param sourceStatus, destinationStatus the migration status that side reports
 * @param destinationLoaded the destination loaded the device state
 * @param destinationHasAllPages the destination holds every page of the guest
 * @param settled no pending timer can change a status any more (a run cut by the horizon is not)
 * @param sourceWedged the source's migration thread waits for good (nothing can pause, recover
 *     or cancel it), whatever status it reports
 * @param destinationListening the destination listens but never got RUN: it reports
 *     postcopy-active, yet an error or a pause fails it
 */
public record Facts(
    List<Run> runs,
    boolean sourceRestarted,
    boolean sourceAlive,
    boolean destinationAlive,
    MigrationStatus sourceStatus,
    MigrationStatus destinationStatus,
    boolean destinationLoaded,
    boolean destinationHasAllPages,
    boolean settled,
    boolean sourceWedged,
    boolean destinationListening) {

  public Facts {
    runs = List.copyOf(runs);
  }

  /** The facts of a model run; {@code settled} is whether its simulation went quiescent. */
  public static Facts of(Migration m, boolean settled) {
    MigrationRecord r = m.record();
    return new Facts(r.runs(), r.sourceRanAfterStop(),
        m.alive(HostId.SOURCE), m.alive(HostId.DESTINATION),
        m.status(HostId.SOURCE), m.status(HostId.DESTINATION),
        r.destinationLoadedAt() != Time.NEVER, m.destinationHasAllPages(), settled,
        m.sourceWedged(), m.destinationListening());
  }

  public boolean alive(HostId host) {
    return host == HostId.SOURCE ? sourceAlive : destinationAlive;
  }

  public MigrationStatus status(HostId host) {
    return host == HostId.SOURCE ? sourceStatus : destinationStatus;
  }

  public boolean everRan(HostId host) {
    for (Run x : runs) { // loops, not streams: asked of every case
      if (x.host() == host) {
        return true;
      }
    }
    return false;
  }

  public boolean running(HostId host) {
    for (Run x : runs) {
      if (x.host() == host && x.end() == Time.NEVER) {
        return true;
      }
    }
    return false;
  }

  /** Whether some run of the source and some run of the destination overlap in time. */
  public boolean ranTogether() {
    for (Run a : runs) {
      for (Run b : runs) {
        if (a.host() == HostId.SOURCE && b.host() == HostId.DESTINATION
            && a.start() < end(b) && b.start() < end(a)) {
          return true;
        }
      }
    }
    return false;
  }

  private static long end(Run x) {
    return x.end() == Time.NEVER ? Long.MAX_VALUE : x.end();
  }
}
