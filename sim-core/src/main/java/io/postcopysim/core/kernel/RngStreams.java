package io.postcopysim.core.kernel;

import org.apache.commons.math3.random.Well512a;

/**
 * Named random streams derived from (scenario seed, stream name). Each component draws from its
 * own stream, so a change in how often one component draws (a fault, another variant) never
 * shifts the numbers another component sees: two variants of one scenario face the same guest,
 * the same network jitter, the same page accesses.
 */
public final class RngStreams {
  private final long seed;

  public RngStreams(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** A fresh generator for {@code name}; equal (seed, name) give equal sequences. */
  public ForkableWell stream(String name) {
    return new ForkableWell(seedMaterial(seed, name));
  }

  /**
   * WELL512a (commons-math3) whose state can be copied, so a forked world draws the same
   * numbers. WELL512a rather than WELL19937c: every case builds its generators, and
   * AbstractWell's constructor precomputes index tables of the state's size (624 words for
   * 19937c, 16 here), which made it the largest single cost of a case; 2^512 - 1 is ample
   * for page-access draws.
   */
  public static final class ForkableWell extends Well512a {
    private static final long serialVersionUID = 1L;

    ForkableWell(int[] seed) {
      super(seed);
    }

    private ForkableWell(ForkableWell o) {
      super(new int[] {0});
      System.arraycopy(o.v, 0, v, 0, v.length);
      index = o.index;
    }

    /** An independent generator in the same state (the Gaussian cache is not used here). */
    public ForkableWell copy() {
      return new ForkableWell(this);
    }
  }

  /** 16 words (WELL512a's state) of seed material expanded with SplitMix64 from (seed, name). */
  static int[] seedMaterial(long seed, String name) {
    long state = Hashing.fold(Hashing.mix(seed), Hashing.text(name));
    int[] material = new int[16];
    for (int i = 0; i < material.length; i += 2) {
      state += 0x9e3779b97f4a7c15L;
      long z = Hashing.mix(state);
      material[i] = (int) z;
      if (i + 1 < material.length) {
        material[i + 1] = (int) (z >>> 32);
      }
    }
    return material;
  }
}
