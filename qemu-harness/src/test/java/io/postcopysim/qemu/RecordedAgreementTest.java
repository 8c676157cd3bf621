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
 * Today's model against real QEMU, without QEMU: the observations five full live runs recorded
 * on real 7.2.22, 10.0.13 and 11.1.3 (src/test/resources/ground-truth/RUN: each experiment's
 * QMP event timeline, final states and detection, and each version's measured device state;
 * run a from session 4, runs b and c from session 5, run d from session 6, with the strikes
 * that no longer race and the uncapped experiments; run e, small-window-rp-cut-at-ping2
 * alone, whose pinned window holds the package on every version; run f, all 115 on the final
 * model of session 6) are judged again by
 * {@link GroundTruth#rejudge}, which writes each experiment's scenario anew and runs the
 * model's case. Every row must agree or be a known disagreement with QEMU's reason, and every
 * known entry must still explain a row of some run, so a model change that breaks agreement, or
 * fixes a known row, fails here in every build. Several runs, because real QEMU races: the same
 * experiment fell both ways (ACK_RACE, SHUT_RACE). Re-record with
 * {@code ./pcsim ground-truth --qemu all --out DIR} and copy DIR's observations in.
 */
class RecordedAgreementTest {
  private static final Path RECORDED = Path.of("src", "test", "resources", "ground-truth");

  /**
   * What each run must show today: experiments, of them on 11.1, agreeing at least, known at
   * most (a model fix lowers a known count, a new known difference may not raise it).
   */
  private record Run(String name, int rows, int on111, int agreeAtLeast, int knownAtMost) {}

  private static final List<Run> RUNS = List.of(new Run("2026-11-28-a", 103, 23, 101, 2),
      new Run("2026-11-28-b", 106, 24, 100, 6), new Run("2026-11-28-c", 106, 24, 100, 6),
      new Run("2026-11-28-e", 3, 1, 3, 0), new Run("2026-11-28-d", 112, 26, 111, 1),
      new Run("2026-11-28-f", 115, 27, 115, 0));

  @Test
  void everyRecordedExperimentAgreesOrIsAKnownDisagreement(@TempDir Path tmp)
      throws IOException {
    Set<String> explained = new java.util.TreeSet<>();
    List<GroundTruth.Row> latest = List.of();
    for (Run run : RUNS) {
      Path dir = tmp.resolve(run.name());
      copy(RECORDED.resolve(run.name()), dir);
      List<GroundTruth.Row> rows = GroundTruth.rejudge(dir, QemuVersion.parse(List.of("all")),
          Set.of(), new PrintWriter(new StringWriter()));
      assertThat(rows).as(run.name()).hasSize(run.rows());
      assertThat(rows).allSatisfy(r -> assertThat(r.agree()).as(run.name() + " " + r.version()
          + " " + r.experiment() + " (" + r.mismatch() + "): qemu " + r.qemu() + " "
          + r.qemuFinal() + " [" + r.qemuTimeline() + "] | model " + r.model() + " "
          + r.modelFinal() + " [" + r.modelTimeline() + "]")
          .isIn(GroundTruth.Agree.YES, GroundTruth.Agree.KNOWN));
      assertThat(rows.stream().filter(r -> r.agree() == GroundTruth.Agree.YES))
          .as(run.name()).hasSizeGreaterThanOrEqualTo(run.agreeAtLeast());
      assertThat(rows.stream().filter(r -> r.version().equals("11.1"))).hasSize(run.on111());
      assertThat(rows.stream().filter(r -> r.agree() == GroundTruth.Agree.KNOWN))
          .as(run.name() + ": rows explained by known differences")
          .hasSizeLessThanOrEqualTo(run.knownAtMost());
      assertThat(rows).as(run.name() + ": outcomes").allMatch(r -> r.qemu() == r.model());
      rows.forEach(r -> explained.addAll(List.of(r.known().split(","))));
      latest = rows;
    }
    for (Known.Difference d : Known.ALL) {
      assertThat(explained).as("known difference " + d.name() + " still explains a row (else"
          + " remove it)").contains(d.name());
    }
    assertThat(Files.readString(Path.of("..", "README.md")))
        .as("README's ground-truth table is GroundTruth.markdown of the latest recorded run"
            + " (copy DIR/agreement.md of a --rejudge run in)")
        .contains(GroundTruth.markdown(latest));
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
