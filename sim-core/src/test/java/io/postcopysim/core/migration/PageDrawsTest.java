package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.RngStreams;
import org.apache.commons.math3.distribution.ZipfDistribution;
import org.junit.jupiter.api.Test;

/**
 * The shared draw sequence gives draw i as the i-th sample of a Zipf distribution over the
 * guest's stream, whichever world asks first and in whatever order: what each world drawing from
 * its own copy of the generator gave.
 */
class PageDrawsTest {
  @Test
  void drawIIsTheIthSampleWhateverTheOrderOfQuestions() {
    ZipfDistribution reference =
        new ZipfDistribution(new RngStreams(42).stream("guest.access"), 131072, 0.9);
    int[] expected = new int[5000];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = reference.sample();
    }
    PageDraws draws = new PageDraws(new RngStreams(42).stream("guest.access"), 131072, 0.9);
    assertThat(draws.get(3000)).isEqualTo(expected[3000]); // a fork that ran ahead
    for (int i = 0; i < expected.length; i++) {
      assertThat(draws.get(i)).as("draw %d", i).isEqualTo(expected[i]);
    }
  }
}
