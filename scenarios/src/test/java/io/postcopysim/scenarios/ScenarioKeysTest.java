package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table of scenario keys drives reading, writing {@code resolved}, and sweeps. */
class ScenarioKeysTest {
  @SuppressWarnings("unchecked")
  private static void leaves(String prefix, Map<String, Object> m, List<String> out) {
    m.forEach((k, v) -> {
      String path = prefix.isEmpty() ? k : prefix + "." + k;
      if (v instanceof Map<?, ?> inner) {
        leaves(path, (Map<String, Object>) inner, out);
      } else {
        out.add(path);
      }
    });
  }

  @Test
  void resolvedWritesEveryKeyOfTheTableInItsOrderAndReadsBackTheSame() {
    for (String name : Catalog.names()) {
      Scenario s = Catalog.load(name);
      List<String> paths = new ArrayList<>();
      leaves("", s.resolved(), paths);
      // migration.designs is written only for a file's own designs, faults.rates-per-year only
      // when the scenario gives rates (neither in the built-ins)
      assertThat(paths).as(name).isEqualTo(ScenarioKeys.paths().stream()
          .filter(p -> !p.equals("migration.designs") && !p.equals("faults.rates-per-year"))
          .toList());
      assertThat(Scenario.fromResolved(s.resolved()).resolved()).as(name)
          .isEqualTo(s.resolved());
    }
    Scenario rated = ScenarioLoader.parse("name: rated\n"
        + "faults: {rates-per-year: {DEST_HOST_CRASH: 0.2, PARTITION: 3}}\n", "rated.yaml");
    assertThat(rated.study().ratesPerYear()).containsExactly(
        java.util.Map.entry(io.postcopysim.faults.FaultKind.DEST_HOST_CRASH, 0.2),
        java.util.Map.entry(io.postcopysim.faults.FaultKind.PARTITION, 3.0));
    assertThat(Scenario.fromResolved(rated.resolved()).resolved()).isEqualTo(rated.resolved());
  }

  @Test
  void aFileThatSaysNothingTakesEveryKeysDefaultFromTheTable() {
    Scenario empty = ScenarioLoader.parse("name: empty\n", "empty.yaml");
    Scenario spelled = ScenarioLoader.parse("name: empty\n"
        + "vm: {ram: 4GiB, device-load-time: 50ms, device-load-pages: 0}\n"
        + "network: {tcp: {user-timeout: 0s, rto-min: 200ms}}\n"
        + "migration: {variants: [LEGACY, POSTCOPY_DEVICE, PING3, POSTCOPY_SETUP, BOUNDARY_MOVE],"
        + " dest-autostart: early-cont, qemu-version: auto, max-bandwidth: 0}\n"
        + "faults: {max-faults: 1, partition-heal: never, gap-points: 0s, points: all,"
        + " kinds: [DEST_CRASH, DEST_HOST_CRASH, DEST_LOAD_ERROR, PARTITION,"
        + " PARTITION_TO_SOURCE]}\n", "empty.yaml");
    assertThat(spelled.resolved()).isEqualTo(empty.resolved());
    assertThat(ScenarioKeys.find("faults.gap-points").fallback()).isEqualTo(0L);
    assertThat(ScenarioKeys.find("migration.variants").fallback())
        .isEqualTo(ScenarioKeys.DEFAULT_VARIANTS);
    assertThat(ScenarioKeys.find("vm")).isNull(); // a section, not a key
  }

  @Test
  void everyKeyHasAUnitAndPathsAreUnique() {
    assertThat(ScenarioKeys.paths()).doesNotHaveDuplicates();
    assertThat(ScenarioKeys.ALL).allSatisfy(k -> assertThat(k.unit()).isNotBlank());
    assertThat(ScenarioKeys.ALL).hasSizeGreaterThan(40);
  }
}
