package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.scenarios.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void qemuTraceEventsAreOptIn() {
    assertThat(Qemu.traceArgs(null)).isEmpty();
    assertThat(Qemu.traceArgs(" ")).isEmpty();
    assertThat(Qemu.traceArgs("migrate_send_rp_message, postcopy_pause_*")).containsExactly(
        "-msg", "timestamp=on", "-trace", "enable=migrate_send_rp_message",
        "-trace", "enable=postcopy_pause_*");
  }

  @Test
  void tcpGiveUpFollowsTcpRetries2() {
    assertThat(GroundTruth.giveUpNanos(5)).isEqualTo(Time.millis(12_600));
    assertThat(GroundTruth.giveUpNanos(15)).isEqualTo(Time.millis(924_600));
  }

  /**
   * Every experiment writes a scenario file the loader takes (the model runs that file), with
   * the version as migration.qemu-version, and has a model case.
   */
  @Test
  void everyExperimentHasAScenarioFileAndAModelCaseOnEachVersion(@TempDir Path tmp)
      throws Exception {
    int rows = 0;
    for (String v : QemuVersion.KNOWN) {
      QemuVersion q = QemuVersion.of(v);
      List<Experiment> all = Experiments.forVersion(q);
      assertThat(new HashSet<>(all.stream().map(Experiment::name).toList())).hasSize(all.size());
      assertThat(all).allSatisfy(e -> assertThat(e.settleMillis()).isLessThanOrEqualTo(20_000));
      for (Experiment e : all) {
        Path f = tmp.resolve(v + "-" + e.name() + ".yaml");
        Files.writeString(f, ScenarioFile.text(e, q, 70_000));
        assertThat(Files.readString(f)).contains("  qemu-version: " + v + "\n");
        var s = ScenarioLoader.load(f).study();
        assertThat(s.variants()).extracting(x -> x.name()).containsExactly(e.variantFor(q));
        assertThat(s.kinds()).containsExactly(e.kind());
        assertThat(s.params().diskLocking()).as("locking on a shared disk").isEqualTo(e.setup().disk());
        assertThat(s.params().deviceStateBytes()).isEqualTo(70_000);
        assertThat(s.tcp().retransmitGiveUpNanos())
            .isEqualTo(GroundTruth.giveUpNanos(e.setup().tcpRetries2()));
        GroundTruth.ModelSide m = GroundTruth.model(e, f);
        assertThat(m.caseId()).as(v + " " + e.name()).startsWith(e.variantFor(q) + "/");
        System.out.printf("%-5s %-36s %-18s %s det=%d | %s%n", v, e.name(), m.outcome(),
            m.finals(), m.detectionMs(), m.timeline());
        rows++;
      }
    }
    assertThat(rows).isGreaterThanOrEqualTo(40);
    assertThat(Experiments.forVersion(QemuVersion.of("11.1"))).hasSizeGreaterThanOrEqualTo(15);
    assertThat(Experiments.names()).contains("dest-kill-before-pong42", "dest-kill-before-pong3",
        "giveup-both-postcopy-active", "partition-heal-recover", "load-error",
        "small-dest-kill-before-pong42", "dest-kill-before-shut", "rp-cut-before-pong42-S");
  }

  @Test
  void knownDifferencesHaveDistinctNamesAndReasons() {
    assertThat(Known.ALL).extracting(Known.Difference::name).doesNotHaveDuplicates();
    assertThat(Known.ALL).allSatisfy(d -> assertThat(d.reason()).isNotBlank());
  }
}
