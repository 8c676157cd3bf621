package io.postcopysim.faults;

import static io.postcopysim.faults.FaultKind.CONNECTION_RESET;
import static io.postcopysim.faults.FaultKind.DEST_ACTIVATE_ERROR;
import static io.postcopysim.faults.FaultKind.DEST_CRASH;
import static io.postcopysim.faults.FaultKind.DEST_HOST_CRASH;
import static io.postcopysim.faults.FaultKind.DEST_LOAD_ERROR;
import static io.postcopysim.faults.FaultKind.PARTITION;
import static io.postcopysim.faults.FaultKind.PARTITION_TO_DEST;
import static io.postcopysim.faults.FaultKind.PARTITION_TO_SOURCE;
import static io.postcopysim.faults.FaultKind.SOURCE_CRASH;
import static io.postcopysim.faults.FaultKind.SOURCE_HOST_CRASH;
import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.QemuVersion;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.core.net.HostId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's claims, each checked over the whole enumeration (every failure point of the
 * failure-free run times every fault kind), not on one hand-placed case. Windows are named by
 * protocol steps (labels of the failure-free run), never by hard-coded indices.
 */
class SeedClaimsTest {
  private static final String PACKAGE_ARRIVES = "dst:recv:MIG_CMD_PACKAGED";
  private static final String LOADED = "dst:main:device-state-loaded";
  private static final String RUN_ARRIVES = "dst:recv:MIG_CMD_POSTCOPY_RUN";
  private static final Set<FaultKind> DEST_DEATHS = EnumSet.of(DEST_CRASH, DEST_HOST_CRASH,
      DEST_LOAD_ERROR);
  private static final Set<FaultKind> SOURCE_FAULTS = EnumSet.of(SOURCE_CRASH, SOURCE_HOST_CRASH);

  private static Map<Outcome, Long> count(List<CaseResult> rs) {
    return rs.stream().collect(Collectors.groupingBy(CaseResult::outcome, Collectors.counting()));
  }

  @Test
  void legacyDestinationDeathOrLoadErrorAfterThePackageWasSentLeavesTheSourceStuck() {
    Explored legacy = Explored.of("LEGACY", true);
    long loaded = legacy.index(LOADED);
    // After the package left (the source is postcopy-active) and before RUN could start the
    // guest (the load ends): the window of the seed's bug.
    List<CaseResult> window = legacy.where(r -> DEST_DEATHS.contains(r.id().first().kind())
        && r.phase() == MigrationStatus.POSTCOPY_ACTIVE && r.point() <= loaded);
    assertThat(window).hasSizeGreaterThanOrEqualTo(6);
    assertThat(count(window)).containsOnlyKeys(Outcome.STUCK_PAUSED);
    for (CaseResult r : window) {
      Migration m = legacy.rerun(r);
      assertThat(m.status(HostId.SOURCE)).as(r.id().toString())
          .isEqualTo(MigrationStatus.POSTCOPY_PAUSED);
      assertThat(m.alive(HostId.DESTINATION)).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"POSTCOPY_DEVICE", "PING3"})
  void gatedVariantsResumeOnTheSourceWhenTheDestinationDiesBeforeItsPong(String variant) {
    Explored e = Explored.of(variant, true);
    long loaded = e.index(LOADED); // the PONG leaves in this event, after the load
    List<CaseResult> before = e.where(r -> DEST_DEATHS.contains(r.id().first().kind())
        && r.point() <= loaded);
    assertThat(before).hasSizeGreaterThan(100);
    assertThat(count(before)).containsOnlyKeys(Outcome.RESUMED_ON_SOURCE);
  }

  @Test
  void aSilentDestinationMachineIsNoticedByTcpGiveUpIn102ButByTheTimeoutInPing3() {
    for (String variant : List.of("POSTCOPY_DEVICE", "PING3")) {
      Explored e = Explored.of(variant, true);
      long from = e.index(PACKAGE_ARRIVES);
      long loaded = e.index(LOADED);
      List<CaseResult> window = e.where(r -> r.id().first().kind() == DEST_HOST_CRASH
          && r.point() >= from && r.point() <= loaded);
      assertThat(window).isNotEmpty();
      for (CaseResult r : window) {
        if (variant.equals("PING3")) {
          assertThat(r.detectionNanos()).as(r.id().toString())
              .isBetween(Time.millis(4900), Time.seconds(5)); // ping3-timeout from the write
        } else {
          assertThat(r.detectionNanos()).as(r.id().toString())
              .isGreaterThan(Time.seconds(900)); // tcp_retries2
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"POSTCOPY_DEVICE", "PING3"})
  void aLostPongStartsTheDestinationWhileTheSourceFallsBack(String variant) {
    Explored unlocked = Explored.of(variant, false);
    Explored locked = Explored.of(variant, true);
    long arrived = unlocked.index(PACKAGE_ARRIVES);
    List<CaseResult> split = unlocked.where(r -> r.outcome() == Outcome.SPLIT_BRAIN);
    // The seed's case: the return path cut once the package reached the destination.
    assertThat(split).anySatisfy(r -> {
      assertThat(r.id().first().kind()).isEqualTo(PARTITION_TO_SOURCE);
      assertThat(r.point()).isGreaterThanOrEqualTo(arrived);
    });
    // Every split is the network hiding the destination's progress from the source after the
    // source stopped the guest, while the package still reached the destination: a cut of the
    // return path; a cut that begins during the package's flush (its bytes still arrive, only
    // the acks are lost); a cut toward the destination that blocks the source's writes until
    // TCP gives up, 10.2's commit waiting for the write in progress, or after the final EOF.
    for (CaseResult r : split) {
      assertThat(r.id().first().kind()).as(r.id().toString())
          .isIn(PARTITION, PARTITION_TO_SOURCE, PARTITION_TO_DEST, CONNECTION_RESET);
      assertThat(r.phase()).isNotEqualTo(MigrationStatus.ACTIVE);
      assertThat(unlocked.rerun(r).record().destinationRunAt()).isNotEqualTo(Time.NEVER);
    }
    // With locking the same cases never split: the source cannot take the lock and the guest
    // runs on without its missing pages (lost) or is reported as failed while it runs.
    Map<CaseId, CaseResult> byId = locked.results.stream()
        .collect(Collectors.toMap(CaseResult::id, r -> r));
    for (CaseResult r : split) {
      CaseResult l = byId.get(r.id());
      assertThat(l.outcome()).as(l.id().toString()).isNotEqualTo(Outcome.SPLIT_BRAIN);
      assertThat(l.outcome() == Outcome.VM_LOST || l.statusMismatch()).as(l.id().toString())
          .isTrue();
      assertThat(locked.rerun(l).record().lockRefused(HostId.SOURCE)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"POSTCOPY_SETUP", "BOUNDARY_MOVE"})
  void theRfcNeverSplitsAndResumesOnTheSourceForAnyFaultBeforeTheAck(String variant) {
    for (boolean locking : new boolean[] {true, false}) {
      Explored e = Explored.of(variant, locking);
      // Its own window never splits; past the final EOF, 10.x's completion path (shared by
      // every design) restarts a source that lost sight of its destination.
      for (CaseResult r : e.where(r -> r.outcome() == Outcome.SPLIT_BRAIN)) {
        long eof = e.rerun(r).record().finalEofSentAt();
        assertThat(eof).as(r.id().toString())
            .isLessThanOrEqualTo(e.golden.point(r.point()).time());
      }
      long loaded = e.index(LOADED); // the ack leaves in this event
      List<CaseResult> beforeAck = e.where(r -> r.point() <= loaded
          && !SOURCE_FAULTS.contains(r.id().first().kind())
          && r.id().first().kind() != DEST_ACTIVATE_ERROR
          && r.id().first().kind() != PARTITION_TO_DEST);
      assertThat(beforeAck).hasSizeGreaterThan(400);
      assertThat(count(beforeAck)).as(variant).containsOnlyKeys(Outcome.RESUMED_ON_SOURCE);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"POSTCOPY_SETUP", "BOUNDARY_MOVE"})
  void theRfcIsStuckOnlyWhenTheAckGotThroughAndRunDidNot(String variant) {
    Explored e = Explored.of(variant, true);
    long loaded = e.index(LOADED);
    long runArrives = e.index(RUN_ARRIVES);
    long packageArrives = e.index(PACKAGE_ARRIVES);
    List<CaseResult> stuck = e.where(r -> r.outcome() == Outcome.STUCK_PAUSED
        && r.id().first().kind() != DEST_ACTIVATE_ERROR);
    assertThat(stuck).isNotEmpty();
    for (CaseResult r : stuck) {
      // Between the ack and RUN; a one-way cut toward the destination can open the window
      // earlier: it lets the ack out but will hold RUN back.
      long from = r.id().first().kind() == PARTITION_TO_DEST ? packageArrives : loaded + 1;
      assertThat(r.point()).as(r.id().toString()).isBetween(from, runArrives);
      Migration m = e.rerun(r);
      assertThat(m.record().statuses()).as(r.id().toString())
          .anyMatch(s -> s.host() == HostId.SOURCE
              && s.status() == MigrationStatus.POSTCOPY_ACTIVE); // the ack arrived
      assertThat(m.record().destinationRunAt()).isEqualTo(Time.NEVER); // RUN did not
    }
  }

  @Test
  void boundaryMoveHasTheSafetyOfPostcopySetupButReportsDeviceMeanwhile() {
    Explored setup = Explored.of("POSTCOPY_SETUP", true);
    Explored boundary = Explored.of("BOUNDARY_MOVE", true);
    Map<String, Outcome> a = setup.results.stream().collect(Collectors.toMap(
        r -> r.id().first().toString(), CaseResult::outcome));
    Map<String, Outcome> b = boundary.results.stream().collect(Collectors.toMap(
        r -> r.id().first().toString(), CaseResult::outcome));
    assertThat(b).isEqualTo(a);
    // What differs: the phase the source reports while it waits for the ack.
    long inSetup = setup.where(r -> r.phase() == MigrationStatus.POSTCOPY_SETUP).size();
    assertThat(inSetup).isPositive();
    assertThat(boundary.where(r -> r.phase() == MigrationStatus.POSTCOPY_SETUP)).isEmpty();
    assertThat(boundary.where(r -> r.phase() == MigrationStatus.DEVICE).size())
        .isEqualTo(setup.where(r -> r.phase() == MigrationStatus.DEVICE).size() + inSetup);
  }

  @Test
  void precopyLosingShutSplitsWithoutLockingAndFailsTheResumeWithIt() {
    String shut = "src:recv:MIG_RP_MSG_SHUT";
    Explored unlocked = Explored.of("PRECOPY", false);
    Explored locked = Explored.of("PRECOPY", true);
    CaseId lostShut = CaseId.single("PRECOPY", CONNECTION_RESET, unlocked.index(shut));
    assertThat(outcome(unlocked, lostShut)).isEqualTo(Outcome.SPLIT_BRAIN);
    CaseResult withLock = locked.where(r -> r.id().equals(lostShut)).get(0);
    assertThat(withLock.outcome()).isEqualTo(Outcome.MIGRATED);
    assertThat(withLock.statusMismatch()).isTrue(); // the source says failed, the VM runs
    assertThat(locked.rerun(withLock).record().lockRefused(HostId.SOURCE)).isTrue();
    assertThat(count(unlocked.results)).containsKey(Outcome.SPLIT_BRAIN);
  }

  @Test
  void precopyAckNeverSplits() {
    for (boolean locking : new boolean[] {true, false}) {
      assertThat(count(Explored.of("PRECOPY_ACK", locking).results))
          .doesNotContainKey(Outcome.SPLIT_BRAIN);
    }
  }

  @Test
  void anActivationErrorStrandsEveryVariantButAckAfterActivate() {
    for (var v : Variants.all()) {
      Explored e = Explored.of(v.name(), true);
      Map<Outcome, Long> c = count(e.of(DEST_ACTIVATE_ERROR));
      if (v.name().equals("ACK_AFTER_ACTIVATE")) {
        assertThat(c).as(v.name()).containsOnlyKeys(Outcome.RESUMED_ON_SOURCE);
      } else {
        assertThat(c).as(v.name()).containsOnlyKeys(Outcome.STUCK_PAUSED);
      }
    }
  }

  @Test
  void ackAfterActivateBuysActivationSafetyWithAWiderWindowUnderReturnPathCuts() {
    // Taking the lock before the ack means a lost ack leaves the lock on the destination: the
    // source falls back but is refused the lock, and the VM stays stopped on both sides.
    Explored setup = Explored.of("POSTCOPY_SETUP", true);
    Explored ack = Explored.of("ACK_AFTER_ACTIVATE", true);
    Set<String> stuckInSetup = setup.where(r -> r.outcome() == Outcome.STUCK_PAUSED).stream()
        .map(r -> r.id().first().toString()).collect(Collectors.toSet());
    List<CaseResult> onlyWithAck = ack.where(r -> r.outcome() == Outcome.STUCK_PAUSED
        && r.id().first().kind() != DEST_ACTIVATE_ERROR
        && !stuckInSetup.contains(r.id().first().toString()));
    assertThat(onlyWithAck).isNotEmpty();
    for (CaseResult r : onlyWithAck) {
      assertThat(r.id().first().kind()).as(r.id().toString())
          .isIn(PARTITION, PARTITION_TO_SOURCE, CONNECTION_RESET);
      Migration m = ack.rerun(r);
      assertThat(m.record().lockRefused(HostId.SOURCE)).as(r.id().toString()).isTrue();
      assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
      assertThat(m.record().everRan(HostId.DESTINATION)).isFalse();
    }
    assertThat(window("ACK_AFTER_ACTIVATE", PARTITION_TO_SOURCE))
        .isGreaterThan(window("POSTCOPY_SETUP", PARTITION_TO_SOURCE) + Time.millis(40));
  }

  @Test
  void theVmIsLostOnlyWhereTheDestinationRanOrTheSourceDiedWithTheOnlyCopy() {
    for (var v : Variants.all()) {
      Explored e = Explored.of(v.name(), true);
      for (CaseResult r : e.where(x -> x.outcome() == Outcome.VM_LOST)) {
        Migration m = e.rerun(r);
        boolean destinationRan = m.record().everRan(HostId.DESTINATION);
        if (!destinationRan) {
          // Not a protocol failure: the VM died with its only host, as without migration.
          assertThat(r.id().first().kind()).as(r.id().toString()).isIn(SOURCE_FAULTS);
          assertThat(m.alive(HostId.SOURCE)).isFalse();
        }
      }
    }
  }

  @Test
  void theStuckWindowIsTheDeviceLoadForLegacyAndAboutARoundTripForTheRfc() {
    // LEGACY: from the package's write to the destination's start = the package trip plus
    // the 50 ms device load. POSTCOPY_SETUP: from the ack's send to RUN's arrival, one RTT
    // (500 us) plus RUN behind what the socket buffer holds (up to 4 MiB: 3.4 ms).
    // 10.2 and PING3: no destination death leaves the VM stuck.
    assertThat(window("LEGACY", DEST_CRASH)).isBetween(Time.millis(50), Time.millis(60));
    assertThat(window("POSTCOPY_SETUP", DEST_CRASH)).isBetween(Time.micros(250), Time.millis(5));
    assertThat(window("POSTCOPY_DEVICE", DEST_CRASH)).isZero();
    assertThat(window("PING3", DEST_CRASH)).isZero();
  }

  private static long window(String variant, FaultKind kind) {
    Explored e = Explored.of(variant, true);
    return StuckWindow.byKind(e.golden, e.results).get(kind);
  }

  private static Outcome outcome(Explored e, CaseId id) {
    return e.where(r -> r.id().equals(id)).get(0).outcome();
  }

  @Test
  void pastTheFinalEofALostDestinationRestartsTheSourceFrom10On() {
    // migration_completion fails, migration_iteration_finish restarts the VM (10.0: always;
    // 10.2: when the disk is free); 7.2 never restarts after postcopy_start. Real 11.1 did so
    // with its destination killed between EOF and SHUT.
    for (QemuVersion version : List.of(QemuVersion.V7_2, QemuVersion.V10_0)) {
      Study s = Explored.study(MigrationParams.defaults().toBuilder().diskLocking(false)
          .qemuVersion(version).build());
      GoldenRun g = GoldenRun.of(s, s.variant("LEGACY"));
      long eofArrives = g.points().stream()
          .filter(p -> p.label().equals("dst:recv:QEMU_VM_EOF")).findFirst().orElseThrow()
          .index();
      CaseRunner runner = new CaseRunner(s);
      for (FaultKind k : List.of(DEST_CRASH, PARTITION, CONNECTION_RESET)) {
        CaseResult r = runner.run(CaseId.single("LEGACY", k, eofArrives), g);
        assertThat(r.outcome()).as(version.label() + " " + r.id())
            .isIn(version == QemuVersion.V7_2
                ? List.of(Outcome.VM_LOST, Outcome.MIGRATED, Outcome.RECOVERABLE_PAUSED)
                : List.of(Outcome.SPLIT_BRAIN, Outcome.DIVERGED));
      }
    }
  }
}
