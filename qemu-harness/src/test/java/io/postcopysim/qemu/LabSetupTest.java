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

  /**
   * Point 11 as the lab saw it on 2026-11-28 (full-buffer-rp-cut-after-switch: no cap, the way
   * back cut 7.1 ms after 7.2's source reported postcopy-active, 6.2 ms after 11.1's reported
   * postcopy-device): the package queued behind a full send buffer, past the window the source
   * last heard of, never reaches the destination. Real 7.2 ended STUCK_PAUSED, real 11.1
   * RESUMED_ON_SOURCE; the older approximation (receive-window 0) delivered the package anyway
   * and called them RECOVERABLE_PAUSED and SPLIT_BRAIN.
   */
  @Test
  void aPackageQueuedPastTheWindowNeverReachesADestinationWhoseAcksAreLost(@TempDir Path tmp)
      throws Exception {
    Object[][] seen = {{"7.2", 75_454L, 7.1, "STUCK_PAUSED", "RECOVERABLE_PAUSED"},
        {"11.1", 109_322L, 6.2, "RESUMED_ON_SOURCE", "SPLIT_BRAIN"}};
    for (Object[] x : seen) {
      QemuVersion q = QemuVersion.of((String) x[0]);
      Experiment e = Experiments.forVersion(q).stream()
          .filter(y -> y.name().equals("full-buffer-rp-cut-after-switch")).findFirst()
          .orElseThrow();
      Path f = tmp.resolve(x[0] + ".yaml");
      String text = ScenarioFile.text(e, q, (Long) x[1]);
      assertThat(text).contains("receive-window: " + ScenarioFile.receiveWindowBytes(q) + "B")
          .contains("stream-chunk: 32KiB").contains("max-bandwidth: 0");
      Files.writeString(f, text);
      long marker = Math.round((Double) x[2] * io.postcopysim.core.kernel.Time.MILLISECOND);
      assertThat(GroundTruth.model(e, f, null, marker).outcome()).as(q.version())
          .hasToString((String) x[3]);
      Path older = tmp.resolve(x[0] + "-older.yaml");
      Files.writeString(older, text.replaceFirst("receive-window: \\d+B", "receive-window: 0B"));
      assertThat(GroundTruth.model(e, older, null, marker).outcome()).as(q.version())
          .hasToString((String) x[4]);
    }
    // A capped stream keeps its buffers nearly empty: the older approximation stands there.
    Experiment capped = Experiments.forVersion(QemuVersion.of("7.2")).get(0);
    assertThat(ScenarioFile.text(capped, QemuVersion.of("7.2"), 70_000))
        .contains("receive-window: 0B");
  }

  @Test
  void knownDifferencesHaveDistinctNamesAndReasons() {
    assertThat(Known.ALL).extracting(Known.Difference::name).doesNotHaveDuplicates();
    assertThat(Known.ALL).allSatisfy(d -> assertThat(d.reason()).isNotBlank());
  }
}
