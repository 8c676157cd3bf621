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
 * Real QEMU 7.2 against the model, every experiment (about a minute). Only with -Pqemu, and
 * skipped when QEMU is not installed.
 */
@Tag("qemu")
class QemuAgreementTest {
  @Test
  void everyExperimentAgrees(@TempDir Path tmp) throws Exception {
    assumeTrue(GroundTruth.qemuInstalled(), "qemu-system-x86_64 is not installed");
    PrintWriter log = new PrintWriter(System.err, true);
    List<GroundTruth.Row> rows = GroundTruth.run(tmp, Set.of(), log);
    log.print(GroundTruth.table(rows));
    assertThat(rows).hasSizeGreaterThanOrEqualTo(12);
    assertThat(rows).allSatisfy(r -> assertThat(r.agree()).as(r.experiment() + ": qemu "
        + r.qemuSays() + " | model " + r.modelSays()).isTrue());
    assertThat(Files.readAllLines(tmp.resolve("agreement.csv")).get(0))
        .isEqualTo("experiment,fault,qemu_outcome,model_outcome,agree");
  }
}
