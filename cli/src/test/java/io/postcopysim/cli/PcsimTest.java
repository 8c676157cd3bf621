package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pcsim command end to end, in-process. */
class PcsimTest {
  private static final String[] SMALL = {"--variants", "LEGACY,POSTCOPY_SETUP", "--faults",
      "DEST_CRASH,PARTITION_TO_SOURCE"};

  private static String[] args(String... head) {
    String[] all = new String[head.length + SMALL.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(SMALL, 0, all, head.length, SMALL.length);
    return all;
  }

  @Test
  void runWritesResultsCasesAndReportAndPrintsASummary(@TempDir Path tmp) throws Exception {
    Cli c = Cli.run(args("run", "--out", tmp.toString(), "--threads", "2"));
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("scenario default:", "LEGACY", "POSTCOPY_SETUP", "results hash");
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("results.json").toFile());
    assertThat(json.get("tool").asText()).isEqualTo("postcopy-sim");
    assertThat(json.get("scenario").get("name").asText()).isEqualTo("default");
    JsonNode legacy = json.get("variants").get(0);
    assertThat(legacy.get("variant").asText()).isEqualTo("LEGACY");
    assertThat(legacy.get("golden").get("outcome").asText()).isEqualTo("MIGRATED");
    assertThat(legacy.get("outcomes").get("STUCK_PAUSED").asLong()).isPositive();
    assertThat(legacy.has("by_fault_kind") && legacy.has("by_phase")).isTrue();
    List<String> rows = Files.readAllLines(tmp.resolve("cases.csv"));
    assertThat(rows.get(0)).isEqualTo("case_id,variant,fault_kind,point,point_label,phase,"
        + "outcome,downtime_ms,detection_ms,status_mismatch,trace_hash,point_time_ms");
    assertThat(rows).hasSize(1 + json.get("variants").get(0).get("cases").asInt()
        + json.get("variants").get(1).get("cases").asInt());
    assertThat(Files.readString(tmp.resolve("report.html"))).startsWith("<!DOCTYPE html>");
    assertThat(Files.exists(tmp.resolve(RunCommand.CHECKPOINT))).isFalse();
  }

  /**
   * With fault rates in the scenario, results.json and the console give each outcome per
   * million migrations (rate x exposure per kind); the shared part of VM_LOST is there always.
   */
  @Test
  void faultRatesGivePerMillionFigures(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("rated.yaml");
    Files.writeString(file, "name: rated\nmigration: {variants: [LEGACY]}\n"
        + "faults: {kinds: [DEST_CRASH, PARTITION], rates-per-year: {DEST_CRASH: 0.5,"
        + " PARTITION: 2}}\n");
    Cli c = Cli.run("run", file.toString(), "--out", tmp.resolve("out").toString());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("per million migrations", "shared by every postcopy design");
    JsonNode v = new ObjectMapper().readTree(tmp.resolve("out").resolve("results.json")
        .toFile()).get("variants").get(0);
    JsonNode byKind = v.get("exposure_by_kind_ms");
    double year = 365.25 * 24 * 3600 * 1000;
    double expected = 1e6 * (0.5 * byKind.get("DEST_CRASH").get("vm_lost").asDouble()
        + 2 * byKind.get("PARTITION").get("vm_lost").asDouble()) / year;
    assertThat(v.get("vm_lost_per_million").asDouble()).isPositive()
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(v.get("vm_lost_shared_exposure_ms").asDouble()).isPositive()
        .isLessThanOrEqualTo(v.get("vm_lost_exposure_ms").asDouble());
  }

  @Test
  void failOnExitsOneWhenACaseMatches(@TempDir Path tmp) {
    assertThat(Cli.run(args("run", "--out", tmp.toString(), "--fail-on", "STUCK_PAUSED"))
        .code()).isEqualTo(1);
    assertThat(Cli.run(args("run", "--out", tmp.toString(), "--fail-on", "UNSETTLED"))
        .code()).isZero();
  }

  @Test
  void replayReproducesTheBatchRowAndPrintsTheTimeline(@TempDir Path tmp) throws Exception {
    assertThat(Cli.run(args("run", "--out", tmp.toString())).code()).isZero();
    String row = Files.readAllLines(tmp.resolve("cases.csv")).stream()
        .filter(l -> l.contains(",STUCK_PAUSED,")).findFirst().orElseThrow();
    String id = row.split(",")[0];
    String hash = row.split(",")[10];
    Cli c = Cli.run("replay", "default", "--case", id);
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("case " + id, "FAULT", "status postcopy-paused",
        "outcome: STUCK_PAUSED", "trace hash: " + hash);
    Cli json = Cli.run("replay", "default", "--case", id, "--json");
    JsonNode n = new ObjectMapper().readTree(json.out());
    assertThat(n.get("trace_hash").asText()).isEqualTo(hash);
    assertThat(n.get("timeline").size()).isGreaterThan(10);
  }

  @Test
  void replayTakesTheVariantFromTheCaseEvenWhenTheScenarioDoesNotListIt(@TempDir Path tmp)
      throws Exception {
    assertThat(Cli.run("run", "--variants", "PRECOPY", "--faults", "CONNECTION_RESET", "--out",
        tmp.toString()).code()).isZero();
    String row = Files.readAllLines(tmp.resolve("cases.csv")).get(1);
    Cli c = Cli.run("replay", "default", "--case", row.split(",")[0]);
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("trace hash: " + row.split(",")[10]);
  }

  @Test
  void badInputExitsTwoWithTheReason(@TempDir Path tmp) throws Exception {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, "name: bad\nvm:\n  rma: 4GiB\n");
    Cli v = Cli.run("validate", bad.toString());
    assertThat(v.code()).isEqualTo(2);
    assertThat(v.err()).contains("bad.yaml:3:3: vm.rma: unknown key, did you mean 'ram'?");
    assertThat(Cli.run("run", bad.toString(), "--out", tmp.toString()).code()).isEqualTo(2);
    assertThat(Cli.run("run", "no-such-scenario").err()).contains("no such file");
    assertThat(Cli.run("run", "--variants", "LEGASY", "--out", tmp.toString()).err())
        .contains("unknown variant 'LEGASY'");
    assertThat(Cli.run("run", "--shard", "4/3").code()).isEqualTo(2);
    assertThat(Cli.run("replay", "default", "--case", "LEGACY/DEST_CRASH@99999").err())
        .contains("is not an event of LEGACY's failure-free run");
    assertThat(Cli.run("replay", "default", "--case", "NOPE/DEST_CRASH@1").code()).isEqualTo(2);
    assertThat(Cli.run("run", "--no-such-option").code()).isEqualTo(2);
    assertThat(Cli.run("validate", "default", "cover-letter").code()).isZero();
  }

  @Test
  void listNamesScenariosVariantsKindsAndOutcomes() {
    Cli c = Cli.run("list");
    assertThat(c.code()).isZero();
    assertThat(c.out()).contains("default", "cover-letter", "tuned-timeouts", "BOUNDARY_MOVE",
        "DEST_ACTIVATE_ERROR", "RECOVERABLE_PAUSED");
  }

  @Test
  void shardedRunsMergeIntoTheFullRunsFiles(@TempDir Path tmp) throws Exception {
    assertThat(Cli.run(args("run", "--out", tmp.resolve("full").toString())).code()).isZero();
    for (int i = 1; i <= 2; i++) {
      assertThat(Cli.run(args("run", "--shard", i + "/2", "--out",
          tmp.resolve("s" + i).toString())).code()).isZero();
    }
    Cli m = Cli.run("merge", tmp.resolve("s2").toString(), tmp.resolve("s1").toString(),
        "--out", tmp.resolve("merged").toString());
    assertThat(m.code()).as(m.err()).isZero();
    for (String f : List.of("results.json", "cases.csv")) {
      assertThat(Files.readString(tmp.resolve("merged").resolve(f)))
          .as(f).isEqualTo(Files.readString(tmp.resolve("full").resolve(f)));
    }
  }
}
