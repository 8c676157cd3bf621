package io.postcopysim.core.kernel;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

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
  public RandomGenerator stream(String name) {
    return new Well19937c(seedMaterial(seed, name));
  }

  /** 624 words of seed material expanded with SplitMix64 from (seed, name). */
  static int[] seedMaterial(long seed, String name) {
    long state = Hashing.fold(Hashing.mix(seed), Hashing.text(name));
    int[] material = new int[624];
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
