package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A case at a point inside a quiet gap replays from its ID as the batch ran it. */
class GapPointsReplayTest {
  @Test
  void aGapCaseReplaysWithItsTraceHashAndItsFaultAtItsTime(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("gapped.yaml");
    Files.writeString(file, SweepCommandTest.BASE.replace(
        "kinds: [DEST_CRASH, PARTITION_TO_SOURCE]", "kinds: [DEST_CRASH]\n  gap-points: 5ms"));
    Cli run = Cli.run("run", file.toString(), "--out", tmp.resolve("o").toString());
    assertThat(run.code()).as(run.err()).isZero();
    List<String> gapRows = Files.readAllLines(tmp.resolve("o/cases.csv")).stream()
        .filter(l -> l.split(",")[0].contains(".")).toList();
    assertThat(gapRows).hasSizeGreaterThan(10);
    String[] row = gapRows.get(gapRows.size() / 2).split(",");
    Cli replay = Cli.run("replay", file.toString(), "--case", row[0]);
    assertThat(replay.code()).as(replay.err()).isZero();
    assertThat(replay.out()).contains("trace hash: " + row[10]).contains(row[6]);
    String faultLine = replay.out().lines().filter(l -> l.contains("FAULT")).findFirst()
        .orElseThrow();
    // point_time_ms: the time inside the gap, printed in seconds
    assertThat(faultLine).contains(String.format(java.util.Locale.ROOT, "%.6f s",
        Double.parseDouble(row[11]) / 1000));
    Cli beyond = Cli.run("replay", file.toString(), "--case", row[0].replaceFirst("\\.\\d+$",
        ".99999"));
    assertThat(beyond.code()).isEqualTo(2);
  }
}
