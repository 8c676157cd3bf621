package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PcsimTest {
  @Test
  void kernelDemoIsReproducibleAndSeedSensitive() {
    KernelDemo.Result a = KernelDemo.run(42, 100, 10_000);
    KernelDemo.Result b = KernelDemo.run(42, 100, 10_000);
    KernelDemo.Result c = KernelDemo.run(43, 100, 10_000);
    assertThat(a.events()).isEqualTo(10_000);
    assertThat(b).isEqualTo(a);
    assertThat(c.traceHash()).isNotEqualTo(a.traceHash());
  }

  @Test
  void runExitsZeroAndBadInputExitsTwo() {
    assertThat(Pcsim.execute("run", "--events", "1000", "--pending", "10")).isEqualTo(0);
    assertThat(Pcsim.execute("run", "--events", "0")).isEqualTo(2);
    assertThat(Pcsim.execute("run", "--no-such-option")).isEqualTo(2);
  }
}
