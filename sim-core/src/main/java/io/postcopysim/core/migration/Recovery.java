package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpConnection;

/**
 * The management agent's postcopy recovery (postcopy.rst): when both QEMUs are alive, the
 * source in postcopy-paused, the destination paused or still in postcopy-active (a destination
 * that only receives may never notice a cut: real QEMU's did not) and the network is open,
 * {@code after-heal} later it runs {@code migrate-pause} on a destination that has not paused,
 * then {@code migrate-recover} on the destination and {@code migrate resume=true} on the source,
 * over a new connection, as the lab does on real QEMU.
 */
final class Recovery {
  private final Simulation sim;
  private final MigrationParams params;
  private final Migration migration;
  private static final int ATTEMPT_LABEL = Labels.intern("mgmt:migrate-recover");
  private final EventHandler attempt = arg -> attempt();
  private long pendingAttempt = -1;
  private int attempts;

  Recovery(Simulation sim, MigrationParams params, Migration migration) {
    this.sim = sim;
    this.params = params;
    this.migration = migration;
  }

  /** A copy for a forked world. */
  Recovery(Recovery o, Fork fork, Migration migration) {
    this.sim = fork.simulation();
    this.params = o.params;
    this.migration = migration;
    this.pendingAttempt = o.pendingAttempt;
    this.attempts = o.attempts;
    fork.handler(o.attempt, attempt);
  }

  /** A side paused: recover if the other one is paused too and nothing blocks the path. */
  void paused() {
    maybeSchedule();
  }

  void networkHealed() {
    maybeSchedule();
  }

  private boolean pathOpen() {
    return !migration.network().blocked(HostId.SOURCE)
        && !migration.network().blocked(HostId.DESTINATION);
  }

  private void maybeSchedule() {
    if (!params.recoveryEnabled() || pendingAttempt >= 0 && sim.isPending(pendingAttempt)
        || attempts >= 3 || !pathOpen() || !bothPaused()) {
      return;
    }
    pendingAttempt = sim.schedule(params.recoveryAfterHealNanos(), 0, ATTEMPT_LABEL, attempt, 0);
  }

  private boolean bothPaused() {
    MigrationStatus dst = migration.status(HostId.DESTINATION);
    return migration.alive(HostId.SOURCE) && migration.alive(HostId.DESTINATION)
        && migration.status(HostId.SOURCE) == MigrationStatus.POSTCOPY_PAUSED
        && (dst == MigrationStatus.POSTCOPY_PAUSED || dst == MigrationStatus.POSTCOPY_ACTIVE);
  }

  private void attempt() {
    pendingAttempt = -1;
    if (!bothPaused() || !pathOpen() || !migration.destination().pauseByManagement()) {
      return;
    }
    attempts++;
    TcpConnection fresh = migration.network().connect("recovered-" + attempts,
        migration.tcp());
    migration.destination().recoverSetup(fresh);
    migration.source().recoverSetup(fresh);
  }

  void bitmapReceived() {
    migration.source().reloadBitmap(migration.destination().receivedBitmap());
  }

  void resumed() {
    migration.source().resumeAcked();
  }
}
