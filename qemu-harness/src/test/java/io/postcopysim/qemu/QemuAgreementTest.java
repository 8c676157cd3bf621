package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real QEMU against the model, every experiment on every installed version, each in its own
 * network namespace: every row must agree, or be a known disagreement ({@link Known}, with
 * QEMU's reason) that the model owner has not fixed yet; a new disagreement fails. Only with
 * -Pqemu (about 35 minutes for all three versions), and skipped when QEMU is not installed or
 * this is not root (namespaces and iptables need it).
 */
@Tag("qemu")
class QemuAgreementTest {
  @Test
  void everyExperimentAgreesOrIsAKnownDisagreement(@TempDir Path tmp) throws Exception {
    assumeTrue(GroundTruth.qemuInstalled(), "qemu-system-x86_64 is not installed");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
    // -Dpcsim.qemu.versions=7.2,11.1 and -Dpcsim.qemu.only=a,b narrow the run (CI takes a
    // handful of quick experiments; the whole lab takes about 35 minutes and is recorded for
    // RecordedAgreementTest instead).
    List<QemuVersion> versions = QemuVersion.parse(List.of(
        System.getProperty("pcsim.qemu.versions", "all").split(","))).stream()
        .filter(QemuVersion::installed).toList();
    String onlyProperty = System.getProperty("pcsim.qemu.only", "");
    Set<String> only = onlyProperty.isBlank() ? Set.of() : Set.of(onlyProperty.split(","));
    PrintWriter log = new PrintWriter(System.err, true);
    List<GroundTruth.Row> rows = GroundTruth.run(tmp, versions, only, log);
    log.print(GroundTruth.table(rows));
    int expected = versions.stream().mapToInt(v -> (int) Experiments.forVersion(v).stream()
        .filter(e -> only.isEmpty() || only.contains(e.name())).count()).sum();
    assertThat(rows).hasSize(expected);
    assertThat(rows).allSatisfy(r -> assertThat(r.agree()).as(r.version() + " "
        + r.experiment() + " (" + r.mismatch() + "): qemu " + r.qemu() + " " + r.qemuFinal()
        + " [" + r.qemuTimeline() + "] | model " + r.model() + " " + r.modelFinal() + " ["
        + r.modelTimeline() + "]").isIn(GroundTruth.Agree.YES, GroundTruth.Agree.KNOWN));
    assertThat(Files.readAllLines(tmp.resolve("agreement.csv")).get(0))
        .isEqualTo(GroundTruth.HEADER);
    for (QemuVersion v : versions) {
      if (only.isEmpty() || only.contains("load-error")) {
        assertThat(tmp.resolve(v.version()).resolve("load-error").resolve("observation.json"))
            .exists();
        assertThat(tmp.resolve(v.version()).resolve("load-error").resolve("scenario.yaml"))
            .exists();
      }
    }
  }
}
