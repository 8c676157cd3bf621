package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.scenarios.SweepResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pcsim sweep}: cells are scenarios, their hashes are run's, shards merge to one run. */
class SweepCommandTest {
  static final String BASE = """
      name: tiny
      vm: {ram: 256MiB, working-set: 32MiB, stream-chunk: 32MiB}
      migration:
        variants: [LEGACY, POSTCOPY_SETUP]
        precopy-time: 100ms
      faults:
        kinds: [DEST_CRASH, PARTITION_TO_SOURCE]
      """;

  static final String SWEEP = """
      sweep:
        name: tiny-latency
        base: tiny.yaml
        vary:
          network.latency: [100us, 5ms, 20ms]
          vm.device-load-time: [50ms, 300ms]
        set:
          migration.ping3-timeout: 2s
      """;

  private static Path files(Path dir, String sweep) throws Exception {
    Files.writeString(dir.resolve("tiny.yaml"), BASE);
    Path s = dir.resolve("s.yaml");
    Files.writeString(s, sweep);
    return s;
  }

  @Test
  void aCellsResultsHashIsWhatRunGivesForTheSameScenario(@TempDir Path tmp) throws Exception {
    Path s = files(tmp, SWEEP);
    Cli sweep = Cli.run("sweep", s.toString(), "--out", tmp.resolve("o").toString(),
        "--threads", "2");
    assertThat(sweep.code()).as(sweep.err()).isZero();
    List<SweepResults.Row> rows = SweepResults.read(tmp.resolve("o")).rows();
    assertThat(rows).hasSize(12);
    assertThat(Files.readString(tmp.resolve("o/sweep.csv")).lines().findFirst().orElseThrow())
        .startsWith("cell,network.latency,vm.device-load-time,variant,cases,migration_ms,")
        .endsWith(",results_hash");
    SweepResults.Row cell3 = rows.stream().filter(r -> r.cell() == 3).findFirst().orElseThrow();
    assertThat(cell3.values()).containsExactly("5ms", "300ms");
    Path scenario = tmp.resolve("cell3.yaml");
    Files.writeString(scenario, BASE.replace("stream-chunk: 32MiB}",
        "stream-chunk: 32MiB, device-load-time: 300ms}").replace("precopy-time: 100ms",
        "precopy-time: 100ms\n  ping3-timeout: 2s") + "network: {latency: 5ms}\n");
    Cli run = Cli.run("run", scenario.toString(), "--out", tmp.resolve("r").toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("results hash " + cell3.resultsHash());
    // the cell's scenario as sweep.json (and sweep.html) give it reruns to the same hash
    com.fasterxml.jackson.databind.JsonNode cells = new com.fasterxml.jackson.databind
        .ObjectMapper().readTree(tmp.resolve("o/sweep.json").toFile()).get("scenarios");
    assertThat(cells).hasSize(6);
    Path saved = tmp.resolve("saved.yaml");
    Files.writeString(saved, cells.get(3).toString());
    Cli again = Cli.run("run", saved.toString(), "--out", tmp.resolve("r2").toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("results hash " + cell3.resultsHash());
    // rows of one cell differ per variant but share the cell's hash; cells differ
    assertThat(rows.stream().map(SweepResults.Row::resultsHash).distinct()).hasSize(6);
    assertThat(Files.readString(tmp.resolve("o/sweep.html"))).contains("<svg")
        .contains("STUCK_PAUSED: exposure against network.latency")
        .contains("vm.device-load-time = 300ms").contains("<details id=\"cell-3\">")
        .contains("<a href=\"#cell-3\">3</a>").doesNotContain("<script")
        // every charted point links to its cell's scenario
        .containsPattern("<a href=\"#cell-3\"><rect [^>]*><title>[A-Z_0-9]+ at [^<]*: cell 3"
            + "</title></rect></a>");
  }

  @Test
  void shardsMergeIntoTheBytesOfOneSweep(@TempDir Path tmp) throws Exception {
    Path s = files(tmp, SWEEP);
    assertThat(Cli.run("sweep", s.toString(), "--out", tmp.resolve("all").toString()).code())
        .isZero();
    for (int i = 1; i <= 2; i++) {
      Cli part = Cli.run("sweep", s.toString(), "--shard", i + "/2", "--out",
          tmp.resolve("p" + i).toString());
      assertThat(part.code()).as(part.err()).isZero();
    }
    assertThat(SweepResults.read(tmp.resolve("p1")).rows()).allMatch(r -> r.cell() % 2 == 0);
    Cli merge = Cli.run("merge", tmp.resolve("p2").toString(), tmp.resolve("p1").toString(),
        "--out", tmp.resolve("m").toString());
    assertThat(merge.code()).as(merge.err()).isZero();
    for (String f : List.of("sweep.csv", "sweep.html", "sweep.json", "manifest.sha256")) {
      assertThat(Files.readString(tmp.resolve("m").resolve(f))).as(f)
          .isEqualTo(Files.readString(tmp.resolve("all").resolve(f)));
    }
    Cli half = Cli.run("merge", tmp.resolve("p1").toString(), "--out",
        tmp.resolve("h").toString());
    assertThat(half.code()).isEqualTo(2);
    assertThat(half.err()).contains("missing shards [2] of 2");
  }

  @Test
  void aBadKeyOrValueNamesTheSweepFileLineColumnAndKey(@TempDir Path tmp) throws Exception {
    Path s = files(tmp, SWEEP.replace("network.latency:", "network.latncy:"));
    Cli typo = Cli.run("sweep", s.toString(), "--out", tmp.resolve("o").toString());
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err().trim()).startsWith("pcsim: " + s + ":5:5: sweep.vary.network.latncy:"
        + " not a scenario key, did you mean 'network.latency'?");
    s = files(tmp, SWEEP.replace("20ms]", "20 parsecs]"));
    Cli unit = Cli.run("sweep", s.toString(), "--out", tmp.resolve("o").toString());
    assertThat(unit.code()).isEqualTo(2);
    assertThat(unit.err()).startsWith("pcsim: " + s + ":5:35: network.latency: in sweep cell 4"
        + " (network.latency=20 parsecs, vm.device-load-time=50ms):");
    s = files(tmp, SWEEP.replace("ping3-timeout: 2s", "ping3-timeout: often"));
    Cli set = Cli.run("sweep", s.toString(), "--out", tmp.resolve("o").toString());
    assertThat(set.code()).isEqualTo(2);
    assertThat(set.err()).startsWith("pcsim: " + s + ":8:30: migration.ping3-timeout:");
    s = files(tmp, SWEEP.replace("tiny.yaml", "missing.yaml"));
    assertThat(Cli.run("sweep", s.toString(), "--out", tmp.resolve("o").toString()).err())
        .contains(s + ":3:9: sweep.base: no such scenario file");
    assertThat(Files.exists(tmp.resolve("o/sweep.csv"))).isFalse();
  }
}
