package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Today's model against real QEMU, without QEMU: the observations the lab recorded on real
 * 7.2.22, 10.0.13 and 11.1.3 (src/test/resources/ground-truth: each experiment's QMP event
 * timeline, final states and detection, and each version's measured device state) are judged
 * again by {@link GroundTruth#rejudge}, which writes each experiment's scenario anew and runs
 * the model's case. Every row must agree or be a known disagreement with QEMU's reason, and
 * every known entry must still be needed, so a model change that breaks agreement, or fixes a
 * known row, fails here in every build. Re-record with
 * {@code ./pcsim ground-truth --qemu all --out DIR} and copy DIR's observations in.
 */
class RecordedAgreementTest {
  /** The known rows today: a model fix lowers this, a new known difference may not raise it. */
  private static final int KNOWN_AT_MOST = 11;
  private static final Path RECORDED = Path.of("src", "test", "resources", "ground-truth");

  @Test
  void everyRecordedExperimentAgreesOrIsAKnownDisagreement(@TempDir Path tmp)
      throws IOException {
    copy(RECORDED, tmp);
    StringWriter log = new StringWriter();
    List<GroundTruth.Row> rows = GroundTruth.rejudge(tmp, QemuVersion.parse(List.of("all")),
        Set.of(), new PrintWriter(log));
    assertThat(rows).hasSize(103);
    assertThat(rows).allSatisfy(r -> assertThat(r.agree()).as(r.version() + " "
        + r.experiment() + " (" + r.mismatch() + "): qemu " + r.qemu() + " " + r.qemuFinal()
        + " [" + r.qemuTimeline() + "] | model " + r.model() + " " + r.modelFinal() + " ["
        + r.modelTimeline() + "]").isIn(GroundTruth.Agree.YES, GroundTruth.Agree.KNOWN));
    assertThat(rows.stream().filter(r -> r.agree() == GroundTruth.Agree.YES))
        .hasSizeGreaterThanOrEqualTo(92);
    assertThat(rows.stream().filter(r -> r.version().equals("11.1"))).hasSize(23);
    for (Known.Difference d : Known.ALL) {
      assertThat(rows).as("known difference " + d.name() + " still explains a row (else"
          + " remove it)").anyMatch(r -> List.of(r.known().split(",")).contains(d.name()));
    }
    assertThat(rows.stream().filter(r -> r.agree() == GroundTruth.Agree.KNOWN))
        .as("rows explained by known differences").hasSizeLessThanOrEqualTo(KNOWN_AT_MOST);
    assertThat(Files.readString(Path.of("..", "README.md")))
        .as("README's ground-truth table is GroundTruth.markdown of the recorded rows"
            + " (copy DIR/agreement.md of a --rejudge run in)")
        .contains(GroundTruth.markdown(rows));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
