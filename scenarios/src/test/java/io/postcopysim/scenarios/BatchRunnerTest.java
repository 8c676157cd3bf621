package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchRunnerTest {
  /** Small enough to run many times: 512 MiB, three variants, three kinds. */
  static Scenario small() {
    return ScenarioLoader.parse("""
        name: small
        vm: {ram: 512MiB, working-set: 64MiB, stream-chunk: 32MiB}
        migration:
          variants: [LEGACY, POSTCOPY_DEVICE, POSTCOPY_SETUP]
          precopy-time: 100ms
        faults:
          kinds: [DEST_CRASH, PARTITION_TO_SOURCE, DEST_LOAD_ERROR]
        """, "small.yaml");
  }

  static Results run(Scenario s, int threads, Shard shard, Path checkpoint) throws Exception {
    return BatchRunner.run(s, new BatchRunner.Options(threads, shard, checkpoint, null));
  }

  @Test
  void theOutputDoesNotDependOnTheThreadCount() throws Exception {
    Results one = run(small(), 1, null, null);
    Results three = run(small(), 3, null, null);
    assertThat(one.caseCount()).isGreaterThan(200);
    assertThat(ResultsFiles.jsonText(three)).isEqualTo(ResultsFiles.jsonText(one));
    assertThat(ResultsFiles.csv(three)).isEqualTo(ResultsFiles.csv(one));
  }

  @Test
  void forkingGivesExactlyWhatReplayingEveryPrefixGives() throws Exception {
    for (int maxFaults : new int[] {1, 2}) {
      Scenario s = small().withOverrides(null, null, maxFaults);
      Results naive = BatchRunner.run(s, new BatchRunner.Options(2, null, null, null, false));
      Results fork = BatchRunner.run(s, new BatchRunner.Options(2, null, null, null, true));
      assertThat(ResultsFiles.csv(fork)).as("max-faults %d", maxFaults)
          .isEqualTo(ResultsFiles.csv(naive));
      assertThat(ResultsFiles.jsonText(fork)).isEqualTo(ResultsFiles.jsonText(naive));
    }
  }

  /** {@link #small()} with a failure point every 5 ms inside longer quiet gaps. */
  static Scenario gapped() {
    return ScenarioLoader.parse("""
        name: gapped
        vm: {ram: 512MiB, working-set: 64MiB, stream-chunk: 32MiB, device-load-time: 300ms}
        migration:
          variants: [LEGACY, PING3]
          precopy-time: 100ms
        faults:
          kinds: [DEST_CRASH, PARTITION_TO_SOURCE, DEST_LOAD_ERROR]
          gap-points: 5ms
        """, "gapped.yaml");
  }

  @Test
  void withGapPointsForkingGivesWhatReplayingGivesAndShardsMergeToIt(@TempDir Path tmp)
      throws Exception {
    Scenario s = gapped();
    Results naive = BatchRunner.run(s, new BatchRunner.Options(2, null, null, null, false));
    Results fork = BatchRunner.run(s, new BatchRunner.Options(2, null, null, null, true));
    assertThat(ResultsFiles.csv(fork)).isEqualTo(ResultsFiles.csv(naive));
    assertThat(ResultsFiles.jsonText(fork)).isEqualTo(ResultsFiles.jsonText(naive));
    assertThat(fork.variants().get(0).cases()).anyMatch(c -> c.id().first().gap() > 0);
    Results plain = BatchRunner.run(s.withGapPoints(0), new BatchRunner.Options(2, null, null,
        null, true));
    assertThat(fork.caseCount()).isGreaterThan(plain.caseCount());
    List<Path> dirs = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      Path d = tmp.resolve("part" + i);
      ResultsFiles.write(d, run(s, 2, new Shard(i, 2), null));
      dirs.add(d);
    }
    Results merged = Merge.merge(dirs);
    assertThat(ResultsFiles.csv(merged)).isEqualTo(ResultsFiles.csv(fork));
    assertThat(ResultsFiles.jsonText(merged)).isEqualTo(ResultsFiles.jsonText(fork));
  }

  @Test
  void shardsMergeIntoExactlyTheUnshardedResult(@TempDir Path tmp) throws Exception {
    Results full = run(small(), 2, null, null);
    List<Path> dirs = new ArrayList<>();
    long cases = 0;
    for (int i = 1; i <= 3; i++) {
      Results part = run(small(), 2, new Shard(i, 3), null);
      assertThat(part.shard()).isEqualTo(i + "/3");
      cases += part.caseCount();
      Path d = tmp.resolve("shard" + i);
      ResultsFiles.write(d, part);
      dirs.add(d);
    }
    assertThat(cases).isEqualTo(full.caseCount());
    Results merged = Merge.merge(List.of(dirs.get(2), dirs.get(0), dirs.get(1)));
    assertThat(ResultsFiles.jsonText(merged)).isEqualTo(ResultsFiles.jsonText(full));
    assertThat(ResultsFiles.csv(merged)).isEqualTo(ResultsFiles.csv(full));
    assertThatThrownBy(() -> Merge.merge(dirs.subList(0, 2)))
        .hasMessageContaining("missing shards [3] of 3");
    assertThatThrownBy(() -> Merge.merge(List.of(dirs.get(0), dirs.get(0), dirs.get(1))))
        .hasMessageContaining("given twice");
  }

  @Test
  void aRunResumesFromItsCheckpointWithoutRecomputingFinishedPoints(@TempDir Path tmp)
      throws Exception {
    Results full = run(small(), 1, null, null);
    Path cp = tmp.resolve("checkpoint");
    // Interrupt a run part way: the progress callback throws once a third is done.
    long stopAt = full.caseCount() / 3;
    assertThatThrownBy(() -> BatchRunner.run(small(), new BatchRunner.Options(1, null, cp,
        (done, total) -> {
          if (done >= stopAt) {
            throw new IllegalStateException("interrupted");
          }
        }))).hasMessage("interrupted");
    List<String> lines = Files.readAllLines(cp, StandardCharsets.UTF_8);
    long blocks = lines.stream().filter(l -> l.startsWith("E ")).count();
    assertThat(blocks).isPositive();
    // Prove the finished points are taken, not recomputed: doctor one recorded row, and tear
    // the tail as a kill during a write would.
    int row = lines.indexOf(lines.stream().filter(l -> l.startsWith("LEGACY/")).findFirst()
        .orElseThrow());
    String original = lines.get(row);
    String doctored = original.replace(",false,", ",true,");
    assertThat(doctored).isNotEqualTo(original);
    lines.set(row, doctored);
    lines.add("P LEGACY@999 3");
    lines.add("LEGACY/DEST_CRASH@999,LEGA");
    Files.write(cp, lines, StandardCharsets.UTF_8);

    Results resumed = run(small(), 2, null, cp);
    String expected = ResultsFiles.csv(full).replace(original, doctored);
    assertThat(ResultsFiles.csv(resumed)).isEqualTo(expected);
    Files.writeString(cp, Files.readString(cp).replace(doctored, original));
    assertThat(ResultsFiles.csv(run(small(), 2, null, cp))).isEqualTo(ResultsFiles.csv(full));
  }

  @Test
  void aCheckpointOfAnotherScenarioIsRefused(@TempDir Path tmp) throws Exception {
    Path cp = tmp.resolve("checkpoint");
    Files.writeString(cp, "pcsim-checkpoint 0000000000000000\n");
    assertThatThrownBy(() -> run(small(), 1, null, cp))
        .hasMessageContaining("belongs to another scenario");
  }

  @Test
  void writtenFilesReadBackToTheSameResults(@TempDir Path tmp) throws Exception {
    Results r = run(small(), 2, new Shard(1, 2), null);
    ResultsFiles.write(tmp, r);
    StoredResults back = StoredResults.read(tmp);
    assertThat(back.json()).isEqualTo(ResultsFiles.jsonText(r));
    assertThat(back.rows()).hasSize((int) r.caseCount());
    assertThat(Files.list(tmp).map(p -> p.getFileName().toString()).sorted().toList())
        .containsExactly("cases.csv", OutputFolder.MANIFEST, "results.json"); // no temp file
  }

  @Test
  void aCompressedCsvReadsBackAndReplacesThePlainOne(@TempDir Path tmp) throws Exception {
    Results r = run(small(), 2, new Shard(1, 2), null);
    ResultsFiles.write(tmp, r);
    ResultsFiles.write(tmp, r, true, null);
    assertThat(Files.exists(tmp.resolve("cases.csv"))).isFalse();
    assertThat(Files.size(tmp.resolve("cases.csv.gz"))).isLessThan(
        ResultsFiles.csv(r).length() / 4);
    assertThat(StoredResults.read(tmp).rows()).hasSize((int) r.caseCount());
  }
}
