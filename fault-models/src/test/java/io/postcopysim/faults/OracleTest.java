package io.postcopysim.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.MigrationRecord.Run;
import io.postcopysim.core.net.HostId;
import java.util.List;
import org.junit.jupiter.api.Test;

class OracleTest {
  private static final long H = Time.seconds(100);

  @Test
  void downtimeIsTheTimeAfterTheFirstStopCoveredByNoRun() {
    // Source 0-10 s, destination from 10.05 s on: 50 ms.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.seconds(10)),
        new Run(HostId.DESTINATION, Time.millis(10050), Time.NEVER)), H))
        .isEqualTo(Time.millis(50));
    // Never restarted: the rest of the horizon.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.seconds(10))), H))
        .isEqualTo(Time.seconds(90));
    // Restarted on the source after 3 s, then runs on: 3 s.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.seconds(10)),
        new Run(HostId.SOURCE, Time.seconds(13), Time.NEVER)), H)).isEqualTo(Time.seconds(3));
    // Overlapping runs (split brain) count once.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.seconds(10)),
        new Run(HostId.DESTINATION, Time.seconds(11), Time.NEVER),
        new Run(HostId.SOURCE, Time.seconds(12), Time.NEVER)), H)).isEqualTo(Time.seconds(1));
    // Never stopped: none.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.NEVER)), H)).isZero();
  }

  @Test
  void everyOutcomeClassOccursSomewhereInTheDefaultExploration() {
    // The oracle is not a table: the classes come out of the runs, and all are reachable but
    // UNSETTLED, which an hour's horizon never needs (CorrectnessClassesTest cuts one).
    java.util.Set<Outcome> seen = java.util.EnumSet.noneOf(Outcome.class);
    for (String v : List.of("LEGACY", "POSTCOPY_DEVICE", "PRECOPY")) {
      for (boolean locking : new boolean[] {true, false}) {
        Explored.of(v, locking).results.forEach(r -> seen.add(r.outcome()));
      }
    }
    seen.add(divergedByTwoFaults());
    assertThat(seen).containsExactlyInAnyOrderElementsOf(
        java.util.EnumSet.complementOf(java.util.EnumSet.of(Outcome.UNSETTLED)));
  }

  /**
   * Issue point 10, after the final EOF nothing is recoverable. A partition just before the
   * destination reads the EOF: 7.2's source is wedged (its return-path thread waits for the
   * migration thread, which joins it) and stays postcopy-active beside a live destination, which
   * no recovery can move, so the oracle does not call it recoverable; 10.0's source fails the
   * completion instead (and restarts, point 1).
   */
  @Test
  void aDestinationThatListensWithoutRunIsNotRecoverableThoughItReportsPostcopyActive() {
    // POSTCOPY_SETUP sends RUN only after the destination's ack: a partition that takes RUN
    // leaves the destination listening, the source postcopy-active. The destination's listen
    // thread reported postcopy-active, yet a migrate-pause there fails it
    // (qemu_loadvm_state_main pauses only in RUNNING): nothing recovers the two.
    Study s = Explored.study(io.postcopysim.core.migration.MigrationParams.defaults());
    GoldenRun g = GoldenRun.of(s, s.variant("POSTCOPY_SETUP"));
    long run = g.points().stream()
        .filter(p -> p.label().equals("dst:recv:MIG_CMD_POSTCOPY_RUN")).findFirst()
        .orElseThrow().index();
    CaseRunner.Run lost = new CaseRunner(s).run(CaseId.single("POSTCOPY_SETUP",
        FaultKind.PARTITION, run), g, io.postcopysim.core.kernel.TraceMode.HASH_ONLY);
    var m = lost.migration();
    assertThat(m.destinationListening()).isTrue();
    assertThat(m.status(HostId.DESTINATION))
        .isEqualTo(io.postcopysim.core.migration.MigrationStatus.POSTCOPY_ACTIVE);
    assertThat(m.status(HostId.SOURCE)).isIn(
        io.postcopysim.core.migration.MigrationStatus.POSTCOPY_ACTIVE,
        io.postcopysim.core.migration.MigrationStatus.POSTCOPY_PAUSED);
    assertThat(lost.result().outcome()).isEqualTo(Outcome.STUCK_PAUSED);
  }

  @Test
  void aSourceWedgedPastTheFinalEofIsNeverRecoverable() {
    for (io.postcopysim.core.migration.QemuVersion v : List.of(
        io.postcopysim.core.migration.QemuVersion.V7_2,
        io.postcopysim.core.migration.QemuVersion.V10_0)) {
      Study s = Explored.study(io.postcopysim.core.migration.MigrationParams.defaults()
          .toBuilder().qemuVersion(v).build());
      GoldenRun g = GoldenRun.of(s, s.variant("LEGACY"));
      long eof = g.points().stream().filter(p -> p.label().equals("dst:recv:QEMU_VM_EOF"))
          .findFirst().orElseThrow().index();
      CaseRunner.Run run = new CaseRunner(s).run(CaseId.single("LEGACY", FaultKind.PARTITION,
          eof), g, io.postcopysim.core.kernel.TraceMode.HASH_ONLY);
      var m = run.migration();
      assertThat(m.alive(HostId.DESTINATION)).isTrue();
      if (v == io.postcopysim.core.migration.QemuVersion.V7_2) {
        assertThat(m.sourceWedged()).isTrue();
        assertThat(m.status(HostId.SOURCE))
            .isEqualTo(io.postcopysim.core.migration.MigrationStatus.POSTCOPY_ACTIVE);
        assertThat(run.result().outcome()).isNotEqualTo(Outcome.RECOVERABLE_PAUSED);
      } else {
        assertThat(m.sourceWedged()).isFalse();
        assertThat(m.status(HostId.SOURCE))
            .isEqualTo(io.postcopysim.core.migration.MigrationStatus.FAILED);
      }
    }
  }

  /**
   * DIVERGED needs the destination to run, then die, and the source to fall back after: 10.2
   * with the PONG of 0x42 cut on its way back, then the destination's death. The source gives up
   * on TCP (its acks are cut too), finds the lock free and restarts its stale guest.
   */
  private static Outcome divergedByTwoFaults() {
    Explored e = Explored.of("POSTCOPY_DEVICE", true);
    long loaded = e.index(GoldenRun.LOAD_ENDS);
    CaseId id = CaseId.single("POSTCOPY_DEVICE", FaultKind.PARTITION_TO_SOURCE, loaded)
        .then(FaultKind.DEST_CRASH, loaded + 5);
    CaseRunner.Run run = new CaseRunner(e.study).run(id, e.golden,
        io.postcopysim.core.kernel.TraceMode.HASH_ONLY);
    assertThat(run.migration().record().everRan(HostId.DESTINATION)).isTrue();
    assertThat(run.result().outcome()).as(id.toString()).isEqualTo(Outcome.DIVERGED);
    return run.result().outcome();
  }
}
