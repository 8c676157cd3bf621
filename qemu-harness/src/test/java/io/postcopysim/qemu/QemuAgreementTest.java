package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real QEMU 7.2 against the model: the first round's experiments, now each in its own network
 * namespace with iptables faults (about two minutes), must still agree; each writes its
 * observation.json. Only with -Pqemu, and skipped when QEMU is not installed or this is not
 * root (namespaces and iptables need it).
 */
@Tag("qemu")
class QemuAgreementTest {
  @Test
  void baselineExperimentsAgreeOn72(@TempDir Path tmp) throws Exception {
    assumeTrue(GroundTruth.qemuInstalled(), "qemu-system-x86_64 is not installed");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
    PrintWriter log = new PrintWriter(System.err, true);
    Set<String> baseline = Experiments.baseline().stream().map(Experiment::name)
        .collect(Collectors.toSet());
    List<GroundTruth.Row> rows = GroundTruth.run(tmp, List.of(QemuVersion.of("7.2")),
        baseline, log);
    log.print(GroundTruth.table(rows));
    assertThat(rows).hasSize(baseline.size());
    assertThat(rows).allSatisfy(r -> assertThat(r.agree()).as(r.experiment() + ": qemu "
        + r.qemuSays() + " | model " + r.modelSays()).isTrue());
    assertThat(Files.readAllLines(tmp.resolve("agreement.csv")).get(0))
        .isEqualTo(GroundTruth.HEADER);
    assertThat(tmp.resolve("7.2").resolve("legacy-reset-postcopy").resolve("observation.json"))
        .exists();
  }
}
