package io.postcopysim.core.kernel;

import java.nio.charset.StandardCharsets;

/** Stable 64-bit hashing: identical on every JVM, unlike {@link String#hashCode()} mixes. */
public final class Hashing {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Hashing() {}

  /**
   * FNV-1a over the UTF-8 bytes, then a final avalanche. An ASCII character is its own UTF-8
   * byte, so ASCII text (every cases.csv row the results hash folds) is hashed from its chars
   * without encoding it first.
   */
  public static long text(String s) {
    long h = FNV_OFFSET;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return utf8(s);
      }
      h ^= c;
      h *= FNV_PRIME;
    }
    return mix(h);
  }

  /** {@link #text} of text that is not all ASCII: over its encoded bytes. */
  private static long utf8(String s) {
    long h = FNV_OFFSET;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return mix(h);
  }

  /** SplitMix64's finaliser: a bijective avalanche of 64 bits. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Folds {@code value} into {@code hash}; order-sensitive. */
  public static long fold(long hash, long value) {
    return mix(hash * 0x9e3779b97f4a7c15L + value);
  }
}
