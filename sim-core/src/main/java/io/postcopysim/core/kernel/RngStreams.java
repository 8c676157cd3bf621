package io.postcopysim.core.kernel;

import org.apache.commons.math3.random.BitsStreamGenerator;

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
   * WELL512a whose state can be copied, so a forked world draws the same numbers: the
   * generator of commons-math3's {@code Well512a}, word for word (RngStreamsTest compares the
   * two), on top of the same {@link BitsStreamGenerator}, so every derived draw (nextDouble,
   * nextInt(n), what Zipf sampling asks) is the same too. Written out rather than subclassed
   * because {@code AbstractWell}'s constructor allocates and fills five index tables and seeds
   * the state, and every forked case copied a generator through it. WELL512a rather than
   * WELL19937c: 2^512 - 1 is ample for page-access draws, and the state is 16 words.
   */
  public static final class ForkableWell extends BitsStreamGenerator {
    private static final long serialVersionUID = 2L;
    /** State words (512 bits of 32); indices below wrap with a mask. */
    private static final int R = 16;
    private static final int M1 = 13;
    private static final int M2 = 9;

    private final int[] v = new int[R];
    private int index;

    ForkableWell(int[] seed) {
      setSeed(seed);
    }

    private ForkableWell(ForkableWell o) {
      System.arraycopy(o.v, 0, v, 0, R);
      index = o.index;
    }

    /** An independent generator in the same state (the Gaussian cache is not used here). */
    public ForkableWell copy() {
      return new ForkableWell(this);
    }

    @Override
    public void setSeed(int seed) {
      setSeed(new int[] {seed});
    }

    @Override
    public void setSeed(long seed) {
      setSeed(new int[] {(int) (seed >>> 32), (int) (seed & 0xffffffffL)});
    }

    /**
     * As AbstractWell seeds: the words given, the rest expanded from them. A null seed (which
     * AbstractWell takes from the clock) is refused: runs are deterministic.
     */
    @Override
    public void setSeed(int[] seed) {
      if (seed == null) {
        throw new IllegalArgumentException("a deterministic run needs a seed");
      }
      System.arraycopy(seed, 0, v, 0, Math.min(seed.length, R));
      for (int i = seed.length; i < R; ++i) {
        long l = v[i - seed.length];
        v[i] = (int) ((1812433253L * (l ^ (l >> 30)) + i) & 0xffffffffL);
      }
      index = 0;
      clear();
    }

    /** Well512a.next, with the index tables (j + m) % r as masks. */
    @Override
    protected int next(int bits) {
      int indexRm1 = (index + R - 1) & (R - 1);
      int vi = v[index];
      int vi1 = v[(index + M1) & (R - 1)];
      int vi2 = v[(index + M2) & (R - 1)];
      int z0 = v[indexRm1];
      // the values below include the errata of the original article (as commons-math3 has them)
      int z1 = (vi ^ (vi << 16)) ^ (vi1 ^ (vi1 << 15));
      int z2 = vi2 ^ (vi2 >>> 11);
      int z3 = z1 ^ z2;
      int z4 = (z0 ^ (z0 << 2)) ^ (z1 ^ (z1 << 18)) ^ (z2 << 28)
          ^ (z3 ^ ((z3 << 5) & 0xda442d24));
      v[index] = z3;
      v[indexRm1] = z4;
      index = indexRm1;
      return z4 >>> (32 - bits);
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
