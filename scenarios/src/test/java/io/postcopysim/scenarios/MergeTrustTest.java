package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merge takes nothing in a shard's files on trust. Each doctored shard below also gets a
 * matching manifest, as a careless edit or a partial copy with a regenerated manifest would,
 * so the checks of the rows themselves are what must catch it.
 */
class MergeTrustTest {
  @TempDir static Path tmp;
  static List<Path> shards = new ArrayList<>();

  @BeforeAll
  static void twoShards() throws Exception {
    for (int i = 1; i <= 2; i++) {
      Results part = BatchRunner.run(BatchRunnerTest.small(), new BatchRunner.Options(2,
          new Shard(i, 2), null, null));
      Path d = tmp.resolve("shard" + i);
      ResultsFiles.write(d, part);
      shards.add(d);
    }
  }

  /** A copy of shard 1 with one file rewritten and the manifest made to match. */
  private static Path doctored(String name, String file, UnaryOperator<String> edit)
      throws Exception {
    Path d = tmp.resolve(name);
    Files.createDirectories(d);
    for (String f : List.of("cases.csv", "results.json")) {
      String text = Files.readString(shards.get(0).resolve(f), StandardCharsets.UTF_8);
      Files.writeString(d.resolve(f), f.equals(file) ? edit.apply(text) : text);
    }
    StringBuilder m = new StringBuilder();
    for (String f : List.of("cases.csv", "results.json")) {
      m.append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(d.resolve(f))))).append("  ").append(f).append('\n');
    }
    Files.writeString(d.resolve(OutputFolder.MANIFEST), m);
    return d;
  }

  private static String refusal(Path shard1) {
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> Merge.merge(List.of(shard1, shards.get(1))));
    assertThat(e).as("merged without complaint").isNotNull();
    return e.describe();
  }

  @Test
  void theUntouchedShardsMerge() throws Exception {
    assertThat(Merge.merge(shards).caseCount()).isGreaterThan(200);
  }

  @Test
  void aTruncatedCasesCsvIsRefused() throws Exception {
    Path d = doctored("truncated", "cases.csv", t -> t.substring(0, t.length() / 2)
        .substring(0, t.substring(0, t.length() / 2).lastIndexOf('\n') + 1));
    assertThat(refusal(d)).contains("cases.csv").contains("cut short or changed");
  }

  @Test
  void aHeaderOnlyCasesCsvIsRefused() throws Exception {
    Path d = doctored("header-only", "cases.csv", t -> CasesCsv.HEADER + "\n");
    assertThat(refusal(d)).contains("cut short or changed");
  }

  @Test
  void anEditedStuckWindowIsRefused() throws Exception {
    Path d = doctored("stuck", "results.json",
        t -> t.replaceFirst("\"stuck_window_ns\" : [0-9]+", "\"stuck_window_ns\" : 1"));
    assertThat(Files.readString(d.resolve("results.json")))
        .isNotEqualTo(Files.readString(shards.get(0).resolve("results.json")));
    assertThat(refusal(d)).contains("results.json").contains("does not match");
  }

  @Test
  void anEditedOutcomeIsRefused() throws Exception {
    Path d = doctored("outcome", "cases.csv", t -> t.replaceFirst(",STUCK_PAUSED,", ",MIGRATED,"));
    assertThat(refusal(d)).contains("does not match");
  }

  @Test
  void anotherBuildOfTheModelIsRefused() throws Exception {
    Path d = doctored("build", "results.json", t -> t.replace(
        "\"model\" : \"" + ModelFingerprint.value() + "\"", "\"model\" : \"0123456789abcdef\""));
    assertThat(refusal(d)).contains("another build of the model");
  }

  @Test
  void aFolderWithoutAManifestOrResultsIsRefused() throws Exception {
    Path d = doctored("no-manifest", "cases.csv", t -> t);
    Files.delete(d.resolve(OutputFolder.MANIFEST));
    assertThat(refusal(d)).contains("no manifest.sha256");
    Path e = doctored("no-json", "cases.csv", t -> t);
    Files.delete(e.resolve("results.json"));
    assertThat(refusal(e)).contains("results.json is missing");
  }

  @Test
  void aFileChangedAfterTheCommitIsRefused() throws Exception {
    Path d = doctored("changed", "cases.csv", t -> t);
    Files.writeString(d.resolve("cases.csv"), "x", java.nio.file.StandardOpenOption.APPEND);
    assertThat(refusal(d)).contains("does not match manifest.sha256");
  }

  @Test
  void estimatedRowsBoundTheDoubleFaultRows() throws Exception {
    Scenario s = BatchRunnerTest.small().withOverrides(null, null, 2);
    RunPlan plan = RunPlan.of(s, new Shard(1, 7));
    long rows = BatchRunner.run(s, plan, new BatchRunner.Options(2, new Shard(1, 7), null,
        null)).caseCount();
    assertThat(plan.estimatedRows()).isGreaterThanOrEqualTo(rows).isLessThan(rows * 20);
  }
}
