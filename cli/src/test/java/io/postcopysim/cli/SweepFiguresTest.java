package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's sweep figures (docs/figures) are what {@code ./pcsim sweep NAME --figures DIR}
 * draws today: each figure's {@code <desc>} carries its numbers, so a model change that moves
 * a curve fails here until the figure is drawn again (the drawing itself depends on the
 * machine's fonts, the numbers do not).
 */
class SweepFiguresTest {
  private static final Path FIGURES = Path.of("..", "docs", "figures");

  @Test
  void theReadmesSweepFiguresAreCurrent(@TempDir Path tmp) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (String sweep : List.of("latency", "device-load")) {
      Cli c = Cli.run("sweep", sweep, "--out", tmp.resolve(sweep).toString(), "--figures",
          tmp.resolve("figures").toString());
      assertThat(c.code()).as(c.err()).isZero();
      Path committed = FIGURES.resolve(sweep + "-STUCK_PAUSED.svg");
      assertThat(readme).contains("](docs/figures/" + committed.getFileName() + ")");
      assertThat(desc(tmp.resolve("figures").resolve(committed.getFileName())))
          .as(committed + " is stale: ./pcsim sweep " + sweep + " --figures docs/figures")
          .isEqualTo(desc(committed));
    }
  }

  private static String desc(Path svg) throws Exception {
    String s = Files.readString(svg);
    return s.substring(s.indexOf("<desc>"), s.indexOf("</desc>"));
  }
}
