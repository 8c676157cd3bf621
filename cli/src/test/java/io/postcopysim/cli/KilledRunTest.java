package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with SIGKILL resumes from its checkpoint to exactly the uninterrupted result. */
class KilledRunTest {
  @Test
  void aKilledRunResumesToTheSameResult(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("killed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Pcsim.class.getName(), "run", "cover-letter", "--threads", "1", "--out", out.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
    Path checkpoint = out.resolve(RunCommand.CHECKPOINT);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive() && blocks(checkpoint) < 20) {
      Thread.sleep(20);
    }
    assertThat(p.isAlive()).as("the run must still be going when killed").isTrue();
    p.destroyForcibly().waitFor();
    assertThat(Files.exists(out.resolve("results.json"))).isFalse(); // nothing half-written
    long finished = blocks(checkpoint);
    assertThat(finished).isGreaterThanOrEqualTo(20);

    Cli resumed = Cli.run("run", "cover-letter", "--threads", "2", "--out", out.toString());
    assertThat(resumed.code()).as(resumed.err()).isZero();
    Path clean = tmp.resolve("clean");
    assertThat(Cli.run("run", "cover-letter", "--threads", "2", "--out", clean.toString())
        .code()).isZero();
    for (String f : List.of("results.json", "cases.csv")) {
      assertThat(Files.readString(out.resolve(f))).as(f)
          .isEqualTo(Files.readString(clean.resolve(f)));
    }
  }

  private static long blocks(Path checkpoint) throws Exception {
    if (!Files.exists(checkpoint)) {
      return 0;
    }
    try (var lines = Files.lines(checkpoint)) {
      return lines.filter(l -> l.startsWith("E ")).count();
    } catch (java.io.UncheckedIOException e) {
      return 0;
    }
  }

}
