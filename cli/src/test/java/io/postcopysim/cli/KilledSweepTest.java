package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep killed with SIGKILL resumes from its checkpoint to exactly the uninterrupted files. */
class KilledSweepTest {
  @Test
  void aKilledSweepResumesToTheSameFiles(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("tiny.yaml"), SweepCommandTest.BASE);
    Path sweep = tmp.resolve("s.yaml");
    Files.writeString(sweep, SweepCommandTest.SWEEP.replace("[100us, 5ms, 20ms]",
        "[100us, 250us, 500us, 1ms, 2ms, 5ms, 10ms, 20ms]"));
    Path out = tmp.resolve("killed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Pcsim.class.getName(), "sweep", sweep.toString(), "--threads", "1", "--out",
        out.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile())
        .start();
    Path checkpoint = out.resolve(SweepCommand.CHECKPOINT);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive() && cells(checkpoint) < 3) {
      Thread.sleep(20);
    }
    assertThat(p.isAlive()).as("the sweep must still be going when killed").isTrue();
    p.destroyForcibly().waitFor();
    assertThat(Files.exists(out.resolve("sweep.csv"))).isFalse(); // nothing half-written
    assertThat(cells(checkpoint)).isGreaterThanOrEqualTo(3);

    Cli resumed = Cli.run("sweep", sweep.toString(), "--threads", "2", "--out", out.toString());
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.err()).contains("(from checkpoint)");
    assertThat(Files.exists(checkpoint)).isFalse();
    Path clean = tmp.resolve("clean");
    assertThat(Cli.run("sweep", sweep.toString(), "--out", clean.toString()).code()).isZero();
    for (String f : List.of("sweep.csv", "sweep.json", "sweep.html")) {
      assertThat(Files.readString(out.resolve(f))).as(f)
          .isEqualTo(Files.readString(clean.resolve(f)));
    }
    assertThat(Cli.run("list").out()).contains("sweeps (built-in; run with ./pcsim sweep NAME)")
        .contains("  latency ").contains("  device-load ").contains("  timeouts ");
  }

  private static long cells(Path checkpoint) throws Exception {
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
