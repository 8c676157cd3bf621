package io.postcopysim.scenarios;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.scenarios.YamlTree.Entry;
import io.postcopysim.scenarios.YamlTree.ListNode;
import io.postcopysim.scenarios.YamlTree.MapNode;
import io.postcopysim.scenarios.YamlTree.Node;
import io.postcopysim.scenarios.YamlTree.Scalar;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * One mapping of a scenario, read key by key with a type and a default. Every key read is
 * marked; {@link #done()} rejects the rest as unknown, suggesting the closest known key.
 */
final class Section {
  private final String file;
  private final String path;
  private final MapNode node;
  private final Set<String> known = new LinkedHashSet<>();

  Section(String file, String path, MapNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  private String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  ScenarioException error(Node at, String key, String message) {
    return new ScenarioException(YamlTree.fileOf(at == null ? node : at, file),
        at == null ? node.line() : at.line(),
        at == null ? node.column() : at.column(), keyPath(key), message);
  }

  private Node value(String key) {
    known.add(key);
    Entry e = node == null ? null : node.entries().get(key);
    return e == null ? null : e.value();
  }

  private Scalar scalar(String key, String expected) {
    Node v = value(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Scalar s) || s.value() == null) {
      throw error(v, key, "expected " + expected + ", found "
          + (v instanceof MapNode ? "a mapping" : v instanceof ListNode ? "a list" : "nothing"));
    }
    return s;
  }

  /** A unit-bearing value: text such as {@code 4GiB}; a bare 0 where the parser allows it. */
  private long units(String key, long fallback, String expected, Function<String, Long> parse,
      boolean positive) {
    Scalar s = scalar(key, expected);
    if (s == null) {
      return fallback;
    }
    if (s.value() instanceof Boolean) {
      throw error(s, key, "expected " + expected + ", found " + s.text());
    }
    long v;
    try {
      v = parse.apply(s.text());
    } catch (Units.UnitException e) {
      throw error(s, key, e.getMessage());
    } catch (ArithmeticException e) {
      throw error(s, key, "'" + s.text() + "' is too large");
    }
    if (positive && v <= 0) {
      throw error(s, key, "must be greater than zero, got " + s.text());
    }
    return v;
  }

  long size(String key, long fallback) {
    return units(key, fallback, "a size like 4GiB", Units::size, true);
  }

  /** A size that may be zero (an amount, not a capacity). */
  long amount(String key, long fallback) {
    return units(key, fallback, "a size like 192MiB", Units::size, false);
  }

  long rate(String key, long fallback, boolean positive) {
    return units(key, fallback, "a rate like 10Gbit/s", Units::rate, positive);
  }

  long byteRate(String key, long fallback) {
    return units(key, fallback, "a rate like 100MiB/s", Units::byteRate, false);
  }

  /**
   * The longest duration a scenario may give. The model adds and multiplies durations (a
   * horizon plus a heal time, keepalive idle plus interval times count up to 1000) in long
   * nanoseconds, whose range ends at about 292 years: 1000 hours keeps every such sum far
   * from overflowing, and is far beyond any migration.
   */
  static final long MAX_DURATION = 1000 * 3600 * Time.SECOND;

  long duration(String key, long fallback, boolean positive) {
    long v = units(key, fallback, "a duration like 250us or 5s", Units::duration, positive);
    if (v > MAX_DURATION && raw(key) != null) {
      throw error(raw(key), key, "must be at most 1000h, got " + ((Scalar) raw(key)).text());
    }
    return v;
  }

  /** A duration, or {@code never}. */
  long durationOrNever(String key, long fallback) {
    Scalar s = scalar(key, "a duration like 30s, or never");
    if (s != null && "never".equals(s.value())) {
      return Time.NEVER;
    }
    return duration(key, fallback, true);
  }

  long integer(String key, long fallback, long min, long max) {
    Scalar s = scalar(key, "a whole number");
    if (s == null) {
      return fallback;
    }
    if (!(s.value() instanceof Number n) || s.value() instanceof Double) {
      throw error(s, key, "expected a whole number, found '" + s.text() + "'");
    }
    // Jackson reads integers beyond long as BigInteger, whose longValue() silently wraps
    // (18446744073709551658 would run as 42).
    if (!(n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte)) {
      throw error(s, key, "must be between " + min + " and " + max + ", got " + s.text());
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw error(s, key, "must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  double real(String key, double fallback, double min, double max) {
    Scalar s = scalar(key, "a number");
    if (s == null) {
      return fallback;
    }
    if (!(s.value() instanceof Number n)) {
      throw error(s, key, "expected a number, found '" + s.text() + "'");
    }
    double v = n.doubleValue();
    if (!(v >= min && v <= max)) {
      throw error(s, key, "must be between " + min + " and " + max + ", got " + s.text());
    }
    return v;
  }

  boolean bool(String key, boolean fallback) {
    Scalar s = scalar(key, "true or false");
    if (s == null) {
      return fallback;
    }
    if (!(s.value() instanceof Boolean b)) {
      throw error(s, key, "expected true or false, found '" + s.text() + "'");
    }
    return b;
  }

  String text(String key, String fallback) {
    Scalar s = scalar(key, "a text");
    return s == null ? fallback : s.text();
  }

  /** A name among {@code allowed} (case-insensitive, '-' for '_'), suggesting the closest. */
  String choice(String key, String fallback, List<String> allowed) {
    Scalar s = scalar(key, "one of " + allowed);
    if (s == null) {
      return fallback;
    }
    // YAML 1.1 reads a bare off/on/no/yes as a boolean: give the word back when it is allowed.
    if (s.value() instanceof Boolean b && allowed.contains(b ? "on" : "off")) {
      return b ? "on" : "off";
    }
    return pick(s, key, s.text(), allowed);
  }

  private String pick(Node at, String key, String given, List<String> allowed) {
    String norm = given.toUpperCase(Locale.ROOT).replace('-', '_');
    for (String a : allowed) {
      if (a.toUpperCase(Locale.ROOT).replace('-', '_').equals(norm)) {
        return a;
      }
    }
    String near = Suggest.closest(given, allowed);
    throw error(at, key, "unknown value '" + given + "'"
        + (near == null ? "" : ", did you mean '" + near + "'?") + " (one of "
        + String.join(", ", allowed) + ")");
  }

  /** A list of names among {@code allowed}; absent gives {@code fallback}. */
  List<String> choices(String key, List<String> fallback, List<String> allowed) {
    Node v = value(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof ListNode list)) {
      throw error(v, key, "expected a list like [" + allowed.get(0) + ", ...]");
    }
    if (list.items().isEmpty()) {
      throw error(v, key, "must not be empty");
    }
    List<String> out = new ArrayList<>();
    for (Node item : list.items()) {
      if (!(item instanceof Scalar s) || s.value() == null) {
        throw error(item, key, "expected names in the list");
      }
      String name = pick(item, key, s.text(), allowed);
      if (out.contains(name)) {
        throw error(item, key, "'" + name + "' is listed twice");
      }
      out.add(name);
    }
    return out;
  }

  /** The raw node of a key, for keys with several shapes. */
  Node raw(String key) {
    return value(key);
  }

  Section section(String key) {
    Node v = value(key);
    if (v != null && !(v instanceof MapNode)) {
      throw error(v, key, "expected a mapping of keys, found "
          + (v instanceof ListNode ? "a list" : "'" + ((Scalar) v).text() + "'"));
    }
    return new Section(file, keyPath(key), (MapNode) v);
  }

  /** Rejects every key nobody asked for. */
  void done() {
    if (node == null) {
      return;
    }
    for (Entry e : node.entries().values()) {
      if (!known.contains(e.key())) {
        String near = Suggest.closest(e.key(), List.copyOf(known));
        throw new ScenarioException(file, e.line(), e.column(), keyPath(e.key()),
            "unknown key" + (near == null ? "" : ", did you mean '" + near + "'?")
                + " (known here: " + String.join(", ", known) + ")");
      }
    }
  }
}
