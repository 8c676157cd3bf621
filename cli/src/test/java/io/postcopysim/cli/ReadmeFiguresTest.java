package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's headline (the summary `./pcsim run` prints for the default scenario, and the
 * case count in the text) is what the code prints today: a model change that moves a count,
 * or a new outcome column, makes this fail until the README is updated.
 */
class ReadmeFiguresTest {
  @Test
  void theReadmeHeadlineIsTheDefaultRunsSummary(@TempDir Path tmp) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Cli c = Cli.run("run", "--out", tmp.toString());
    assertThat(c.code()).as(c.err()).isZero();
    String summary = c.out().lines().filter(l -> !l.contains("results hash"))
        .map(l -> l.replace(" -> " + tmp, " -> out")).collect(Collectors.joining("\n"));
    assertThat(readme).contains("```\n" + summary + "\n```");
    String count = summary.lines().findFirst().orElseThrow()
        .replaceAll("scenario default: ([0-9]+) cases.*", "$1");
    assertThat(readme).contains(String.format(java.util.Locale.ROOT, "(%,d cases",
        Long.parseLong(count)));
  }

  @Test
  void theReadmeHeadlineUnderLibvirtIsTheLibvirtRunsSummary(@TempDir Path tmp)
      throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Cli c = Cli.run("run", "libvirt", "--out", tmp.toString());
    assertThat(c.code()).as(c.err()).isZero();
    String table = c.out().lines().filter(l -> !l.contains("results hash"))
        .filter(l -> !l.startsWith("scenario ")).collect(Collectors.joining("\n"));
    assertThat(readme).contains("```\n" + table + "\n```");
  }

  @Test
  void theReadmesWorkedDesignExampleIsWhatItsFilePrints(@TempDir Path tmp) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Cli c = Cli.run("run", Path.of("..", "docs", "examples", "designs.yaml").toString(),
        "--out", tmp.toString());
    assertThat(c.code()).as(c.err()).isZero();
    String summary = c.out().lines().filter(l -> !l.contains("results hash"))
        .map(l -> l.replace(" -> " + tmp, " -> out/designs")).collect(Collectors.joining("\n"));
    assertThat(readme).contains("```\n" + summary + "\n```");
  }
}
