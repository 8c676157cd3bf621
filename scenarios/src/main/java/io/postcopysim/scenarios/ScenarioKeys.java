package io.postcopysim.scenarios;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.QemuVersion;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.net.TcpParams;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.Study;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every scenario key, once: its path, its unit, its default, how it is read (type, range,
 * error) and how it is written back into results.json's {@code scenario} block. The loader
 * reads the keys in this order, {@link Scenario#resolved()} writes them in this order, and a
 * sweep may vary any of them without code of its own. A default that depends on another key
 * (the working set is at most the RAM) is applied by the reader.
 */
public final class ScenarioKeys {
  private ScenarioKeys() {}

  /** Reads one key's value from its section, given the values read before it. */
  @FunctionalInterface
  interface Reader {
    Object read(Section section, String leaf, Map<String, Object> before);
  }

  /**
   * One scenario key.
   *
   * @param path dotted, as in a sweep file ({@code network.tcp.user-timeout})
   * @param unit what its value is written as (size, duration, rate, ...)
   * @param fallback its value when the file leaves it out, in the model's terms
   * @param reader reads and checks it
   * @param writer its resolved value, as results.json's scenario block writes it
   */
  public record Key(String path, String unit, Object fallback, Reader reader,
      Function<Scenario, Object> writer) {

    /** The key's name within its section. */
    public String leaf() {
      return path.substring(path.lastIndexOf('.') + 1);
    }

    /** The section's path, "" at the top. */
    public String section() {
      int dot = path.lastIndexOf('.');
      return dot < 0 ? "" : path.substring(0, dot);
    }
  }

  static final List<String> KINDS =
      Arrays.stream(FaultKind.values()).map(FaultKind::name).toList();
  static final List<String> AUTOSTART = List.of("early-cont", "after-device", "off", "libvirt");
  static final List<String> QEMU_VERSIONS = Arrays.stream(QemuVersion.values())
      .map(QemuVersion::label).toList();
  static final List<String> DEFAULT_VARIANTS = List.of("LEGACY", "POSTCOPY_DEVICE", "PING3",
      "POSTCOPY_SETUP", "BOUNDARY_MOVE");
  static final List<String> DEFAULT_KINDS = List.of("DEST_CRASH", "DEST_HOST_CRASH",
      "DEST_LOAD_ERROR", "PARTITION", "PARTITION_TO_SOURCE");

  /** Where the variants' reader leaves the designs it read, for the designs' row. */
  static final String DESIGNS = "#designs";

  /** Every key, in the order the loader reads them and results.json writes them. */
  public static final List<Key> ALL = build();

  private static List<Key> build() {
    List<Key> keys = new ArrayList<>();
    keys.add(new Key("name", "text", null,
        (s, k, v) -> s.text(k, (String) v.get(ScenarioLoader.DEFAULT_NAME)), Scenario::name));
    keys.add(new Key("seed", "integer", 42L,
        (s, k, v) -> s.integer(k, 42, Long.MIN_VALUE, Long.MAX_VALUE), sc -> study(sc).seed()));
    keys.add(new Key("horizon", "duration", Time.HOUR,
        (s, k, v) -> s.duration(k, Time.HOUR, true),
        sc -> Units.formatDuration(study(sc).horizonNanos())));
    vm(keys);
    network(keys);
    migration(keys);
    faults(keys);
    return List.copyOf(keys);
  }

  private static Study study(Scenario s) {
    return s.study();
  }

  private static MigrationParams params(Scenario s) {
    return s.study().params();
  }

  private static TcpParams tcp(Scenario s) {
    return s.study().tcp();
  }

  private static Key size(String path, long fallback, Function<Scenario, Long> get) {
    return new Key(path, "size", fallback, (s, k, v) -> s.size(k, fallback),
        sc -> Units.formatSize(get.apply(sc)));
  }

  private static Key duration(String path, long fallback, boolean positive,
      Function<Scenario, Long> get) {
    return new Key(path, "duration", fallback, (s, k, v) -> s.duration(k, fallback, positive),
        sc -> Units.formatDuration(get.apply(sc)));
  }

  private static Key bool(String path, boolean fallback, Function<Scenario, Boolean> get) {
    return new Key(path, "boolean", fallback, (s, k, v) -> s.bool(k, fallback), get::apply);
  }

  /** A rate where 0 means "no limit", written as a bare 0. */
  private static Key limit(String path, Function<Scenario, Long> get) {
    return new Key(path, "rate", 0L, (s, k, v) -> s.rate(k, 0, false), sc -> {
      long r = get.apply(sc);
      return r == 0 ? "0" : Units.formatRate(r);
    });
  }

  private static void vm(List<Key> keys) {
    MigrationParams d = MigrationParams.defaults();
    keys.add(size("vm.ram", d.ramBytes(), sc -> params(sc).ramBytes()));
    keys.add(size("vm.page-size", d.pageBytes(), sc -> params(sc).pageBytes()));
    keys.add(size("vm.device-state", d.deviceStateBytes(), sc -> params(sc).deviceStateBytes()));
    keys.add(duration("vm.device-load-time", d.deviceLoadNanos(), false,
        sc -> params(sc).deviceLoadNanos()));
    keys.add(new Key("vm.device-load-pages", "integer", (long) d.deviceLoadPages(),
        (s, k, v) -> s.integer(k, d.deviceLoadPages(), 0, Math.min(Integer.MAX_VALUE,
            (long) v.get("vm.ram") / (long) v.get("vm.page-size"))),
        sc -> params(sc).deviceLoadPages()));
    keys.add(new Key("vm.dirty-rate", "byte rate", d.dirtyBytesPerSecond(),
        (s, k, v) -> s.byteRate(k, d.dirtyBytesPerSecond()),
        sc -> Units.formatSize(params(sc).dirtyBytesPerSecond()) + "/s"));
    keys.add(new Key("vm.working-set", "size", d.workingSetBytes(),
        (s, k, v) -> s.size(k, Math.min(d.workingSetBytes(), (long) v.get("vm.ram"))),
        sc -> Units.formatSize(params(sc).workingSetBytes())));
    keys.add(new Key("vm.access-skew", "number", d.accessSkew(),
        (s, k, v) -> s.real(k, d.accessSkew(), 0, 100), sc -> params(sc).accessSkew()));
    keys.add(new Key("vm.touch-interval", "duration or never", d.touchIntervalNanos(),
        (s, k, v) -> {
          long t = s.durationOrNever(k, d.touchIntervalNanos());
          if (t <= 0) {
            throw s.error(s.raw(k), k, "must be greater than zero (or never)");
          }
          return t;
        }, sc -> Units.formatDuration(params(sc).touchIntervalNanos())));
    keys.add(size("vm.stream-chunk", d.chunkBytes(), sc -> params(sc).chunkBytes()));
    keys.add(duration("vm.postcopy-listen-time", d.listenSetupNanos(), false,
        sc -> params(sc).listenSetupNanos()));
    keys.add(new Key("vm.zero-pages", "size", d.zeroBytes(),
        (s, k, v) -> s.amount(k, d.zeroBytes()), sc -> Units.formatSize(params(sc).zeroBytes())));
  }

  private static void network(List<Key> keys) {
    TcpParams td = TcpParams.defaults();
    TcpParams.Keepalive kd = td.keepalive();
    keys.add(new Key("network.bandwidth", "rate", td.bandwidthBitsPerSecond(), (s, k, v) -> {
      long b = s.rate(k, td.bandwidthBitsPerSecond(), true);
      if (b > Time.MAX_RATE) {
        throw s.error(s.raw(k), k, "at most 100Tbit/s");
      }
      return b;
    }, sc -> Units.formatRate(tcp(sc).bandwidthBitsPerSecond())));
    keys.add(duration("network.latency", td.latencyNanos(), false, sc -> tcp(sc).latencyNanos()));
    keys.add(size("network.socket-buffer", td.socketBufferBytes(),
        sc -> tcp(sc).socketBufferBytes()));
    keys.add(duration("network.tcp.retransmit-give-up", td.retransmitGiveUpNanos(), true,
        sc -> tcp(sc).retransmitGiveUpNanos()));
    keys.add(duration("network.tcp.rto-min", td.rtoMinNanos(), true,
        sc -> tcp(sc).rtoMinNanos()));
    keys.add(duration("network.tcp.user-timeout", td.userTimeoutNanos(), false,
        sc -> tcp(sc).userTimeoutNanos()));
    keys.add(duration("network.tcp.delayed-ack", td.delayedAckNanos(), false,
        sc -> tcp(sc).delayedAckNanos()));
    keys.add(new Key("network.tcp.timer-hz", "integer", (long) td.timerHz(), (s, k, v) -> {
      int hz = (int) s.integer(k, td.timerHz(), 0, 1000);
      if (hz != 0 && hz < 100) {
        throw s.error(s.raw(k), k, "0 (exact timers) or 100..1000");
      }
      return (long) hz;
    }, sc -> tcp(sc).timerHz()));
    keys.add(new Key("network.tcp.receive-window", "size", td.receiveWindowBytes(),
        (s, k, v) -> {
          long w = s.amount(k, td.receiveWindowBytes());
          if (w != 0 && w < TcpParams.MSS) {
            throw s.error(s.raw(k), k, "0 (the older approximation) or at least one MSS ("
                + TcpParams.MSS + " B)");
          }
          return w;
        }, sc -> Units.formatSize(tcp(sc).receiveWindowBytes())));
    keys.add(bool("network.tcp.keepalive.enabled", false, sc -> tcp(sc).keepalive().enabled()));
    keys.add(duration("network.tcp.keepalive.idle", kd.idleNanos(), true,
        sc -> tcp(sc).keepalive().idleNanos()));
    keys.add(duration("network.tcp.keepalive.interval", kd.intervalNanos(), true,
        sc -> tcp(sc).keepalive().intervalNanos()));
    keys.add(new Key("network.tcp.keepalive.count", "integer", (long) kd.count(),
        (s, k, v) -> s.integer(k, kd.count(), 1, 1000), sc -> tcp(sc).keepalive().count()));
  }

  private static void migration(List<Key> keys) {
    MigrationParams d = MigrationParams.defaults();
    // The designs are read first (a variant may name one) and written after the variants.
    keys.add(new Key("migration.variants", "list of designs", DEFAULT_VARIANTS, (s, k, v) -> {
      Map<String, Variant> designs = DesignsReader.read(s); // built-ins + the file's
      v.put(DESIGNS, designs);
      return s.choices(k, DEFAULT_VARIANTS, List.copyOf(designs.keySet()));
    }, sc -> study(sc).variants().stream().map(Variant::name).toList()));
    keys.add(new Key("migration.designs", "mapping of designs", Map.of(),
        (s, k, v) -> v.get(DESIGNS), sc -> {
          Map<String, Object> designs = new LinkedHashMap<>();
          study(sc).variants().stream().filter(x -> !DesignsReader.builtIn(x))
              .forEach(x -> designs.put(x.name(), DesignsReader.decisions(x)));
          return designs.isEmpty() ? null : designs; // a file's designs, spelled out
        }));
    keys.add(duration("migration.precopy-time", d.precopyNanos(), false,
        sc -> params(sc).precopyNanos()));
    keys.add(duration("migration.downtime-limit", d.downtimeLimitNanos(), true,
        sc -> params(sc).downtimeLimitNanos()));
    keys.add(limit("migration.max-postcopy-bandwidth",
        sc -> params(sc).maxPostcopyBitsPerSecond()));
    keys.add(limit("migration.max-bandwidth", sc -> params(sc).maxBandwidthBitsPerSecond()));
    keys.add(duration("migration.ping3-timeout", d.ping3TimeoutNanos(), true,
        sc -> params(sc).ping3TimeoutNanos()));
    keys.add(bool("migration.disk-locking", d.diskLocking(), sc -> params(sc).diskLocking()));
    keys.add(duration("migration.disk-lock-lease", d.diskLockLeaseNanos(), false,
        sc -> params(sc).diskLockLeaseNanos()));
    keys.add(new Key("migration.dest-autostart", "choice", "early-cont",
        (s, k, v) -> s.choice(k, "early-cont", AUTOSTART),
        sc -> params(sc).destAutostart().name().toLowerCase(Locale.ROOT).replace('_', '-')));
    keys.add(bool("migration.return-path", d.returnPath(), sc -> params(sc).returnPath()));
    keys.add(bool("migration.postcopy-preempt", d.postcopyPreempt(),
        sc -> params(sc).postcopyPreempt()));
    keys.add(new Key("migration.qemu-version", "choice", "auto",
        (s, k, v) -> s.choice(k, "auto", QEMU_VERSIONS), sc -> params(sc).qemuVersion().label()));
    keys.add(bool("migration.postcopy-recovery.enabled", d.recoveryEnabled(),
        sc -> params(sc).recoveryEnabled()));
    keys.add(duration("migration.postcopy-recovery.after-heal", d.recoveryAfterHealNanos(),
        false, sc -> params(sc).recoveryAfterHealNanos()));
  }

  private static void faults(List<Key> keys) {
    keys.add(new Key("faults.kinds", "list of fault kinds", DEFAULT_KINDS,
        (s, k, v) -> s.choices(k, DEFAULT_KINDS, KINDS),
        sc -> study(sc).kinds().stream().map(FaultKind::name).toList()));
    keys.add(new Key("faults.points", "all, or a list of phases", "all",
        (s, k, v) -> ScenarioLoader.phases(s), sc -> {
          TreeSet<String> phases = new TreeSet<>();
          for (MigrationStatus m : study(sc).phases()) {
            phases.add(m.name());
          }
          return phases.isEmpty() ? "all" : List.copyOf(phases);
        }));
    keys.add(new Key("faults.max-faults", "integer", 1L, (s, k, v) -> s.integer(k, 1, 1, 2),
        sc -> study(sc).maxFaults()));
    keys.add(new Key("faults.partition-heal", "duration or never", Time.NEVER,
        (s, k, v) -> s.durationOrNever(k, Time.NEVER),
        sc -> Units.formatDuration(study(sc).partitionHealNanos())));
    keys.add(new Key("faults.rates-per-year", "mapping of fault kinds to rates per year",
        Map.of(), (s, k, v) -> rates(s.section(k)), sc -> {
          Map<FaultKind, Double> r = study(sc).ratesPerYear();
          if (r.isEmpty()) {
            return null; // no rates: results.json's scenario block stays as it was
          }
          Map<String, Object> out = new LinkedHashMap<>();
          r.forEach((kind, rate) -> out.put(kind.name(), rate));
          return out;
        }));
    keys.add(new Key("faults.gap-points", "duration", 0L,
        (s, k, v) -> ScenarioLoader.gapPoints(s, (int) (long) v.get("faults.max-faults")),
        sc -> Units.formatDuration(study(sc).gapNanos())));
  }

  /**
   * {@code faults.rates-per-year}: for each fault kind given, how often it strikes a
   * migration's hosts or link per year (a number, 0 or more); unknown kinds are refused with
   * "did you mean".
   */
  private static Map<FaultKind, Double> rates(Section section) {
    Map<FaultKind, Double> rates = new java.util.EnumMap<>(FaultKind.class);
    for (FaultKind kind : FaultKind.values()) {
      double r = section.real(kind.name(), -1, 0, 1e9);
      if (r >= 0) {
        rates.put(kind, r);
      }
    }
    section.done();
    return rates;
  }

  /** The key at {@code path}, or null. */
  public static Key find(String path) {
    for (Key k : ALL) {
      if (k.path().equals(path)) {
        return k;
      }
    }
    return null;
  }

  /** Every key's path, in order (for "did you mean"). */
  public static List<String> paths() {
    return ALL.stream().map(Key::path).toList();
  }

  /**
   * results.json's scenario block: every key's resolved value, nested by path, in order; a key
   * whose writer gives null (no designs beyond the built-ins) is left out.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> resolved(Scenario scenario) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Key k : ALL) {
      Map<String, Object> at = out;
      String[] parts = k.path().split("\\.");
      for (int i = 0; i < parts.length - 1; i++) {
        at = (Map<String, Object>) at.computeIfAbsent(parts[i], p -> new LinkedHashMap<>());
      }
      Object value = k.writer().apply(scenario);
      if (value != null) {
        at.put(parts[parts.length - 1], value);
      }
    }
    return out;
  }
}
