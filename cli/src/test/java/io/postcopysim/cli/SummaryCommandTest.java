package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pcsim summary DIR --format mail}: 72 columns, the table, the worst case, replayable. */
class SummaryCommandTest {
  @Test
  void aMailSummaryFitsSeventyTwoColumnsAndItsReplayCommandWorks(@TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("tiny.yaml");
    Files.writeString(file, SweepCommandTest.BASE);
    Path out = tmp.resolve("o");
    assertThat(Cli.run("run", file.toString(), "--out", out.toString()).code()).isZero();
    Cli summary = Cli.run("summary", out.toString(), "--format", "mail");
    assertThat(summary.code()).as(summary.err()).isZero();
    List<String> lines = summary.out().lines().toList();
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(72));
    assertThat(lines.get(0)).startsWith("postcopy-sim 0.1.0 (model ").endsWith("scenario tiny");
    assertThat(lines).anyMatch(l -> l.startsWith("LEGACY ")).anyMatch(l ->
        l.startsWith("POSTCOPY_SETUP "));
    String worst = lines.stream().filter(l -> l.startsWith("Worst counterexample: "))
        .findFirst().orElseThrow();
    String id = worst.split(" ")[2];
    assertThat(lines).anyMatch(l -> l.contains("==== FAULT "));
    assertThat(lines).contains("    --case " + id);
    assertThat(lines.get(lines.size() - 1)).startsWith("-- pcsim ");
    Cli replay = Cli.run("replay", out.resolve("results.json").toString(), "--case", id);
    assertThat(replay.code()).as(replay.err()).isZero();
    assertThat(worst).contains(replay.out().lines().filter(l -> l.startsWith("outcome: "))
        .findFirst().orElseThrow().split(" ")[1]);
    assertThat(Cli.run("summary", out.toString(), "--format", "html").code()).isEqualTo(2);
  }
}
