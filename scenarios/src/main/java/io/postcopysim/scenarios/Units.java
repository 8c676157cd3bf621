package io.postcopysim.scenarios;

import io.postcopysim.core.kernel.Time;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes ({@code 4GiB}, {@code 512MB}), rates ({@code 10Gbit/s}, {@code 100MiB/s}) and durations
 * ({@code 250us}, {@code 5s}, {@code 1h}) as QEMU and iproute2 users write them. Exact: values
 * go through BigDecimal and must come out whole.
 */
public final class Units {
  private static final Pattern NUMBER_UNIT =
      Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z/]*)\\s*");

  private static final Map<String, Long> SIZES = Map.ofEntries(
      Map.entry("B", 1L), Map.entry("KiB", 1L << 10), Map.entry("MiB", 1L << 20),
      Map.entry("GiB", 1L << 30), Map.entry("TiB", 1L << 40), Map.entry("KB", 1000L),
      Map.entry("kB", 1000L), Map.entry("MB", 1_000_000L), Map.entry("GB", 1_000_000_000L),
      Map.entry("TB", 1_000_000_000_000L));
  private static final Map<String, Long> BITS = Map.of(
      "bit/s", 1L, "kbit/s", 1000L, "Kbit/s", 1000L, "Mbit/s", 1_000_000L,
      "Gbit/s", 1_000_000_000L, "Tbit/s", 1_000_000_000_000L, "bps", 1L, "Mbps", 1_000_000L,
      "Gbps", 1_000_000_000L);
  private static final Map<String, Long> DURATIONS = Map.of(
      "ns", 1L, "us", Time.MICROSECOND, "ms", Time.MILLISECOND, "s", Time.SECOND,
      "min", 60 * Time.SECOND, "h", 3600 * Time.SECOND);

  private Units() {}

  /** Thrown with what was expected; the loader adds file, line and key. */
  public static final class UnitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnitException(String message) {
      super(message);
    }
  }

  public static long size(String text) {
    return parse(text, SIZES, "a size like 4GiB, 512MiB or 4096B", false);
  }

  /** Bits per second; byte rates ({@code 100MiB/s}) are converted. */
  public static long rate(String text) {
    Matcher m = NUMBER_UNIT.matcher(text);
    if (m.matches() && m.group(2).endsWith("/s") && SIZES.containsKey(
        m.group(2).substring(0, m.group(2).length() - 2))) {
      long bytesPerSecond = scaled(m.group(1), SIZES.get(
          m.group(2).substring(0, m.group(2).length() - 2)), text);
      return Math.multiplyExact(bytesPerSecond, 8L);
    }
    return parse(text, BITS, "a rate like 10Gbit/s or 100MiB/s", true);
  }

  /** A byte rate ({@code 100MiB/s}) in bytes per second. */
  public static long byteRate(String text) {
    Matcher m = NUMBER_UNIT.matcher(text);
    if (m.matches() && m.group(2).endsWith("/s") && SIZES.containsKey(
        m.group(2).substring(0, m.group(2).length() - 2))) {
      return scaled(m.group(1), SIZES.get(m.group(2).substring(0, m.group(2).length() - 2)),
          text);
    }
    long bits = parse(text, BITS, "a rate like 100MiB/s or 800Mbit/s", true);
    return bits / 8;
  }

  public static long duration(String text) {
    return parse(text, DURATIONS, "a duration like 250us, 50ms, 5s or 1h", true);
  }

  private static long parse(String text, Map<String, Long> units, String expected,
      boolean bareZero) {
    Matcher m = NUMBER_UNIT.matcher(text);
    if (!m.matches()) {
      throw new UnitException("'" + text + "' is not " + expected);
    }
    String unit = m.group(2);
    if (unit.isEmpty()) {
      if (bareZero && new BigDecimal(m.group(1)).signum() == 0) {
        return 0;
      }
      throw new UnitException("'" + text + "' has no unit: write " + expected);
    }
    Long scale = units.get(unit);
    if (scale == null) {
      throw new UnitException("'" + text + "': unknown unit '" + unit + "', expected " + expected);
    }
    return scaled(m.group(1), scale, text);
  }

  private static long scaled(String number, long scale, String text) {
    BigDecimal v = new BigDecimal(number).multiply(BigDecimal.valueOf(scale));
    try {
      return v.longValueExact();
    } catch (ArithmeticException e) {
      throw new UnitException("'" + text + "' is not a whole number of "
          + (scale == 1 ? "units" : "base units") + " or is too large");
    }
  }

  /** The shortest exact spelling of a size, for resolved parameters ({@code 4GiB}). */
  public static String formatSize(long bytes) {
    String[] names = {"TiB", "GiB", "MiB", "KiB"};
    long[] scales = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
    for (int i = 0; i < names.length; i++) {
      if (bytes != 0 && bytes % scales[i] == 0) {
        return bytes / scales[i] + names[i];
      }
    }
    return bytes + "B";
  }

  public static String formatDuration(long nanos) {
    if (nanos == Time.NEVER) {
      return "never";
    }
    String[] names = {"h", "min", "s", "ms", "us"};
    long[] scales = {3600 * Time.SECOND, 60 * Time.SECOND, Time.SECOND, Time.MILLISECOND,
        Time.MICROSECOND};
    for (int i = 0; i < names.length; i++) {
      if (nanos != 0 && nanos % scales[i] == 0) {
        return nanos / scales[i] + names[i];
      }
    }
    return nanos == 0 ? "0s" : nanos + "ns";
  }

  public static String formatRate(long bitsPerSecond) {
    String[] names = {"Tbit/s", "Gbit/s", "Mbit/s", "kbit/s"};
    long[] scales = {1_000_000_000_000L, 1_000_000_000L, 1_000_000L, 1000L};
    for (int i = 0; i < names.length; i++) {
      if (bitsPerSecond != 0 && bitsPerSecond % scales[i] == 0) {
        return String.format(Locale.ROOT, "%d%s", bitsPerSecond / scales[i], names[i]);
      }
    }
    return bitsPerSecond + "bit/s";
  }
}
