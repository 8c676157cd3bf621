package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.net.TcpParams;
import org.junit.jupiter.api.Test;

class CatalogTest {
  @Test
  void everyBuiltInScenarioLoadsAndSaysWhatItShows() {
    assertThat(Catalog.names()).contains("default", "cover-letter", "precopy-return-path",
        "slow-wan", "big-vm", "flaky-network", "tuned-timeouts");
    for (String n : Catalog.names()) {
      Scenario s = Catalog.load(n);
      assertThat(s.name()).isEqualTo(n);
      assertThat(Catalog.summary(n)).as(n).hasSizeGreaterThan(10).endsWith(".");
    }
  }

  @Test
  void theDefaultScenarioIsDesignsDefaultSetup() {
    Scenario s = Catalog.load("default");
    assertThat(s.study().params()).isEqualTo(MigrationParams.defaults());
    assertThat(s.study().tcp()).isEqualTo(
        TcpParams.defaults().withRetransmitGiveUp(Time.seconds(924)));
    assertThat(s.study().seed()).isEqualTo(42);
    assertThat(s.study().horizonNanos()).isEqualTo(Time.HOUR);
    assertThat(s.study().variants()).extracting(v -> v.name())
        .containsExactly("LEGACY", "POSTCOPY_DEVICE", "PING3", "POSTCOPY_SETUP", "BOUNDARY_MOVE");
    assertThat(s.resolved().toString()).contains("ram=4GiB", "bandwidth=10Gbit/s",
        "partition-heal=never");
  }

  @Test
  void leftOutKeysTakeTheDefaults() {
    Scenario s = ScenarioLoader.parse("name: tiny\nvm: {ram: 1GiB, working-set: 256MiB}\n",
        "tiny.yaml");
    assertThat(s.study().params().ramBytes()).isEqualTo(1L << 30);
    assertThat(s.study().params().deviceLoadNanos()).isEqualTo(Time.millis(50));
    assertThat(s.study().maxFaults()).isEqualTo(1);
  }

  @Test
  void theResolvedParametersAreThemselvesTheScenario() {
    for (String n : Catalog.names()) {
      Scenario s = Catalog.load(n);
      Scenario again = Scenario.fromResolved(s.resolved());
      assertThat(again.resolved()).as(n).isEqualTo(s.resolved());
      assertThat(again.study().params()).isEqualTo(s.study().params());
      assertThat(again.study().tcp()).isEqualTo(s.study().tcp());
      assertThat(again.name()).isEqualTo(n);
    }
  }

  @Test
  void aBareOffIsTheWordNotABoolean() {
    // YAML 1.1 reads "off" as false; dest-autostart: off must still mean off.
    Scenario s = ScenarioLoader.parse("migration: {dest-autostart: off}\n", "off.yaml");
    assertThat(s.study().params().destAutostart())
        .isEqualTo(io.postcopysim.core.migration.DestAutostart.OFF);
    assertThat(s.resolved().toString()).contains("dest-autostart=off");
  }
}
