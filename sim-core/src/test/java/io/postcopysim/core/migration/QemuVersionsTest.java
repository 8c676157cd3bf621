package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpParams;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Mechanisms that changed between the QEMU releases the lab runs (7.2, 10.0, 11.1), each
 * settled by real QEMU or by the QEMU function cited in {@link QemuVersion} and SourceQemu.
 * Faults are placed before named events of the failure-free run; assertions read the state
 * machines.
 */
class QemuVersionsTest {
  private static final String EOF_ARRIVES = "dst:recv:QEMU_VM_EOF";
  private static final String PACKAGE_ARRIVES = "dst:recv:MIG_CMD_PACKAGED";
  private static final String LOADED = "dst:main:device-state-loaded";
  private static final String PONG = "src:recv:MIG_RP_MSG_PONG";

  private static MigrationParams at(QemuVersion v) {
    return MigrationParams.defaults().toBuilder().qemuVersion(v).build();
  }

  private static List<Trace.TraceEvent> golden(Variant v, MigrationParams p) {
    return Faulted.golden(v, p, TcpParams.defaults());
  }

  private static long first(List<Trace.TraceEvent> events, String label, long after) {
    return Faulted.first(events, label, after);
  }

  private static Migration faultBefore(Variant v, MigrationParams p, long k,
      Consumer<Migration> fault) {
    return Faulted.before(v, p, TcpParams.defaults(), k, fault);
  }

  private static boolean sent(Migration m, String label) {
    return m.simulation().trace().events().stream().anyMatch(e -> e.label().equals(label));
  }

  @Test
  void aDestinationKilledBetweenTheFinalEofAndShutWedges72AndRestartsTheSourceFrom10On() {
    // Real 11.1: destination completed, killed; the source went failing/failed and resumed.
    for (QemuVersion version : List.of(QemuVersion.V7_2, QemuVersion.V10_0)) {
      Variant legacy = Variants.LEGACY;
      long eof = first(golden(legacy, at(version)), EOF_ARRIVES, -1);
      Migration m = faultBefore(legacy, at(version), eof,
          x -> x.crashProcess(HostId.DESTINATION));
      // Real 7.2 (lab: dest-kill-before-shut): the source stays postcopy-active for good, its
      // return-path thread and migration thread waiting for each other; 10.0 fails and restarts.
      assertThat(m.status(HostId.SOURCE)).as(version.label()).isEqualTo(
          version == QemuVersion.V7_2 ? MigrationStatus.POSTCOPY_ACTIVE : MigrationStatus.FAILED);
      assertThat(m.sourceWedged()).as(version.label()).isEqualTo(version == QemuVersion.V7_2);
      assertThat(m.record().running(HostId.SOURCE)).as(version.label())
          .isEqualTo(version == QemuVersion.V10_0);
    }
    Variant device = Variants.POSTCOPY_DEVICE;
    long eof = first(golden(device, at(QemuVersion.V11_1)), EOF_ARRIVES, -1);
    Migration m = faultBefore(device, at(QemuVersion.V11_1), eof,
        x -> x.crashProcess(HostId.DESTINATION));
    assertThat(m.record().everRan(HostId.DESTINATION)).isTrue();
    assertThat(m.record().sourceRanAfterStop()).isTrue(); // its disk is free: it takes it back
  }

  @Test
  void qemu102CommitsOnlyAtTheMigrationThreadsNextIterationSoAFailureInBetweenFallsBack() {
    Variant device = Variants.POSTCOPY_DEVICE;
    List<Trace.TraceEvent> g = golden(device, at(QemuVersion.V11_1));
    long pong42 = first(g, PONG, first(g, PONG, first(g, LOADED, -1)));
    // The PONG of 0x42 has arrived, the destination runs; the source still says
    // postcopy-device when the destination dies: it fails back and restarts its guest.
    Migration m = faultBefore(device, at(QemuVersion.V11_1), pong42 + 1,
        x -> x.crashProcess(HostId.DESTINATION));
    assertThat(m.record().everRan(HostId.DESTINATION)).isTrue();
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
    assertThat(m.record().sourceRanAfterStop()).isTrue();
  }

  @Test
  void qemu102WithNothingLeftToSendWaitsForThePongForever() {
    // 16 MiB pushed in 13 ms, before the 50 ms load ends: the migration thread sleeps on
    // postcopy_package_loaded_event. The PONG is cut on its way back: nobody wakes it, not even
    // TCP's give-up on either side, and migrate-pause/cancel are refused there.
    MigrationParams p = at(QemuVersion.V11_1).toBuilder().ramBytes(16L << 20)
        .workingSetBytes(16L << 20).precopyNanos(0).build();
    Variant device = Variants.POSTCOPY_DEVICE;
    List<Trace.TraceEvent> g = golden(device, p);
    long pong42 = first(g, PONG, first(g, PONG, first(g, LOADED, -1)));
    Migration m = faultBefore(device, p, pong42,
        x -> x.network().partition(false, true, Time.NEVER));
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.POSTCOPY_DEVICE);
    assertThat(m.record().detectedAt(HostId.SOURCE)).isEqualTo(Time.NEVER);
    assertThat(m.simulation().now()).isGreaterThan(Time.seconds(900)); // past the give-ups
  }

  @Test
  void aDestinationThatFailsToLoadSendsShutFrom91OnAnd72ExitsSilently() {
    Variant legacy = Variants.LEGACY;
    for (QemuVersion version : List.of(QemuVersion.V7_2, QemuVersion.V10_0)) {
      long k = first(golden(legacy, at(version)), PACKAGE_ARRIVES, -1);
      Migration m = faultBefore(legacy, at(version), k, Migration::failDestinationLoad);
      assertThat(sent(m, "src:recv:MIG_RP_MSG_SHUT")).as(version.label())
          .isEqualTo(version != QemuVersion.V7_2);
      assertThat(m.alive(HostId.DESTINATION)).isFalse();
      assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.POSTCOPY_PAUSED);
    }
  }

  @Test
  void legacyOn72ReportsPostcopyActiveBeforeTheStopAndNeverDevice() {
    Simulation sim = new Simulation(42, TraceMode.HASH_ONLY);
    Migration m = new Migration(sim, at(QemuVersion.V7_2), TcpParams.defaults(),
        Variants.LEGACY).start();
    sim.run(Time.HOUR);
    List<MigrationStatus> source = m.record().statuses().stream()
        .filter(s -> s.host() == HostId.SOURCE).map(MigrationRecord.StatusChange::status)
        .toList();
    assertThat(source).containsExactly(MigrationStatus.SETUP, MigrationStatus.ACTIVE,
        MigrationStatus.POSTCOPY_ACTIVE, MigrationStatus.COMPLETED);
    long active = m.record().statuses().stream()
        .filter(s -> s.status() == MigrationStatus.POSTCOPY_ACTIVE).findFirst().orElseThrow()
        .time();
    assertThat(active).isLessThanOrEqualTo(m.record().sourceStoppedAt());
  }

  @Test
  void onlyTheReleasesThatHaveADesignRunIt() {
    assertThatThrownBy(() -> new Migration(new Simulation(1, TraceMode.HASH_ONLY),
        at(QemuVersion.V11_1), TcpParams.defaults(), Variants.LEGACY))
        .hasMessageContaining("up to 10.1");
    assertThatThrownBy(() -> new Migration(new Simulation(1, TraceMode.HASH_ONLY),
        at(QemuVersion.V10_0), TcpParams.defaults(), Variants.POSTCOPY_DEVICE))
        .hasMessageContaining("10.2");
    assertThat(QemuVersion.AUTO.resolve(Variants.LEGACY)).isEqualTo(QemuVersion.V10_0);
    assertThat(QemuVersion.AUTO.resolve(Variants.POSTCOPY_SETUP))
        .isEqualTo(QemuVersion.V11_1);
  }

  @Test
  void qemu111WaitingForThePongFailsBackOnAReturnPathError() {
    // 10.2's code sleeps in qemu_event_wait, which only the PONG sets; real 11.1.3 failed 7 ms
    // after the lab's proxy took the PONG of 0x42 and killed the destination, nothing left to
    // send ("failing", the guest running again, "failed": small-dest-kill-before-pong42).
    MigrationParams p = at(QemuVersion.V11_1).toBuilder().ramBytes(16L << 20)
        .workingSetBytes(16L << 20).precopyNanos(0).build();
    Variant device = Variants.POSTCOPY_DEVICE;
    List<Trace.TraceEvent> g = golden(device, p);
    long pong42 = first(g, PONG, first(g, PONG, first(g, LOADED, -1)));
    Migration m = faultBefore(device, p, pong42, x -> {
      x.network().host(HostId.SOURCE).loseNextMessage(); // the proxy takes the PONG
      x.crashProcess(HostId.DESTINATION);
    });
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
    assertThat(m.record().sourceRanAfterStop()).isTrue();
    long struck = g.stream().filter(e -> e.index() == pong42).findFirst().orElseThrow().time();
    assertThat(m.record().detectedAt(HostId.SOURCE) - struck).isLessThan(Time.millis(1));
  }

  @Test
  void qemu102WithNothingLeftToSendCommitsAtOnceIfThePongCameFirst() {
    // The PONG of 0x42 set the event before the push ran out: qemu_event_wait returns at once.
    MigrationParams p = at(QemuVersion.V11_1).toBuilder().ramBytes(16L << 20)
        .workingSetBytes(16L << 20).precopyNanos(0).deviceLoadNanos(Time.millis(1)).build();
    Simulation sim = new Simulation(42, TraceMode.HASH_ONLY);
    Migration m = new Migration(sim, p, TcpParams.defaults(), Variants.POSTCOPY_DEVICE)
        .start();
    sim.run(Time.HOUR);
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.COMPLETED);
    assertThat(m.result().migrated()).isTrue();
  }
}
