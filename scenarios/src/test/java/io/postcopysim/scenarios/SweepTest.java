package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps: cells as scenarios, any key by its path, resuming after an interruption. */
class SweepTest {
  static final String SWEEP = """
      sweep:
        name: t
        base: default
        vary:
          vm.ram: [256MiB, 512MiB]
          faults.gap-points: [0s, 20ms]
        set:
          migration.variants: [LEGACY]
          faults.kinds: [DEST_CRASH]
          vm.working-set: 32MiB
          migration.precopy-time: 100ms
      """;

  @Test
  void cellsAreTheProductOfTheListsLastKeyFastestWithTheSetKeysInEach() {
    Sweep s = Sweep.parse(SWEEP, "t.yaml", null);
    assertThat(s.cells()).extracting(Sweep.Cell::values).containsExactly(
        List.of("256MiB", "0s"), List.of("256MiB", "20ms"), List.of("512MiB", "0s"),
        List.of("512MiB", "20ms"));
    Sweep.Cell c = s.cells().get(3);
    assertThat(c.scenario().study().params().ramBytes()).isEqualTo(512L << 20);
    assertThat(c.scenario().study().gapNanos()).isEqualTo(20_000_000L);
    assertThat(c.scenario().study().variants()).hasSize(1);
    assertThat(c.scenario().study().params().workingSetBytes()).isEqualTo(32L << 20);
    // the base's other keys stay: default's 10 Gbit/s and disk locking
    assertThat(c.scenario().study().tcp().bandwidthBitsPerSecond()).isEqualTo(10_000_000_000L);
    assertThat(c.scenario().study().params().diskLocking()).isTrue();
  }

  @Test
  void everyKeyOfTheTableCanBeSetByItsPathAlone() {
    for (ScenarioKeys.Key k : ScenarioKeys.ALL) {
      if (k.path().equals("name") || k.writer().apply(Catalog.load("default")) == null) {
        continue; // the name is the base's; default has no designs of its own to write back
      }
      String written = written(Catalog.load("default"), k);
      Sweep s = Sweep.parse("sweep:\n  base: default\n  vary:\n    " + k.path() + ": ["
          + written + "]\n", "k.yaml", null);
      assertThat(written(s.cells().get(0).scenario(), k)).as(k.path())
          .isEqualTo(written);
    }
  }

  /** The key's resolved value as YAML flow text. */
  private static String written(Scenario s, ScenarioKeys.Key k) {
    Object v = k.writer().apply(s);
    return v instanceof List<?> l ? l.toString() : String.valueOf(v);
  }

  @Test
  void anInterruptedSweepResumesFromItsCheckpointWithTheSameResult(@TempDir Path tmp)
      throws Exception {
    Sweep s = Sweep.parse(SWEEP, "t.yaml", null);
    SweepResults whole = SweepRunner.run(s, null, 2, null, (c, d, t, n, r) -> { });
    Path cp = tmp.resolve("cp");
    assertThatThrownBy(() -> SweepRunner.run(s, null, 2, cp, (c, d, t, n, r) -> {
      if (d == 2) {
        throw new IllegalStateException("killed");
      }
    })).hasMessage("killed");
    Files.writeString(cp, Files.readString(cp) + "C 2 1\n2,512MiB,0s,LEG"); // a torn block
    List<Boolean> resumed = new ArrayList<>();
    SweepResults again = SweepRunner.run(s, null, 2, cp, (c, d, t, n, r) -> resumed.add(r));
    assertThat(resumed).containsExactly(true, true, false, false);
    assertThat(again.csv()).isEqualTo(whole.csv());
    assertThat(again.jsonText()).isEqualTo(whole.jsonText());
    Sweep other = Sweep.parse(SWEEP.replace("32MiB", "64MiB"), "t.yaml", null);
    assertThatThrownBy(() -> SweepRunner.run(other, null, 2, cp, (c, d, t, n, r) -> { }))
        .hasMessageContaining("belongs to another sweep");
  }

  @Test
  void aSweepCanVaryGapPointsLikeAnyKey() throws Exception {
    Sweep s = Sweep.parse(SWEEP, "t.yaml", null);
    SweepResults r = SweepRunner.run(s, null, 2, null, (c, d, t, n, x) -> { });
    assertThat(r.rows().get(1).cases()).isGreaterThan(r.rows().get(0).cases());
    assertThat(r.rows().get(1).migrationMs()).isEqualTo(r.rows().get(0).migrationMs());
  }

  /**
   * sweep.csv carries the shared VM_LOST and, with fault rates, the per-million figures; the
   * rows read back from the file (as a merge of shards reads them) are the rows written.
   */
  @Test
  void perMillionColumnsFollowTheFaultRatesAndReadBack() throws Exception {
    Sweep s = Sweep.parse(SWEEP.replace("vm.working-set: 32MiB",
        "vm.working-set: 32MiB\n    faults.rates-per-year: {DEST_CRASH: 2}"), "t.yaml", null);
    SweepResults r = SweepRunner.run(s, null, 2, null, (c, d, t, n, x) -> { });
    for (SweepResults.Row row : r.rows()) {
      double expected = 1e6 * 2 * row.exposureMs().get(io.postcopysim.faults.Outcome.VM_LOST)
          / (365.25 * 24 * 3600 * 1000);
      assertThat(row.perMillion().get(io.postcopysim.faults.Outcome.VM_LOST))
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
    }
    assertThat(r.csv().lines().findFirst().orElseThrow())
        .contains("vm_lost_shared_exposure_ms", "vm_lost_per_million");
    assertThat(SweepResults.parseRows(r.csv(), 2, "sweep.csv")).isEqualTo(r.rows());
    SweepResults plain = SweepRunner.run(Sweep.parse(SWEEP, "t.yaml", null), null, 2, null,
        (c, d, t, n, x) -> { });
    assertThat(plain.rows()).allSatisfy(row -> assertThat(row.perMillion()).isEmpty());
    assertThat(SweepResults.parseRows(plain.csv(), 2, "sweep.csv")).isEqualTo(plain.rows());
  }
}
