package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.postcopysim.core.kernel.Time;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab's wiring that needs no QEMU: versions, experiments, their model cases, reports. */
class LabSetupTest {
  @Test
  void versionsRunInTheirRoots() {
    assertThat(QemuVersion.of("7.2").command()).containsExactly(QemuVersion.BINARY);
    assertThat(QemuVersion.of("11.1").command()).containsExactly("chroot",
        QemuVersion.CACHE.resolve("qemu-11.1").toString(), QemuVersion.BINARY);
    assertThat(QemuVersion.of("10.0").onHost("/tmp/x").toString())
        .isEqualTo(QemuVersion.CACHE.resolve("qemu-10.0/tmp/x").toString());
    assertThat(QemuVersion.parse(List.of("all"))).extracting(QemuVersion::version)
        .containsExactly("7.2", "10.0", "11.1");
    assertThat(QemuVersion.of("11.1").variant()).isEqualTo("POSTCOPY_DEVICE");
    assertThat(QemuVersion.of("10.0").variant()).isEqualTo("LEGACY");
    assertThat(QemuVersion.of("10.0").installCommand()).contains("install-qemu.sh 10.0");
    assertThatThrownBy(() -> QemuVersion.of("9.9")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tcpGiveUpFollowsTcpRetries2() {
    assertThat(GroundTruth.giveUpNanos(5)).isEqualTo(Time.millis(12_600));
    assertThat(GroundTruth.giveUpNanos(15)).isEqualTo(Time.millis(924_600));
  }

  @Test
  void everyExperimentHasAModelCaseOnEachVersion() {
    for (String v : QemuVersion.KNOWN) {
      QemuVersion q = QemuVersion.of(v);
      List<Experiment> all = Experiments.forVersion(q);
      assertThat(new HashSet<>(all.stream().map(Experiment::name).toList())).hasSize(all.size());
      assertThat(all).allSatisfy(e -> assertThat(e.settleMillis()).isLessThanOrEqualTo(20_000));
      for (Experiment e : all) {
        assertThat(GroundTruth.model(e, q).caseId()).as(v + " " + e.name())
            .startsWith(e.variantFor(q) + "/");
      }
    }
    assertThat(Experiments.names()).contains("dest-kill-before-pong42", "dest-kill-before-pong3",
        "giveup-both-postcopy-active", "partition-heal-recover", "load-error");
  }

  @Test
  void statusesAreReadRelativeToTheFault() throws Exception {
    var facts = new ObjectMapper().readTree("""
        {"events": [
          {"side": "src", "rel_ms": -57.4, "event": "STOP", "data": null},
          {"side": "src", "rel_ms": -57.0, "event": "MIGRATION", "data": {"status": "postcopy-device"}},
          {"side": "src", "rel_ms": 44.1, "event": "MIGRATION", "data": {"status": "failed"}}],
         "dst": {"exited_rel_ms": 3},
         "detection_ms": {"src": 44.1, "dst": null}}""");
    assertThat(GroundTruth.statuses(facts))
        .isEqualTo("src:stop@-57 src:postcopy-device@-57 src:failed@+44 dst:exit@+3");
    assertThat(GroundTruth.detection(facts)).isEqualTo("src=44 dst=-");
  }
}
