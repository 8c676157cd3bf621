package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpParams;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The seed's claims, one hand-placed fault each, injected before a named event of the variant's
 * failure-free run. Nothing here states an outcome to the model: the fault acts on hosts, the
 * network or a destination hook, and the assertions read what the state machines did.
 */
class ProtocolClaimsTest {
  private static final String PACKAGE_ARRIVES = "dst:recv:MIG_CMD_PACKAGED";
  private static final String SHUT_ARRIVES = "src:recv:MIG_RP_MSG_SHUT";

  private static Migration faulted(Variant v, MigrationParams p, String beforeLabel,
      Consumer<Migration> fault) {
    long k = Faulted.first(Faulted.golden(v, p, TcpParams.defaults()), beforeLabel, -1);
    return Faulted.before(v, p, TcpParams.defaults(), k, fault);
  }

  private static boolean runsNowhere(Migration m) {
    return !m.record().running(HostId.SOURCE) && !m.record().running(HostId.DESTINATION);
  }

  @Test
  void legacyDestinationCrashWhileThePackageIsInFlightLeavesTheSourcePausedForever() {
    Migration m = faulted(Variants.LEGACY, MigrationParams.defaults(), PACKAGE_ARRIVES,
        x -> x.crashProcess(HostId.DESTINATION));
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.POSTCOPY_PAUSED);
    assertThat(m.alive(HostId.DESTINATION)).isFalse();
    assertThat(m.record().sourceRanAfterStop()).isFalse();
    assertThat(runsNowhere(m)).isTrue();
  }

  @Test
  void legacyDeviceLoadErrorLeavesTheSourcePausedForever() {
    Migration m = faulted(Variants.LEGACY, MigrationParams.defaults(), PACKAGE_ARRIVES,
        Migration::failDestinationLoad);
    assertThat(m.status(HostId.DESTINATION)).isEqualTo(MigrationStatus.FAILED);
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.POSTCOPY_PAUSED);
    assertThat(runsNowhere(m)).isTrue();
  }

  @Test
  void postcopyDeviceFallsBackWhenTheDestinationDiesBeforeThePong() {
    Migration m = faulted(Variants.POSTCOPY_DEVICE, MigrationParams.defaults(),
        PACKAGE_ARRIVES, x -> x.crashProcess(HostId.DESTINATION));
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
    assertThat(m.record().running(HostId.SOURCE)).isTrue();
    assertThat(m.record().everRan(HostId.DESTINATION)).isFalse();
    // A process crash is seen one latency later: fast detection.
    assertThat(m.record().detectedAt(HostId.SOURCE) - m.record().sourceStoppedAt())
        .isLessThan(Time.SECOND);
  }

  @Test
  void postcopyDeviceNeedsTcpGiveUpForAMachineCrashWhilePing3NeedsOnlyItsTimeout() {
    Migration device = faulted(Variants.POSTCOPY_DEVICE, MigrationParams.defaults(),
        PACKAGE_ARRIVES, x -> x.crashMachine(HostId.DESTINATION));
    Migration ping3 = faulted(Variants.PING3, MigrationParams.defaults(),
        PACKAGE_ARRIVES, x -> x.crashMachine(HostId.DESTINATION));
    for (Migration m : new Migration[] {device, ping3}) {
      assertThat(m.record().running(HostId.SOURCE)).as(m.variant().name()).isTrue();
      assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
    }
    long stop = device.record().sourceStoppedAt();
    assertThat(device.record().detectedAt(HostId.SOURCE) - stop)
        .isGreaterThan(Time.seconds(900)); // tcp_retries2 give-up, about 925 s
    assertThat(ping3.record().detectedAt(HostId.SOURCE) - stop)
        .isBetween(Time.seconds(5), Time.seconds(6)); // ping3-timeout = 5 s
  }

  @Test
  void postcopyDeviceWithALostPongStartsTheDestinationAndTheSourceFailsOnTheLock() {
    Migration m = faulted(Variants.POSTCOPY_DEVICE, MigrationParams.defaults(),
        PACKAGE_ARRIVES, x -> x.network().partition(false, true, Time.NEVER));
    assertThat(m.record().everRan(HostId.DESTINATION)).isTrue();
    assertThat(m.record().lockRefused(HostId.SOURCE)).isTrue();
    assertThat(m.record().sourceRanAfterStop()).isFalse();
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
  }

  @Test
  void postcopyDeviceWithALostPongAndNoLockingRunsTheGuestTwice() {
    MigrationParams p = MigrationParams.defaults().toBuilder().diskLocking(false).build();
    Migration m = faulted(Variants.POSTCOPY_DEVICE, p, PACKAGE_ARRIVES,
        x -> x.network().partition(false, true, Time.NEVER));
    assertThat(m.record().everRan(HostId.DESTINATION)).isTrue();
    assertThat(m.record().sourceRanAfterStop()).isTrue(); // split brain
  }

  @Test
  void postcopySetupWithALostAckResumesTheSourceAndTheDestinationNeverStarts() {
    Migration m = faulted(Variants.POSTCOPY_SETUP, MigrationParams.defaults(),
        PACKAGE_ARRIVES, x -> x.network().partition(false, true, Time.NEVER));
    assertThat(m.record().everRan(HostId.DESTINATION)).isFalse();
    assertThat(m.record().running(HostId.SOURCE)).isTrue();
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
  }

  @Test
  void precopyConnectionFailureBeforeShutLeavesTheSourceFailedOnTheLockOrRunningTwiceWithout() {
    // The SHUT never arrives but the source learns the connection died (Marcin's filter test:
    // the destination's close still reached the source).
    Migration locked = faulted(Variants.PRECOPY, MigrationParams.defaults(), SHUT_ARRIVES,
        x -> x.network().resetAll());
    assertThat(locked.record().running(HostId.DESTINATION)).isTrue();
    assertThat(locked.status(HostId.DESTINATION)).isEqualTo(MigrationStatus.COMPLETED);
    assertThat(locked.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
    assertThat(locked.record().lockRefused(HostId.SOURCE)).isTrue();
    assertThat(locked.record().sourceRanAfterStop()).isFalse();

    Migration unlocked = faulted(Variants.PRECOPY,
        MigrationParams.defaults().toBuilder().diskLocking(false).build(), SHUT_ARRIVES,
        x -> x.network().resetAll());
    assertThat(unlocked.record().running(HostId.DESTINATION)).isTrue();
    assertThat(unlocked.record().sourceRanAfterStop()).isTrue();
  }

  @Test
  void precopyReturnPathBlackholedBeforeShutLeavesAnIdleSourceWaitingForever() {
    // Its data was acknowledged, keepalive is off and the FIN is blackholed too: no timer runs.
    for (QemuVersion v : new QemuVersion[] {QemuVersion.V7_2, QemuVersion.V10_0,
        QemuVersion.V11_1}) {
      Migration m = faulted(Variants.PRECOPY,
          MigrationParams.defaults().toBuilder().qemuVersion(v).build(), SHUT_ARRIVES,
          x -> x.network().partition(false, true, Time.NEVER));
      assertThat(m.record().running(HostId.DESTINATION)).isTrue();
      // 7.2 reports "active" through precopy completion (no pause-before-switchover, as real
      // 7.2 showed); from 10.0 migration_switchover_start always reports "device".
      assertThat(m.status(HostId.SOURCE)).as(v.label())
          .isEqualTo(v == QemuVersion.V7_2 ? MigrationStatus.ACTIVE : MigrationStatus.DEVICE);
      assertThat(m.record().running(HostId.SOURCE)).isFalse();
      assertThat(m.record().detectedAt(HostId.SOURCE)).isEqualTo(Time.NEVER);
    }
  }

  @Test
  void precopyAckNeverSplitsWhenTheGoIsLostButTheWindowMovesThere() {
    // Once "go" left, the source cannot know whether the destination started: it stays
    // stopped (protocol notes §8: the window moves to a lost GO), so the guest runs nowhere.
    Migration m = faulted(Variants.PRECOPY_ACK,
        MigrationParams.defaults().toBuilder().diskLocking(false).build(),
        "dst:recv:MIG_CMD_PRECOPY_GO", x -> x.network().resetAll());
    assertThat(m.record().everRan(HostId.DESTINATION)).isFalse();
    assertThat(m.record().sourceRanAfterStop()).isFalse();
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
    assertThat(runsNowhere(m)).isTrue();
  }

  @Test
  void activationErrorStrandsPostcopySetupButAckAfterActivateFallsBack() {
    Migration setup = faulted(Variants.POSTCOPY_SETUP, MigrationParams.defaults(),
        PACKAGE_ARRIVES, Migration::failDestinationActivation);
    // The source committed at the ack; the destination stays paused without its lock while the
    // pages keep coming, so both report completed and the guest runs nowhere.
    assertThat(runsNowhere(setup)).isTrue();
    assertThat(setup.record().sourceRanAfterStop()).isFalse();
    assertThat(setup.record().lockRefused(HostId.DESTINATION)).isTrue();

    Migration ack = faulted(Variants.ACK_AFTER_ACTIVATE, MigrationParams.defaults(),
        PACKAGE_ARRIVES, Migration::failDestinationActivation);
    assertThat(ack.record().everRan(HostId.DESTINATION)).isFalse();
    assertThat(ack.record().running(HostId.SOURCE)).isTrue();
  }

  @Test
  void connectionResetInPostcopyActivePausesBothAndRecoveryFinishesTheMigration() {
    MigrationParams p = MigrationParams.defaults();
    Migration m = faulted(Variants.LEGACY, p, "dst:guest:page-fault",
        x -> x.network().partition(true, true, Time.seconds(2)));
    // A 2 s cut heals long before TCP gives up: only a delay, no pause needed.
    assertThat(m.result().migrated()).isTrue();

    Migration reset = faulted(Variants.LEGACY, p, "dst:guest:page-fault",
        x -> x.network().resetAll());
    assertThat(reset.record().statuses()).extracting(MigrationRecord.StatusChange::status)
        .contains(MigrationStatus.POSTCOPY_PAUSED, MigrationStatus.POSTCOPY_RECOVER);
    assertThat(reset.result().migrated()).as(reset.toString()).isTrue();
  }

  @Test
  void aPongTakenByAMiddleboxLeavesThe102SourceWaitingAndTheDestinationUnaware() {
    // What the lab's proxy does when it holds a PONG: the destination's TCP sees it
    // acknowledged, so nothing makes the destination notice; 10.2's source never commits and,
    // its channel healthy, has no reason to fail either: it waits in postcopy-device.
    MigrationParams p = MigrationParams.defaults();
    java.util.List<io.postcopysim.core.kernel.Trace.TraceEvent> g =
        Faulted.golden(Variants.POSTCOPY_DEVICE, p, TcpParams.defaults());
    long loaded = Faulted.first(g, "dst:main:device-state-loaded", -1);
    long pong42 = Faulted.first(g, "src:recv:MIG_RP_MSG_PONG",
        Faulted.first(g, "src:recv:MIG_RP_MSG_PONG", loaded));
    Migration m = Faulted.before(Variants.POSTCOPY_DEVICE, p, TcpParams.defaults(), pong42,
        x -> x.network().host(HostId.SOURCE).loseNextMessage());
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.POSTCOPY_DEVICE);
    assertThat(m.record().detectedAt(HostId.DESTINATION)).isEqualTo(Time.NEVER);
    assertThat(m.record().detectedAt(HostId.SOURCE)).isEqualTo(Time.NEVER);
    assertThat(m.record().running(HostId.DESTINATION)).isTrue(); // early cont: it runs
  }
}
