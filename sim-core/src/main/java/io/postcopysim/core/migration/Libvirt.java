package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.net.HostId;

/**
 * libvirt managing a postcopy migration (qemu_migration.c), as far as it decides outcomes:
 * <ul>
 *   <li>the destination QEMU runs with -S; when the source reports postcopy-active (or
 *       completed in precopy), the Finish phase sends {@code cont} one round trip later and
 *       drops the incoming domain's auto-destroy;</li>
 *   <li>a source that reports failed or cancelled before Finish: Finish with an error stops the
 *       destination's QEMU (qemuMigrationDstFinish, qemuProcessStop);</li>
 *   <li>before Finish, a peer that answers nothing for {@link #KEEPALIVE_DEAD} (libvirtd's
 *       keepalive, interval 5 s, count 5) is dropped: the destination's incoming domain is
 *       auto-destroyed and the source's job cancelled, which QEMU refuses once it is in
 *       postcopy (migration_in_postcopy) or in the RFC's postcopy-setup.</li>
 * </ul>
 * After Finish libvirt leaves a failed postcopy to the user (paused, resumable), as the other
 * modes do. Its daemons' connection crosses the same network as QEMU's, so a partition cuts
 * both; no timer runs while the path is open, so failure-free runs keep their events.
 */
final class Libvirt {
  /** libvirtd's keepalive: 5 probes 5 s apart unanswered, then the connection is closed. */
  static final long KEEPALIVE_DEAD = Time.seconds(30);

  private final Simulation sim;
  private final Migration migration;
  private static final int FINISH_LABEL = Labels.intern("mgmt:finish");
  private static final int ABORT_LABEL = Labels.intern("mgmt:finish-failed");
  private static final int LOST_LABEL = Labels.intern("mgmt:keepalive-lost");
  private final EventHandler finish = arg -> finish();
  private final EventHandler abort = arg -> abortDestination();
  private final EventHandler lost = arg -> peerLost();
  private boolean finished;
  private boolean gone;
  private boolean finishing;
  private long lostTimer = -1;

  Libvirt(Simulation sim, Migration migration) {
    this.sim = sim;
    this.migration = migration;
  }

  /** A copy for a forked world. */
  Libvirt(Libvirt o, Fork fork, Migration migration) {
    this(fork.simulation(), migration);
    finished = o.finished;
    gone = o.gone;
    finishing = o.finishing;
    lostTimer = o.lostTimer;
    fork.handler(o.finish, finish);
    fork.handler(o.abort, abort);
    fork.handler(o.lost, lost);
  }

  private long roundTrip() {
    return 2 * migration.tcp().latencyNanos();
  }

  /** The source's MIGRATION event reached libvirt. */
  void sourceStatusChanged(MigrationStatus s) {
    if (finished || gone || finishing) {
      return;
    }
    if (s == MigrationStatus.POSTCOPY_ACTIVE || s == MigrationStatus.COMPLETED) {
      finishing = true;
      sim.schedule(roundTrip(), 0, FINISH_LABEL, finish, 0);
    } else if (s == MigrationStatus.FAILED || s == MigrationStatus.CANCELLED) {
      finishing = true;
      sim.schedule(roundTrip(), 0, ABORT_LABEL, abort, 0);
    }
  }

  private boolean pathOpen() {
    return !migration.network().blocked(HostId.SOURCE)
        && !migration.network().blocked(HostId.DESTINATION)
        && migration.network().host(HostId.SOURCE).machineUp()
        && migration.network().host(HostId.DESTINATION).machineUp();
  }

  /** Finish: the destination's CPUs start. A Finish that cannot cross waits for keepalive. */
  private void finish() {
    if (gone || !pathOpen()) {
      finishing = false;
      return;
    }
    finished = true;
    cancelLostTimer();
    migration.destination().cont();
  }

  /** Finish with an error: the destination's QEMU is stopped. */
  private void abortDestination() {
    if (gone || !pathOpen()) {
      finishing = false;
      return;
    }
    finished = true; // the job is over either way
    cancelLostTimer();
    migration.crashProcess(HostId.DESTINATION);
  }

  /** The path or a machine changed: arm or disarm the keepalive verdict. */
  void pathChanged() {
    if (finished || gone) {
      return;
    }
    if (pathOpen()) {
      cancelLostTimer();
      // a Finish call that could not cross goes through once the path is back (its RPC
      // waits on TCP); the source's state says which Finish it is
      sourceStatusChanged(migration.status(HostId.SOURCE));
    } else if (lostTimer < 0 || !sim.isPending(lostTimer)) {
      lostTimer = sim.schedule(KEEPALIVE_DEAD, 0, LOST_LABEL, lost, 0);
    }
  }

  private void cancelLostTimer() {
    if (lostTimer >= 0) {
      sim.cancel(lostTimer);
      lostTimer = -1;
    }
  }

  /** Each daemon drops the other: auto-destroy on the destination, cancel on the source. */
  private void peerLost() {
    lostTimer = -1;
    gone = true;
    if (migration.network().host(HostId.DESTINATION).machineUp()) {
      migration.crashProcess(HostId.DESTINATION);
    }
    if (migration.network().host(HostId.SOURCE).machineUp()) {
      migration.source().cancel();
    }
  }
}
