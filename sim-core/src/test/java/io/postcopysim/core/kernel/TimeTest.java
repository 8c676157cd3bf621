package io.postcopysim.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimeTest {
  @Test
  void unitsAreNanoseconds() {
    assertThat(Time.micros(250)).isEqualTo(250_000);
    assertThat(Time.millis(3)).isEqualTo(3_000_000);
    assertThat(Time.seconds(924)).isEqualTo(924_000_000_000L);
    assertThat(Time.seconds(1.5)).isEqualTo(1_500_000_000L);
  }

  @Test
  void transmissionOf10MiBAt1GbitIs83886080ns() {
    // 10 MiB = 83,886,080 bits; at 1e9 bit/s that is exactly 83.88608 ms.
    assertThat(Time.transmission(10L << 20, 1_000_000_000L)).isEqualTo(83_886_080L);
  }

  @Test
  void transmissionRoundsUpAndHandlesHugeTransfers() {
    assertThat(Time.transmission(1, 3)).isEqualTo(2_666_666_667L);
    // 64 GiB at 10 Gbit/s: 549,755,813,888 bits / 1e10 = 54.9755813888 s.
    assertThat(Time.transmission(64L << 30, 10_000_000_000L)).isEqualTo(54_975_581_389L);
  }

  @Test
  void formatIsCompact() {
    assertThat(Time.format(Time.millis(83) + 886_080)).isEqualTo("83.886ms");
    assertThat(Time.format(Time.micros(250))).isEqualTo("250us");
    assertThat(Time.format(Time.seconds(2))).isEqualTo("2s");
    assertThat(Time.format(Time.NEVER)).isEqualTo("never");
  }
}
