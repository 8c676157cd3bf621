package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.MigrationRecord.Run;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.net.HostId;
import io.postcopysim.faults.Oracle;
import io.postcopysim.faults.Outcome;
import org.junit.jupiter.api.Test;

/** QEMU's observation as the oracle's Facts: runs from STOP/RESUME, statuses, settling. */
class QemuFactsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * 11.1, destination killed just before its PONG 0x42 (lost): the destination ran from +10 ms,
   * died at +80; the source resumed at +100 after failing.
   */
  private static String killedBeforePong(boolean destinationAlive) {
    return """
        {"lab_start_ms": 0, "fault_at_ms": 1075, "observed_until_ms": 7075, "settle_ms": 6000,
         "fault_action": "kill -9 dst",
         "events": [
          {"side": "src", "t_ms": 200, "event": "MIGRATION", "data": {"status": "active"}},
          {"side": "src", "t_ms": 1000, "event": "STOP", "data": null},
          {"side": "src", "t_ms": 1001, "event": "MIGRATION", "data": {"status": "postcopy-device"}},
          {"side": "dst", "t_ms": 1008, "event": "MIGRATION", "data": {"status": "postcopy-active"}},
          {"side": "dst", "t_ms": 1010, "event": "RESUME", "data": null},
          {"side": "src", "t_ms": 1099, "event": "MIGRATION", "data": {"status": "failing"}},
          {"side": "src", "t_ms": 1100, "event": "RESUME", "data": null},
          {"side": "src", "t_ms": 1101, "event": "MIGRATION", "data": {"status": "failed"}}],
         "polled": [],
         "src": {"alive": true, "exited_at_ms": -1, "query_migrate": {"status": "failed"}},
         "dst": %s}""".formatted(destinationAlive
        ? "{\"alive\": true, \"exited_at_ms\": -1, \"query_migrate\": {\"status\": "
            + "\"postcopy-active\"}}"
        : "{\"alive\": false, \"exited_at_ms\": 1080}");
  }

  @Test
  void aSourceThatResumesAfterTheDestinationDiedDiverged() throws Exception {
    QemuFacts.Seen s = QemuFacts.of(JSON.readTree(killedBeforePong(false)), 12_600, false);
    assertThat(s.facts().runs()).containsExactly(
        new Run(HostId.SOURCE, 0, Time.millis(1000)),
        new Run(HostId.SOURCE, Time.millis(1100), Time.NEVER),
        new Run(HostId.DESTINATION, Time.millis(1010), Time.millis(1080)));
    assertThat(s.facts().sourceRestarted()).isTrue();
    assertThat(s.facts().destinationLoaded()).isTrue();
    assertThat(s.facts().destinationHasAllPages()).isFalse();
    assertThat(s.facts().sourceStatus()).isEqualTo(MigrationStatus.FAILED);
    assertThat(s.facts().settled()).isTrue();
    assertThat(Oracle.classify(s.facts())).isEqualTo(Outcome.DIVERGED);
    assertThat(s.finals()).isEqualTo("src failed/running, dst dead");
    assertThat(s.detectionMs()).isEqualTo(24);
    assertThat(s.timeline()).isEqualTo("src:active@-875 src:stop@-75 src:postcopy-device@-74"
        + " dst:postcopy-active@-67 dst:resume@-65 src:failing@+24 src:resume@+25"
        + " src:failed@+26 dst:exit@+5");
  }

  /**
   * 11.1's source waiting in postcopy-device for a PONG of 0x42 that was cut off: it sent no EOF,
   * so the destination never says completed, yet query-migrate says nothing remains to send
   * and the way to the destination stayed open: the destination holds every page
   * (small-rp-cut-before-pong42). Across a cut toward the destination that proves nothing.
   */
  @Test
  void aSourceWithNothingLeftAndAnOpenWayMeansTheDestinationHasEveryPage() throws Exception {
    String o = """
        {"lab_start_ms": 0, "fault_at_ms": 1075, "observed_until_ms": 15075, "settle_ms": 14000,
         "events": [
          {"side": "src", "t_ms": 200, "event": "MIGRATION", "data": {"status": "active"}},
          {"side": "src", "t_ms": 1000, "event": "STOP", "data": null},
          {"side": "src", "t_ms": 1001, "event": "MIGRATION", "data": {"status": "postcopy-device"}},
          {"side": "dst", "t_ms": 1008, "event": "MIGRATION", "data": {"status": "postcopy-active"}},
          {"side": "dst", "t_ms": 1010, "event": "RESUME", "data": null}],
         "polled": [],
         "src": {"alive": true, "exited_at_ms": -1,
                 "query_migrate": {"status": "postcopy-device", "ram": {"remaining": %d}}},
         "dst": {"alive": true, "exited_at_ms": -1,
                 "query_migrate": {"status": "postcopy-active"}}}""";
    JsonNode sent = JSON.readTree(o.formatted(0));
    assertThat(QemuFacts.of(sent, 12_600, true, true).facts().destinationHasAllPages()).isTrue();
    assertThat(Oracle.classify(QemuFacts.of(sent, 12_600, true, true).facts()))
        .isEqualTo(Outcome.MIGRATED);
    assertThat(QemuFacts.of(sent, 12_600, true, false).facts().destinationHasAllPages())
        .isFalse();
    assertThat(QemuFacts.of(JSON.readTree(o.formatted(4096)), 12_600, true, true).facts()
        .destinationHasAllPages()).isFalse();
  }

  /**
   * The lab's polls are 20 ms apart: the first poll after a fault struck at SHUT shows the
   * destination completed, which its MIGRATION event reported 18 ms before the fault (7.2's
   * precopy-rp-shut-blackhole). That is no detection; a polled change no event reported is.
   */
  @Test
  void aPollShowingWhatAnEventReportedBeforeTheFaultIsNoDetection() throws Exception {
    String o = """
        {"lab_start_ms": 0, "fault_at_ms": 1000, "observed_until_ms": 5000, "settle_ms": 4000,
         "events": [
          {"side": "src", "t_ms": 100, "event": "MIGRATION", "data": {"status": "active"}},
          {"side": "src", "t_ms": 940, "event": "STOP", "data": null},
          {"side": "dst", "t_ms": 981, "event": "RESUME", "data": null},
          {"side": "dst", "t_ms": 982, "event": "MIGRATION", "data": {"status": "completed"}}],
         "polled": [
          {"side": "dst", "t_ms": 990, "status": "active"},
          {"side": "src", "t_ms": 990, "status": "active"},
          {"side": "dst", "t_ms": 1006, "status": "completed"}%s],
         "src": {"alive": true, "exited_at_ms": -1, "query_migrate": {"status": "active"}},
         "dst": {"alive": true, "exited_at_ms": -1, "query_migrate": {"status": "completed"}}}""";
    assertThat(QemuFacts.of(JSON.readTree(o.formatted("")), 12_600, false).detectionMs())
        .isEqualTo(-1);
    String failedLater = ", {\"side\": \"src\", \"t_ms\": 1030, \"status\": \"failed\"}";
    assertThat(QemuFacts.of(JSON.readTree(o.formatted(failedLater)), 12_600, false)
        .detectionMs()).isEqualTo(30);
  }

  /**
   * 10.0, source killed in precopy: the destination exited 14 ms later and its failed event
   * was lost with its QMP connection. The survivor's exit is its detection; the killed side's
   * own exit is not.
   */
  @Test
  void theSurvivorsExitIsItsDetection() throws Exception {
    String o = """
        {"lab_start_ms": 0, "fault_at_ms": 1000, "observed_until_ms": 5000, "settle_ms": 4000,
         "fault_action": "kill -9 src",
         "events": [{"side": "src", "t_ms": 100, "event": "MIGRATION", "data": {"status": "active"}}],
         "polled": [],
         "src": {"alive": false, "exited_at_ms": 1007},
         "dst": {"alive": false, "exited_at_ms": %d}}""";
    assertThat(QemuFacts.of(JSON.readTree(o.formatted(1014)), 12_600, false).detectionMs())
        .isEqualTo(14);
    assertThat(QemuFacts.of(JSON.readTree(o.formatted(-1).replace("\"alive\": false,"
        + " \"exited_at_ms\": -1", "\"alive\": true, \"exited_at_ms\": -1")), 12_600, false)
        .detectionMs()).isEqualTo(-1);
  }

  @Test
  void bothRunningAtOnceIsSplitBrain() throws Exception {
    QemuFacts.Seen s = QemuFacts.of(JSON.readTree(killedBeforePong(true)), 12_600, false);
    assertThat(Oracle.classify(s.facts())).isEqualTo(Outcome.SPLIT_BRAIN);
    assertThat(s.finals()).isEqualTo("src failed/running, dst postcopy-active/running");
  }

  @Test
  void aDroppingFaultWatchedShortOfTheGiveUpIsUnsettled() throws Exception {
    JsonNode o = JSON.readTree(killedBeforePong(true));
    assertThat(QemuFacts.of(o, 12_600, true).facts().settled()).isFalse();
    assertThat(Oracle.classify(QemuFacts.of(o, 12_600, true).facts()))
        .isEqualTo(Outcome.UNSETTLED);
    assertThat(QemuFacts.of(o, 5_000, true).facts().settled()).isTrue();
  }

  @Test
  void aChangeInTheLastSecondsIsUnsettled() throws Exception {
    String late = killedBeforePong(true).replace("\"observed_until_ms\": 7075",
        "\"observed_until_ms\": 2500");
    assertThat(QemuFacts.of(JSON.readTree(late), 12_600, false).facts().settled()).isFalse();
  }

  @Test
  void qemuStatusNamesMapToTheModels() {
    assertThat(QemuFacts.status("failing")).isEqualTo(MigrationStatus.FAILED);
    assertThat(QemuFacts.status("postcopy-device")).isEqualTo(MigrationStatus.POSTCOPY_DEVICE);
    assertThat(QemuFacts.status("postcopy-recover-setup"))
        .isEqualTo(MigrationStatus.POSTCOPY_RECOVER_SETUP);
    assertThat(QemuFacts.status("pre-switchover")).isEqualTo(MigrationStatus.ACTIVE);
    assertThat(QemuFacts.status("none")).isEqualTo(MigrationStatus.NONE);
  }
}
