package io.postcopysim.scenarios;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.DestAutostart;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.QemuVersion;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.net.TcpParams;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Study;
import io.postcopysim.scenarios.YamlTree.ListNode;
import io.postcopysim.scenarios.YamlTree.MapNode;
import io.postcopysim.scenarios.YamlTree.Node;
import io.postcopysim.scenarios.YamlTree.Scalar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a scenario file (docs/DESIGN.md §4): kebab-case keys, QEMU's parameter names, units. A key
 * left out takes the built-in default scenario's value; an unknown key, a wrong type, a bad
 * unit or an impossible combination is a {@link ScenarioException} naming file, line, column
 * and key. Finally every variant's failure-free run must finish within the horizon.
 */
public final class ScenarioLoader {
  private static final List<String> PHASES = List.of("SETUP", "ACTIVE", "DEVICE",
      "POSTCOPY_DEVICE", "POSTCOPY_SETUP", "POSTCOPY_ACTIVE", "POSTCOPY_PAUSED",
      "POSTCOPY_RECOVER_SETUP", "POSTCOPY_RECOVER", "COMPLETED", "FAILED");

  private ScenarioLoader() {}

  /**
   * The largest scenario file read: the longest built-in is about 2 KiB. Checked before
   * reading, so /dev/zero or a 50 MB file cannot exhaust memory or time.
   */
  public static final long MAX_FILE_BYTES = 1 << 20;

  /** Sane names: a folder name on every file system, harmless on a terminal and in a shell. */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public static Scenario load(Path file) {
    return parse(readText(file), file.toString());
  }

  /** A scenario (or sweep) file's text: a regular file of at most 1 MiB of UTF-8. */
  static String readText(Path file) {
    String text;
    try {
      java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file,
          java.nio.file.attribute.BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw new ScenarioException(file.toString(), 0, 0, "", "not a regular file (a scenario"
            + " is a .yaml file; devices, pipes and sockets are not read)");
      }
      if (a.size() > MAX_FILE_BYTES) {
        throw new ScenarioException(file.toString(), 0, 0, "", "too large (" + a.size()
            + " bytes; a scenario file is at most " + MAX_FILE_BYTES + " bytes)");
      }
      byte[] bytes = Files.readAllBytes(file);
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ScenarioException(file.toString(), 0, 0, "", "not UTF-8 text");
    } catch (IOException e) {
      throw new ScenarioException(file.toString(), 0, 0, "", "cannot read the file: "
          + e.getClass().getSimpleName() + " " + e.getMessage());
    }
    return text;
  }

  /** Where the loader hands a key reader the name the file's own name gives. */
  static final String DEFAULT_NAME = "#default-name";

  /** Parses scenario text; {@code file} names it in errors. */
  public static Scenario parse(String text, String file) {
    return parse(YamlTree.parse(text, file), file);
  }

  /** Reads a parsed tree: every key of {@link ScenarioKeys#ALL}, in its order. */
  static Scenario parse(MapNode root, String file) {
    Section top = new Section(file, "", root);
    Map<String, Object> v = new HashMap<>();
    v.put(DEFAULT_NAME, Path.of(file).getFileName().toString().replaceFirst("\\.ya?ml$", ""));
    Map<String, Section> sections = new LinkedHashMap<>();
    sections.put("", top);
    Map<String, Integer> lastKey = new LinkedHashMap<>();
    List<ScenarioKeys.Key> keys = ScenarioKeys.ALL;
    for (int i = 0; i < keys.size(); i++) {
      lastKey.put(keys.get(i).section(), i);
    }
    for (int i = 0; i < keys.size(); i++) {
      ScenarioKeys.Key k = keys.get(i);
      Section s = section(sections, k.section());
      v.put(k.path(), k.reader().read(s, k.leaf(), v));
      if (k.path().equals("name")) {
        checkName(top, (String) v.get("name"));
      }
      closeFinished(sections, lastKey, i, v);
    }
    top.done();
    Study study = study(v, file, root, sections);
    Scenario scenario = new Scenario((String) v.get("name"), file, study);
    checkHorizon(top, root, file, scenario);
    return scenario;
  }

  /** The section at {@code path}, opening its parents as needed. */
  private static Section section(Map<String, Section> sections, String path) {
    Section s = sections.get(path);
    if (s == null) {
      int dot = path.lastIndexOf('.');
      Section parent = section(sections, dot < 0 ? "" : path.substring(0, dot));
      s = parent.section(path.substring(dot + 1));
      sections.put(path, s);
    }
    return s;
  }

  /**
   * Rejects unknown keys of every section whose last key was key {@code i} (innermost first),
   * after the checks that span its keys: a section's errors come before the next one's.
   */
  private static void closeFinished(Map<String, Section> sections, Map<String, Integer> lastKey,
      int i, Map<String, Object> v) {
    List<String> closing = new ArrayList<>();
    for (Map.Entry<String, Section> e : sections.entrySet()) {
      if (!e.getKey().isEmpty() && lastOf(e.getKey(), lastKey) == i) {
        closing.add(e.getKey());
      }
    }
    closing.sort(Comparator.comparingInt(String::length).reversed());
    for (String path : closing) {
      Section s = sections.get(path);
      if (path.equals("vm")) {
        checkVm(s, (long) v.get("vm.ram"), (long) v.get("vm.page-size"),
            (long) v.get("vm.working-set"), (long) v.get("vm.stream-chunk"));
      }
      if (path.equals("migration")) {
        checkVersion(s, v);
      }
      s.done();
    }
  }

  /** The last key in a section or any section under it. */
  private static int lastOf(String section, Map<String, Integer> lastKey) {
    int last = -1;
    for (Map.Entry<String, Integer> e : lastKey.entrySet()) {
      if (e.getKey().equals(section) || e.getKey().startsWith(section + ".")) {
        last = Math.max(last, e.getValue());
      }
    }
    return last;
  }

  private static void checkName(Section top, String name) {
    if (!NAME.matcher(name).matches()) {
      Node at = top.raw("name");
      throw top.error(at, "name", "'" + printable(name) + "'" + (at == null ? " (from the file"
          + " name; set name:)" : "") + " is not a usable name: it names the output folder, so"
          + " it is 1 to 64 of A-Z a-z 0-9 . _ - and starts with a letter or digit");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Variant> variants(Map<String, Object> v) {
    Map<String, Variant> designs = (Map<String, Variant>) v.get("migration.designs");
    return ((List<String>) v.get("migration.variants")).stream().map(designs::get).toList();
  }

  private static void checkVersion(Section mig, Map<String, Object> v) {
    QemuVersion version = QemuVersion.parse((String) v.get("migration.qemu-version"));
    for (Variant variant : variants(v)) {
      String why = version.refuses(variant);
      if (why != null) {
        Node at = mig.raw("qemu-version") != null ? mig.raw("qemu-version") : mig.raw("variants");
        throw mig.error(at, at == mig.raw("variants") ? "variants" : "qemu-version", why);
      }
    }
  }

  /** The study the values describe. */
  @SuppressWarnings("unchecked")
  private static Study study(Map<String, Object> v, String file, MapNode root,
      Map<String, Section> sections) {
    TcpParams td = TcpParams.defaults();
    long rtoMin = (long) v.get("network.tcp.rto-min");
    TcpParams.Keepalive keepalive = new TcpParams.Keepalive(
        (boolean) v.get("network.tcp.keepalive.enabled"),
        (long) v.get("network.tcp.keepalive.idle"), (long) v.get("network.tcp.keepalive.interval"),
        (int) (long) v.get("network.tcp.keepalive.count"));
    TcpParams tcp = new TcpParams((long) v.get("network.bandwidth"),
        (long) v.get("network.latency"), (long) v.get("network.socket-buffer"),
        (long) v.get("network.tcp.retransmit-give-up"), (long) v.get("network.tcp.user-timeout"),
        keepalive, rtoMin, Math.max(rtoMin, td.rtoMaxNanos()),
        (long) v.get("network.tcp.delayed-ack"), (int) (long) v.get("network.tcp.timer-hz"),
        (long) v.get("network.tcp.receive-window"));
    MigrationParams params;
    try {
      params = params(v);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(file, root.line(), root.column(), "vm", e.getMessage());
    }
    List<FaultKind> kinds = ((List<String>) v.get("faults.kinds")).stream()
        .map(FaultKind::valueOf).toList();
    return new Study((long) v.get("seed"), (long) v.get("horizon"), params, tcp, variants(v),
        kinds, (Set<MigrationStatus>) v.get("faults.points"),
        (int) (long) v.get("faults.max-faults"), (long) v.get("faults.partition-heal"),
        (long) v.get("faults.gap-points"), (Map<FaultKind, Double>) v.get("faults.rates-per-year"));
  }

  private static MigrationParams params(Map<String, Object> v) {
    return MigrationParams.defaults().toBuilder()
        .ramBytes((long) v.get("vm.ram")).pageBytes((long) v.get("vm.page-size"))
        .workingSetBytes((long) v.get("vm.working-set")).chunkBytes((long) v.get("vm.stream-chunk"))
        .deviceStateBytes((long) v.get("vm.device-state"))
        .deviceLoadNanos((long) v.get("vm.device-load-time"))
        .deviceLoadPages((int) (long) v.get("vm.device-load-pages"))
        .zeroBytes((long) v.get("vm.zero-pages"))
        .listenSetupNanos((long) v.get("vm.postcopy-listen-time"))
        .dirtyBytesPerSecond((long) v.get("vm.dirty-rate"))
        .accessSkew((double) v.get("vm.access-skew"))
        .touchIntervalNanos((long) v.get("vm.touch-interval"))
        .precopyNanos((long) v.get("migration.precopy-time"))
        .downtimeLimitNanos((long) v.get("migration.downtime-limit"))
        .maxPostcopyBitsPerSecond((long) v.get("migration.max-postcopy-bandwidth"))
        .maxBandwidthBitsPerSecond((long) v.get("migration.max-bandwidth"))
        .ping3TimeoutNanos((long) v.get("migration.ping3-timeout"))
        .diskLocking((boolean) v.get("migration.disk-locking"))
        .diskLockLeaseNanos((long) v.get("migration.disk-lock-lease"))
        .destAutostart(DestAutostart.valueOf(((String) v.get("migration.dest-autostart"))
            .toUpperCase(Locale.ROOT).replace('-', '_')))
        .returnPath((boolean) v.get("migration.return-path"))
        .postcopyPreempt((boolean) v.get("migration.postcopy-preempt"))
        .qemuVersion(QemuVersion.parse((String) v.get("migration.qemu-version")))
        .recoveryEnabled((boolean) v.get("migration.postcopy-recovery.enabled"))
        .recoveryAfterHealNanos((long) v.get("migration.postcopy-recovery.after-heal"))
        .build();
  }

  private static void checkVm(Section vm, long ram, long page, long workingSet, long chunk) {
    if (Long.bitCount(page) != 1) {
      throw vm.error(vm.raw("page-size"), "page-size", "must be a power of two, got "
          + Units.formatSize(page));
    }
    if (ram % page != 0) {
      throw vm.error(vm.raw("ram"), "ram", "must be a whole number of pages ("
          + Units.formatSize(page) + ")");
    }
    if (ram / page > Integer.MAX_VALUE) {
      throw vm.error(vm.raw("ram"), "ram", "too many pages: at most 2^31 - 1 of "
          + Units.formatSize(page));
    }
    if (workingSet > ram) {
      throw vm.error(vm.raw("working-set"), "working-set", "must not exceed ram ("
          + Units.formatSize(ram) + ")");
    }
    if (chunk < page) {
      throw vm.error(vm.raw("stream-chunk"), "stream-chunk", "must hold at least one page");
    }
  }

  /** The closest spacing of points inside gaps: finer would multiply cases, not insight. */
  static final long MIN_GAP_POINTS = Time.micros(100);

  /** {@code faults.gap-points}: a point every this much inside a longer quiet gap; 0 = none. */
  static long gapPoints(Section faults, int maxFaults) {
    long gap = faults.duration("gap-points", 0, false);
    if (gap != 0 && gap < MIN_GAP_POINTS) {
      throw faults.error(faults.raw("gap-points"), "gap-points", "must be 0 (off) or at least "
          + Units.formatDuration(MIN_GAP_POINTS));
    }
    if (gap != 0 && maxFaults == 2) {
      throw faults.error(faults.raw("gap-points"), "gap-points", "points inside gaps are for"
          + " single faults: set max-faults: 1, or gap-points: 0");
    }
    return gap;
  }

  static Set<MigrationStatus> phases(Section faults) {
    Node points = faults.raw("points");
    if (points == null || points instanceof Scalar s && "all".equals(s.value())) {
      return Set.of();
    }
    if (points instanceof ListNode) {
      Set<MigrationStatus> out = EnumSet.noneOf(MigrationStatus.class);
      for (String ph : faults.choices("points", List.of(), PHASES)) {
        out.add(MigrationStatus.valueOf(ph));
      }
      return out;
    }
    throw faults.error(points, "points", "expected 'all' or a list of phases (source statuses:"
        + " " + String.join(", ", PHASES) + ")");
  }

  /**
   * Every variant's failure-free migration must complete on both sides before the horizon
   * (whether the guest then runs is the scenario's business: dest-autostart off never starts it).
   */
  private static void checkHorizon(Section top, MapNode root, String file, Scenario s) {
    for (Variant v : s.study().variants()) {
      GoldenRun g;
      try {
        g = GoldenRun.of(s.study(), v);
      } catch (io.postcopysim.core.kernel.UnrunnableScenario e) {
        // Not settled within the horizon: the horizon (or the parameters) are to blame.
        Node at = top.raw("horizon");
        throw new ScenarioException(YamlTree.fileOf(at, file),
            at == null ? root.line() : at.line(), at == null ? root.column() : at.column(),
            "horizon", "the failure-free "
                + v.name() + " migration does not finish within the horizon ("
                + Units.formatDuration(s.study().horizonNanos()) + "): " + e.getMessage());
      }
      // A failure-free run that does not complete is the design's own finding (GoldenRun
      // reports it; a model error throws there): reported, not refused.
      String none = NoCases.why(s.study(), g);
      if (none != null) {
        Node at = top.section("faults").raw("points");
        throw new ScenarioException(YamlTree.fileOf(at, file),
            at == null ? root.line() : at.line(), at == null ? root.column() : at.column(),
            "faults.points", none);
      }
    }
  }

  /** A name with control characters shown as escapes, for an error message. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.chars().forEach(c -> b.append(c < 0x20 || c == 0x7f || Character.isSurrogate((char) c)
        ? String.format(Locale.ROOT, "\\u%04x", c) : String.valueOf((char) c)));
    return b.toString();
  }
}
