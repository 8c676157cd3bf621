package io.postcopysim.core.kernel;

/**
 * Virtual time: a {@code long} of nanoseconds. 2^63 ns is 292 years, far beyond any horizon, so
 * the helpers only guard against overflow from absurd inputs.
 */
public final class Time {
  public static final long NANOSECOND = 1L;
  public static final long MICROSECOND = 1_000L;
  public static final long MILLISECOND = 1_000_000L;
  public static final long SECOND = 1_000_000_000L;
  public static final long MINUTE = 60 * SECOND;
  public static final long HOUR = 60 * MINUTE;
  /** A time that never comes: timers set to it are never scheduled. */
  public static final long NEVER = Long.MAX_VALUE;
  /** 100 Tbit/s: the highest rate {@link #transmission} computes exactly. */
  public static final long MAX_RATE = 100_000_000_000_000L;

  private Time() {}

  public static long nanos(long n) {
    return n;
  }

  public static long micros(long n) {
    return Math.multiplyExact(n, MICROSECOND);
  }

  public static long millis(long n) {
    return Math.multiplyExact(n, MILLISECOND);
  }

  public static long seconds(long n) {
    return Math.multiplyExact(n, SECOND);
  }

  /** Seconds as a double, rounded to the nearest nanosecond. */
  public static long seconds(double s) {
    if (!(s >= 0) || s * SECOND >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("not a duration: " + s + " s");
    }
    return Math.round(s * SECOND);
  }

  public static double toMillis(long ns) {
    return ns / (double) MILLISECOND;
  }

  public static double toSeconds(long ns) {
    return ns / (double) SECOND;
  }

  /**
   * Time to serialize {@code bytes} at {@code bitsPerSecond}, rounded up to a whole nanosecond so
   * that a transfer never completes early.
   */
  public static long transmission(long bytes, long bitsPerSecond) {
    if (bytes < 0 || bitsPerSecond <= 0 || bitsPerSecond > MAX_RATE) {
      throw new IllegalArgumentException("bytes=" + bytes + " rate=" + bitsPerSecond);
    }
    // bits * 1e9 overflows a long, so divide in two stages: rest < rate <= 1e14, so rest * 1e5
    // and the second remainder * 1e4 both stay below 2^63.
    long bits = Math.multiplyExact(bytes, 8L);
    long whole = bits / bitsPerSecond;
    long rest = bits % bitsPerSecond;
    long scaled = rest * 100_000L;
    long high = scaled / bitsPerSecond;
    long low = scaled % bitsPerSecond;
    long fraction = high * 10_000L + (low * 10_000L + bitsPerSecond - 1) / bitsPerSecond;
    return Math.addExact(Math.multiplyExact(whole, SECOND), fraction);
  }

  /**
   * {@code t + d} for a time and a non-negative duration, saturating at {@link #NEVER}: a
   * deadline beyond 292 years is one that never comes, not a negative time.
   */
  public static long plus(long t, long d) {
    if (d < 0) {
      throw new IllegalArgumentException("negative duration " + d);
    }
    long r = t + d;
    return r < t ? NEVER : r;
  }

  /** A compact human form: 1.5s, 250us, 83.886ms. */
  public static String format(long ns) {
    if (ns == NEVER) {
      return "never";
    }
    long abs = Math.abs(ns);
    if (abs >= SECOND) {
      return trim(ns / (double) SECOND) + "s";
    }
    if (abs >= MILLISECOND) {
      return trim(ns / (double) MILLISECOND) + "ms";
    }
    if (abs >= MICROSECOND) {
      return trim(ns / (double) MICROSECOND) + "us";
    }
    return ns + "ns";
  }

  private static String trim(double v) {
    String s = String.format(java.util.Locale.ROOT, "%.3f", v);
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
