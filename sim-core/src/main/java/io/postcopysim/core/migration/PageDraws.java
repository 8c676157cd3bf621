package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.RngStreams;
import java.util.Arrays;
import org.apache.commons.math3.distribution.ZipfDistribution;

/**
 * The guest's page accesses as one sequence: draw i is the i-th Zipf sample of the guest's
 * random stream. The stream is drawn from nowhere else, so draw i is the same in every world
 * forked from one run, whatever each world did; only how far each one reads differs. A world
 * keeps its position, a fork copies it and shares the sequence, and each draw is computed once
 * per run instead of once per forked case (the rejection-inversion sampler costs a few
 * logarithms and exponentials per draw, the largest single cost of a sweep of forked cases).
 *
 * <p>Extended under a lock and read through a volatile count, so worlds of one run may read it
 * from different threads; a run and its forks normally stay on one.
 */
final class PageDraws {
  private final ZipfDistribution zipf;
  private int[] drawn = new int[1024];
  /** Draws computed so far; written after the draws it covers. */
  private volatile int count;

  /** The draws of {@code rng} from its current state on. Takes the generator over. */
  PageDraws(RngStreams.ForkableWell rng, int pages, double skew) {
    this.zipf = new ZipfDistribution(rng, pages, skew);
  }

  /** Draw {@code i} (from 0): a page rank, 1 the hottest, as {@link ZipfDistribution#sample}. */
  int get(long i) {
    if (i < count) { // count read first: the array read after it holds draw i
      return drawn[(int) i];
    }
    return extendTo(i);
  }

  private synchronized int extendTo(long i) {
    if (i >= Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("more than 2^31 page draws in one run");
    }
    int n = count;
    int[] d = drawn;
    if (i >= d.length) {
      d = Arrays.copyOf(d, (int) Math.max(i + 1, Math.min(2L * d.length, Integer.MAX_VALUE - 8)));
    }
    for (; n <= i; n++) {
      d[n] = zipf.sample();
    }
    drawn = d;
    count = n;
    return d[(int) i];
  }
}
