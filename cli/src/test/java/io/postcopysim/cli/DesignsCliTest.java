package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A design defined in a scenario file, through the command line: list, run, replay, errors. */
class DesignsCliTest {
  private static final String FILE = """
      name: mine
      vm: {ram: 512MiB, working-set: 64MiB, stream-chunk: 32MiB}
      migration:
        variants: [POSTCOPY_SETUP, PONG3_THEN_RUN]
        precopy-time: 100ms
        designs:
          PONG3_THEN_RUN: {like: PING3, run-in-package: false, gate-timeout: 5s}
      faults: {kinds: [DEST_CRASH, PARTITION_TO_SOURCE]}
      """;

  @Test
  void listShowsEveryDesignWithItsRow(@TempDir Path tmp) throws Exception {
    Cli builtIns = Cli.run("list");
    assertThat(builtIns.out()).contains("PING3", "gate: pong-3, gate-timeout: ping3-timeout",
        "gate: run-ack, gate-timeout: none, ack: after-activate");
    Path file = Files.writeString(tmp.resolve("mine.yaml"), FILE);
    Cli mine = Cli.run("list", file.toString());
    assertThat(mine.code()).as(mine.err()).isZero();
    assertThat(mine.out()).contains("PONG3_THEN_RUN       a design defined in a scenario file",
        "postcopy: true, run-in-package: false, gate: pong-3, gate-timeout: 5s");
  }

  @Test
  void aDesignRunsAndItsCasesReplayFromTheFileAndFromTheResults(@TempDir Path tmp)
      throws Exception {
    Path file = Files.writeString(tmp.resolve("mine.yaml"), FILE);
    Path out = tmp.resolve("out");
    Cli run = Cli.run("run", file.toString(), "--variants", "PONG3_THEN_RUN", "--out",
        out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("PONG3_THEN_RUN");
    String csv = Files.readString(out.resolve("cases.csv"));
    String id = csv.lines().skip(1).findFirst().orElseThrow().split(",")[0];
    assertThat(id).startsWith("PONG3_THEN_RUN/");
    Cli fromFile = Cli.run("replay", file.toString(), "--case", id);
    Cli fromResults = Cli.run("replay", out.toString(), "--case", id);
    assertThat(fromFile.code()).as(fromFile.err()).isZero();
    assertThat(fromResults.code()).as(fromResults.err()).isZero();
    assertThat(fromResults.out().lines().filter(l -> l.startsWith("trace hash")).toList())
        .isEqualTo(fromFile.out().lines().filter(l -> l.startsWith("trace hash")).toList())
        .hasSize(1);
  }

  @Test
  void aDesignTheStateMachinesCannotHonourIsBadInputWithWhereAndWhy(@TempDir Path tmp)
      throws Exception {
    Path file = Files.writeString(tmp.resolve("bad.yaml"), FILE.replace(
        "gate-timeout: 5s}", "gate-timeout: 5s, status-after-package: postcopy-active}"));
    Cli c = Cli.run("run", file.toString(), "--out", tmp.resolve("o").toString());
    assertThat(c.code()).as(c.err()).isEqualTo(2);
    assertThat(c.err()).contains("bad.yaml:7:5: migration.designs.PONG3_THEN_RUN: cannot be"
        + " simulated: status-after-package: postcopy-active with a gate");
  }
}
