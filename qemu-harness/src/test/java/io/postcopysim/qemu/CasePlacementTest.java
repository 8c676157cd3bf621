package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.FailurePoint;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Study;
import io.postcopysim.scenarios.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ground-truth --case}: a model case becomes the lab experiment that strikes its fault
 * at its protocol step, or a reason. The placement must find each recorded experiment again
 * from the model case it is compared with (same fault kind, step, occurrence), so a case the
 * lab places is struck where the experiments strike.
 */
class CasePlacementTest {
  private static final long DEVICE_STATE = 200_000;

  @Test
  void everyExperimentIsPlacedAgainFromItsOwnModelCase(@TempDir Path tmp) throws Exception {
    int placed = 0;
    for (String version : QemuVersion.KNOWN) {
      QemuVersion v = QemuVersion.of(version);
      for (Experiment e : Experiments.second(v)) {
        if (e.setup().smallGuest() || e.setup().unlimited()
            || e.name().startsWith("partition-heal") || e.name().startsWith("dest-kill-after")) {
          continue; // a different guest, no cap, a heal, and a kill timed after the commit
        }
        if (e.strike() instanceof Experiment.HoldsMessage && GroundTruth.dropsPackets(e.kind())) {
          // A cut while the proxy holds a PONG is two faults in the model (the middlebox takes
          // the PONG, then the cut); one model fault there is a PONG lost with the cut, which
          // the lab strikes with the kernel (the giveup-*-before-* experiments).
          continue;
        }
        Path scenario = tmp.resolve(version + "-" + e.name() + ".yaml");
        Files.writeString(scenario, ScenarioFile.text(e, v, DEVICE_STATE));
        Study study = ScenarioLoader.load(scenario).study();
        GoldenRun golden = GoldenRun.of(study, study.variants().get(0));
        CaseId id = CaseId.single(e.variantFor(v), e.kind(), GroundTruth.point(golden, e));
        Experiments.Placement p = Experiments.forCase(v, id, study);
        assertThat(p).as(version + " " + e.name() + " from " + id)
            .isInstanceOf(Experiments.Placed.class);
        Experiment again = ((Experiments.Placed) p).experiment();
        assertThat(again.kind()).isEqualTo(e.kind());
        assertThat(GroundTruth.point(golden, again)).as(version + " " + e.name())
            .isEqualTo(GroundTruth.point(golden, e));
        assertThat(again.setup().proxy()).isEqualTo(e.setup().proxy());
        assertThat(again.setup().tcpRetries2()).isEqualTo(e.setup().tcpRetries2());
        assertThat(again.strike() instanceof Experiment.HoldsMessage).as(version + " " + e.name())
            .isEqualTo(e.strike() instanceof Experiment.HoldsMessage);
        placed++;
      }
    }
    assertThat(placed).isGreaterThanOrEqualTo(30);
  }

  @Test
  void aStrikeOnceTheDestinationRunsLandsAsLongAfterTheModelsDestinationStarted(@TempDir Path tmp)
      throws Exception {
    // The lab polls for the destination's RESUME and strikes a few ms later; the model strikes
    // at the gap point as long after its own destination started, to the millisecond.
    QemuVersion v = QemuVersion.of("10.0");
    Experiment e = Experiments.forVersion(v).stream()
        .filter(x -> x.name().equals("legacy-cut-to-source-postcopy")).findFirst().orElseThrow();
    Path scenario = tmp.resolve("running.yaml");
    Files.writeString(scenario, ScenarioFile.text(e, v, DEVICE_STATE));
    Study study = ScenarioLoader.load(scenario).study();
    GoldenRun golden = GoldenRun.of(study, study.variants().get(0));
    long started = golden.destinationStartedAt();
    for (long after : new long[] {io.postcopysim.core.kernel.Time.millis(4),
        io.postcopysim.core.kernel.Time.micros(6500)}) {
      io.postcopysim.faults.Fault f = GroundTruth.pointAt(golden, e.kind(), started + after);
      long at = golden.point(f).time();
      assertThat(f.gap()).as("inside a quiet gap").isPositive();
      assertThat(Math.abs(at - (started + after)))
          .isLessThanOrEqualTo(io.postcopysim.core.kernel.Time.micros(500));
    }
  }

  @Test
  void aCaseTheLabCannotStrikeSaysWhy(@TempDir Path tmp) throws Exception {
    QemuVersion v = QemuVersion.of("10.0");
    Experiment e = Experiments.second(v).get(0);
    Path scenario = tmp.resolve("s.yaml");
    Files.writeString(scenario, ScenarioFile.text(e, v, DEVICE_STATE));
    Study study = ScenarioLoader.load(scenario).study();
    GoldenRun golden = GoldenRun.of(study, study.variants().get(0));
    long inLoad = golden.points().stream()
        .filter(x -> x.label().equals("dst:main:device-state-loaded"))
        .mapToLong(FailurePoint::index).findFirst().orElseThrow();
    assertThat(why(v, CaseId.single("LEGACY", FaultKind.DEST_CRASH, inLoad), study))
        .contains("between those");
    assertThat(why(v, CaseId.single("LEGACY", FaultKind.SOURCE_HOST_CRASH, inLoad), study))
        .contains("no real counterpart");
    assertThat(why(v, CaseId.single("POSTCOPY_DEVICE", FaultKind.DEST_CRASH, inLoad), study))
        .contains("needs --qemu 11.1");
    assertThat(why(v, CaseId.single("LEGACY", FaultKind.DEST_CRASH, inLoad)
        .then(FaultKind.PARTITION, inLoad + 1), study)).contains("one fault");
  }

  private static String why(QemuVersion v, CaseId id, Study study) {
    Experiments.Placement p = Experiments.forCase(v, id, study);
    assertThat(p).as(id.toString()).isInstanceOf(Experiments.NotPlaced.class);
    return ((Experiments.NotPlaced) p).why();
  }
}
