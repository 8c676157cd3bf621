package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void sizesRatesAndDurationsInTheUnitsPeopleWrite() {
    assertThat(Units.size("4GiB")).isEqualTo(4L << 30);
    assertThat(Units.size("4KiB")).isEqualTo(4096);
    assertThat(Units.size("1.5MiB")).isEqualTo(3L << 19);
    assertThat(Units.size("512MB")).isEqualTo(512_000_000L);
    assertThat(Units.rate("10Gbit/s")).isEqualTo(10_000_000_000L);
    assertThat(Units.rate("100MiB/s")).isEqualTo(100L * (1 << 20) * 8);
    assertThat(Units.rate("0")).isZero();
    assertThat(Units.byteRate("100MiB/s")).isEqualTo(100L << 20);
    assertThat(Units.duration("250us")).isEqualTo(250_000);
    assertThat(Units.duration("5s")).isEqualTo(5_000_000_000L);
    assertThat(Units.duration("1h")).isEqualTo(3_600_000_000_000L);
    assertThat(Units.duration("0s")).isZero();
    assertThat(Units.duration("0")).isZero();
  }

  @Test
  void formattingIsTheShortestExactSpelling() {
    assertThat(Units.formatSize(4L << 30)).isEqualTo("4GiB");
    assertThat(Units.formatSize(1536)).isEqualTo("1536B");
    assertThat(Units.formatDuration(250_000)).isEqualTo("250us");
    assertThat(Units.formatDuration(924_000_000_000L)).isEqualTo("924s");
    assertThat(Units.formatRate(10_000_000_000L)).isEqualTo("10Gbit/s");
  }

  @Test
  void badUnitsSayWhatWasExpected() {
    assertThatThrownBy(() -> Units.size("4GB/s")).hasMessageContaining("unknown unit 'GB/s'");
    assertThatThrownBy(() -> Units.size("4")).hasMessageContaining("has no unit");
    assertThatThrownBy(() -> Units.duration("5 parsecs"))
        .hasMessageContaining("unknown unit 'parsecs', expected a duration");
    assertThatThrownBy(() -> Units.duration("1.5ns")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> Units.rate("fast")).hasMessageContaining("is not a rate");
  }
}
