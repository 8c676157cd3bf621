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
import java.util.Arrays;
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
  private static final List<String> KINDS =
      Arrays.stream(FaultKind.values()).map(FaultKind::name).toList();
  private static final List<String> PHASES = List.of("SETUP", "ACTIVE", "DEVICE",
      "POSTCOPY_DEVICE", "POSTCOPY_SETUP", "POSTCOPY_ACTIVE", "POSTCOPY_PAUSED",
      "POSTCOPY_RECOVER_SETUP", "POSTCOPY_RECOVER", "COMPLETED", "FAILED");
  private static final List<String> AUTOSTART = List.of("early-cont", "after-device", "off",
      "libvirt");
  private static final List<String> QEMU_VERSIONS = java.util.Arrays.stream(QemuVersion.values())
      .map(QemuVersion::label).toList();

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
    return parse(text, file.toString());
  }

  /** Parses scenario text; {@code file} names it in errors. */
  public static Scenario parse(String text, String file) {
    MapNode root = YamlTree.parse(text, file);
    Section top = new Section(file, "", root);
    String defaultName = Path.of(file).getFileName().toString().replaceFirst("\\.ya?ml$", "");
    String name = top.text("name", defaultName);
    if (!NAME.matcher(name).matches()) {
      Node at = top.raw("name");
      throw top.error(at, "name", "'" + printable(name) + "'" + (at == null ? " (from the file"
          + " name; set name:)" : "") + " is not a usable name: it names the output folder, so"
          + " it is 1 to 64 of A-Z a-z 0-9 . _ - and starts with a letter or digit");
    }
    long seed = top.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
    long horizon = top.duration("horizon", Time.HOUR, true);

    MigrationParams d = MigrationParams.defaults();
    MigrationParams.Builder p = d.toBuilder();
    Section vm = top.section("vm");
    long ram = vm.size("ram", d.ramBytes());
    long page = vm.size("page-size", d.pageBytes());
    long workingSet = vm.size("working-set", Math.min(d.workingSetBytes(), ram));
    long chunk = vm.size("stream-chunk", d.chunkBytes());
    checkVm(vm, ram, page, workingSet, chunk);
    p.ramBytes(ram).pageBytes(page).workingSetBytes(workingSet).chunkBytes(chunk)
        .deviceStateBytes(vm.size("device-state", d.deviceStateBytes()))
        .deviceLoadNanos(vm.duration("device-load-time", d.deviceLoadNanos(), false))
        .deviceLoadPages((int) vm.integer("device-load-pages", d.deviceLoadPages(), 0,
            Math.min(Integer.MAX_VALUE, ram / page)))
        .dirtyBytesPerSecond(vm.byteRate("dirty-rate", d.dirtyBytesPerSecond()))
        .accessSkew(vm.real("access-skew", d.accessSkew(), 0, 100))
        .touchIntervalNanos(positive(vm, "touch-interval",
            vm.durationOrNever("touch-interval", d.touchIntervalNanos())));
    vm.done();

    TcpParams td = TcpParams.defaults();
    Section net = top.section("network");
    long bandwidth = net.rate("bandwidth", td.bandwidthBitsPerSecond(), true);
    if (bandwidth > Time.MAX_RATE) {
      throw net.error(net.raw("bandwidth"), "bandwidth", "at most 100Tbit/s");
    }
    long latency = net.duration("latency", td.latencyNanos(), false);
    long buffer = net.size("socket-buffer", td.socketBufferBytes());
    Section tcp = net.section("tcp");
    long giveUp = tcp.duration("retransmit-give-up", td.retransmitGiveUpNanos(), true);
    long rtoMin = tcp.duration("rto-min", td.rtoMinNanos(), true);
    long userTimeout = tcp.duration("user-timeout", td.userTimeoutNanos(), false);
    long delayedAck = tcp.duration("delayed-ack", td.delayedAckNanos(), false);
    int timerHz = (int) tcp.integer("timer-hz", td.timerHz(), 0, 1000);
    if (timerHz != 0 && timerHz < 100) {
      throw tcp.error(tcp.raw("timer-hz"), "timer-hz", "0 (exact timers) or 100..1000");
    }
    Section ka = tcp.section("keepalive");
    TcpParams.Keepalive kd = td.keepalive();
    TcpParams.Keepalive keepalive = new TcpParams.Keepalive(ka.bool("enabled", false),
        ka.duration("idle", kd.idleNanos(), true), ka.duration("interval", kd.intervalNanos(), true),
        (int) ka.integer("count", kd.count(), 1, 1000));
    ka.done();
    tcp.done();
    net.done();
    TcpParams tcpParams = new TcpParams(bandwidth, latency, buffer, giveUp, userTimeout,
        keepalive, rtoMin, Math.max(rtoMin, td.rtoMaxNanos()), delayedAck, timerHz);

    Section mig = top.section("migration");
    java.util.Map<String, Variant> designs = DesignsReader.read(mig); // built-ins + the file's
    List<Variant> variants = mig.choices("variants", List.of("LEGACY", "POSTCOPY_DEVICE",
        "PING3", "POSTCOPY_SETUP", "BOUNDARY_MOVE"), List.copyOf(designs.keySet())).stream()
        .map(designs::get).toList();
    p.precopyNanos(mig.duration("precopy-time", d.precopyNanos(), false))
        .downtimeLimitNanos(mig.duration("downtime-limit", d.downtimeLimitNanos(), true))
        .maxPostcopyBitsPerSecond(mig.rate("max-postcopy-bandwidth", 0, false))
        .maxBandwidthBitsPerSecond(mig.rate("max-bandwidth", 0, false))
        .ping3TimeoutNanos(mig.duration("ping3-timeout", d.ping3TimeoutNanos(), true))
        .diskLocking(mig.bool("disk-locking", d.diskLocking()))
        .diskLockLeaseNanos(mig.duration("disk-lock-lease", d.diskLockLeaseNanos(), false))
        .destAutostart(DestAutostart.valueOf(mig.choice("dest-autostart", "early-cont", AUTOSTART)
            .toUpperCase(Locale.ROOT).replace('-', '_')))
        .returnPath(mig.bool("return-path", d.returnPath()))
        .postcopyPreempt(mig.bool("postcopy-preempt", d.postcopyPreempt()));
    QemuVersion version = QemuVersion.parse(mig.choice("qemu-version", "auto", QEMU_VERSIONS));
    p.qemuVersion(version);
    for (Variant v : variants) {
      String why = version.refuses(v);
      if (why != null) {
        Node at = mig.raw("qemu-version") != null ? mig.raw("qemu-version") : mig.raw("variants");
        throw mig.error(at, at == mig.raw("variants") ? "variants" : "qemu-version", why);
      }
    }
    Section rec = mig.section("postcopy-recovery");
    p.recoveryEnabled(rec.bool("enabled", d.recoveryEnabled()))
        .recoveryAfterHealNanos(rec.duration("after-heal", d.recoveryAfterHealNanos(), false));
    rec.done();
    mig.done();

    Section faults = top.section("faults");
    List<FaultKind> kinds = faults.choices("kinds", List.of("DEST_CRASH", "DEST_HOST_CRASH",
        "DEST_LOAD_ERROR", "PARTITION", "PARTITION_TO_SOURCE"), KINDS).stream()
        .map(FaultKind::valueOf).toList();
    Set<MigrationStatus> phases = phases(faults);
    int maxFaults = (int) faults.integer("max-faults", 1, 1, 2);
    long heal = faults.durationOrNever("partition-heal", Time.NEVER);
    faults.done();
    top.done();

    MigrationParams params;
    try {
      params = p.build();
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(file, root.line(), root.column(), "vm", e.getMessage());
    }
    Study study = new Study(seed, horizon, params, tcpParams, variants, kinds, phases, maxFaults,
        heal);
    Scenario scenario = new Scenario(name, file, study);
    checkHorizon(top, root, file, scenario);
    return scenario;
  }

  private static long positive(Section s, String key, long nanos) {
    if (nanos <= 0) {
      throw s.error(s.raw(key), key, "must be greater than zero (or never)");
    }
    return nanos;
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

  private static Set<MigrationStatus> phases(Section faults) {
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
        throw new ScenarioException(file, at == null ? root.line() : at.line(),
            at == null ? root.column() : at.column(), "horizon", "the failure-free "
                + v.name() + " migration does not finish within the horizon ("
                + Units.formatDuration(s.study().horizonNanos()) + "): " + e.getMessage());
      }
      // A failure-free run that does not complete is the design's own finding (GoldenRun
      // reports it; a model error throws there): reported, not refused.
      String none = NoCases.why(s.study(), g);
      if (none != null) {
        Node at = top.section("faults").raw("points");
        throw new ScenarioException(file, at == null ? root.line() : at.line(),
            at == null ? root.column() : at.column(), "faults.points", none);
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
