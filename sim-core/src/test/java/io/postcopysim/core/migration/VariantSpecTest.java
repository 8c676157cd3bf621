package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace;
import io.postcopysim.core.migration.Variant.AckPoint;
import io.postcopysim.core.migration.Variant.Gate;
import io.postcopysim.core.migration.VariantSpec.GateTimeout;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Designs as rows: the built-ins are eight rows, a combination the state machines cannot honour
 * is refused with its reason, and a row no built-in has runs through the same state machines.
 */
class VariantSpecTest {
  private static final MigrationStatus DEVICE = MigrationStatus.DEVICE;
  private static final MigrationStatus ACTIVE = MigrationStatus.ACTIVE;

  /** PING3's gate on the RFC's package: RUN leaves the source only once PONG 3 is back. */
  private static final VariantSpec PONG3_THEN_RUN = new VariantSpec("PONG3_THEN_RUN", true,
      false, Gate.PONG_3, GateTimeout.of(Time.seconds(2)), AckPoint.NONE, DEVICE, ACTIVE, false);

  @Test
  void theBuiltInsAreEightDistinctRows() {
    assertThat(Variants.all()).hasSize(8);
    assertThat(Variants.all().stream().map(Variant::spec).distinct()).hasSize(8);
    assertThat(Variants.BOUNDARY_MOVE.named("X"))
        .isEqualTo(Variants.POSTCOPY_SETUP.toBuilder().name("X").statusAfterPackage(DEVICE).build());
  }

  @Test
  void thePackageCarriesWhatTheRowSays() {
    assertThat(Variants.LEGACY.ping3InPackage()).isTrue();
    assertThat(Variants.POSTCOPY_SETUP.ping3InPackage()).isFalse();
    assertThat(Variants.POSTCOPY_DEVICE.pingPackagedLoaded()).isTrue();
    assertThat(PONG3_THEN_RUN.ping3InPackage()).isTrue();
    assertThat(PONG3_THEN_RUN.runInPackage()).isFalse();
  }

  @Test
  void combinationsTheStateMachinesCannotHonourAreRefusedWithTheReason() {
    VariantSpec legacy = Variants.LEGACY;
    assertRefused(() -> legacy.toBuilder().statusAfterPackage(DEVICE).build(), "gate none commits");
    assertRefused(() -> Variants.PING3.toBuilder().statusAfterPackage(MigrationStatus.POSTCOPY_ACTIVE).build(),
        "postcopy_pause");
    assertRefused(() -> Variants.PING3.toBuilder().statusAfterPackage(MigrationStatus.COMPLETED).build(),
        "status-after-package");
    assertRefused(() -> new VariantSpec("X", true, false, Gate.RUN_ACK, GateTimeout.NONE,
        AckPoint.NONE, MigrationStatus.POSTCOPY_SETUP, ACTIVE, false), "ack: none never sends");
    assertRefused(() -> new VariantSpec("X", true, true, Gate.PONG_3, GateTimeout.NONE,
        AckPoint.AFTER_LOAD, DEVICE, ACTIVE, false), "package's end");
    assertRefused(() -> new VariantSpec("X", true, false, Gate.NONE, GateTimeout.NONE,
        AckPoint.NONE, MigrationStatus.POSTCOPY_ACTIVE, ACTIVE, false), "run-in-package");
    assertRefused(() -> new VariantSpec("X", true, true, Gate.NONE, GateTimeout.of(5),
        AckPoint.NONE, MigrationStatus.POSTCOPY_ACTIVE, ACTIVE, false), "gate-timeout");
    assertRefused(() -> new VariantSpec("X", false, true, Gate.PONG_3, GateTimeout.NONE,
        AckPoint.NONE, DEVICE, ACTIVE, false), "precopy design");
    assertRefused(() -> new VariantSpec("X", true, true, Gate.NONE, GateTimeout.NONE,
        AckPoint.NONE, MigrationStatus.POSTCOPY_ACTIVE, ACTIVE, true), "precopy-handshake");
    assertRefused(() -> legacy.named("lower"), "design name");
  }

  private static void assertRefused(Runnable make, String reason) {
    assertThatThrownBy(make::run).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void aRowNoBuiltInHasSendsRunOnlyAfterPong3() {
    List<Trace.TraceEvent> events = Faulted.golden(PONG3_THEN_RUN, MigrationParams.defaults(),
        TcpParams.defaults());
    long pong = Faulted.first(events, "src:recv:MIG_RP_MSG_PONG", -1);
    long pong3 = Faulted.first(events, "src:recv:MIG_RP_MSG_PONG", pong); // PONG 1, 2, then 3
    long run = Faulted.first(events, "dst:recv:MIG_CMD_POSTCOPY_RUN", -1);
    assertThat(run).isGreaterThan(pong3);
    Migration m = Faulted.before(PONG3_THEN_RUN, MigrationParams.defaults(),
        TcpParams.defaults(), 0, x -> { });
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.COMPLETED);
    assertThat(m.record().running(HostId.DESTINATION)).isTrue();
  }

  @Test
  void aGateTimeoutOnTheRfcsAckFallsBackWhenTheTimeoutExpires() {
    VariantSpec timed = Variants.POSTCOPY_SETUP.toBuilder().name("SETUP_2S")
        .gateTimeout(GateTimeout.of(Time.seconds(2))).build();
    long k = Faulted.first(Faulted.golden(timed, MigrationParams.defaults(),
        TcpParams.defaults()), "dst:recv:MIG_CMD_PACKAGED", -1);
    Migration m = Faulted.before(timed, MigrationParams.defaults(), TcpParams.defaults(), k,
        x -> x.network().partition(false, true, Time.NEVER));
    Migration untimed = Faulted.before(Variants.POSTCOPY_SETUP, MigrationParams.defaults(),
        TcpParams.defaults(), k, x -> x.network().partition(false, true, Time.NEVER));
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
    assertThat(m.record().running(HostId.SOURCE)).isTrue();
    long waited = m.record().detectedAt(HostId.SOURCE) - m.record().sourceStoppedAt();
    assertThat(waited).isBetween(Time.seconds(2), Time.seconds(3));
    assertThat(untimed.record().detectedAt(HostId.SOURCE) - untimed.record().sourceStoppedAt())
        .isGreaterThan(Time.seconds(3));
  }
}
