package io.postcopysim.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well512a;
import org.junit.jupiter.api.Test;

/**
 * ForkableWell is commons-math3's Well512a written out: every stored trace hash depends on it
 * drawing exactly the same numbers, for every kind of draw the model makes and after a copy.
 */
class RngStreamsTest {
  @Test
  void drawsAsWell512aDoes() {
    for (long seed = 0; seed < 20; seed++) {
      for (String name : new String[] {"guest.access", "network", ""}) {
        int[] material = RngStreams.seedMaterial(seed, name);
        assertSameDraws(new Well512a(material), new RngStreams(seed).stream(name), 5000);
      }
    }
  }

  @Test
  void shortSeedsExpandAsWell512aDoes() {
    assertSameDraws(new Well512a(new int[] {7, -3}),
        new RngStreams.ForkableWell(new int[] {7, -3}), 2000);
    RngStreams.ForkableWell reseeded = new RngStreams(1).stream("x");
    Well512a reference = new Well512a(new int[] {1});
    reseeded.setSeed(123456789012L);
    reference.setSeed(123456789012L);
    assertSameDraws(reference, reseeded, 2000);
  }

  @Test
  void aCopyDrawsWhatTheOriginalWouldAndZipfSamplesAlike() {
    RngStreams.ForkableWell original = new RngStreams(42).stream("guest.access");
    Well512a reference = new Well512a(RngStreams.seedMaterial(42, "guest.access"));
    for (int i = 0; i < 777; i++) {
      assertThat(original.nextInt()).isEqualTo(reference.nextInt());
    }
    RngStreams.ForkableWell copy = original.copy();
    ZipfDistribution a = new ZipfDistribution(copy, 131072, 0.9);
    ZipfDistribution b = new ZipfDistribution(reference, 131072, 0.9);
    for (int i = 0; i < 20000; i++) {
      assertThat(a.sample()).isEqualTo(b.sample());
    }
  }

  private static void assertSameDraws(RandomGenerator expected, RandomGenerator actual, int n) {
    for (int i = 0; i < n; i++) {
      switch (i % 6) {
        case 0 -> assertThat(actual.nextDouble()).isEqualTo(expected.nextDouble());
        case 1 -> assertThat(actual.nextInt()).isEqualTo(expected.nextInt());
        case 2 -> assertThat(actual.nextInt(1000 + i)).isEqualTo(expected.nextInt(1000 + i));
        case 3 -> assertThat(actual.nextLong()).isEqualTo(expected.nextLong());
        case 4 -> assertThat(actual.nextGaussian()).isEqualTo(expected.nextGaussian());
        default -> assertThat(actual.nextBoolean()).isEqualTo(expected.nextBoolean());
      }
    }
  }
}
