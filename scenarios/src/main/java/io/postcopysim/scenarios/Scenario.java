package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.net.TcpParams;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.Study;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A loaded, validated scenario: the study it describes plus its name and where it came from.
 *
 * @param source the file name, or {@code builtin:NAME}
 */
public record Scenario(String name, String source, Study study) {

  public Scenario withOverrides(List<Variant> variants, List<FaultKind> kinds, Integer maxFaults) {
    Study s = study;
    for (Variant v : variants == null ? List.<Variant>of() : variants) {
      String why = s.params().qemuVersion().refuses(v);
      if (why != null) {
        throw new io.postcopysim.core.kernel.UnrunnableScenario("scenario " + name + ": " + why);
      }
    }
    return new Scenario(name, source, new Study(s.seed(), s.horizonNanos(), s.params(), s.tcp(),
        variants == null ? s.variants() : variants, kinds == null ? s.kinds() : kinds,
        s.phases(), maxFaults == null ? s.maxFaults() : maxFaults, s.partitionHealNanos()));
  }

  /**
   * The scenario again from its resolved parameters (results.json "scenario" is itself a valid
   * scenario: JSON is YAML), so a merged result can still replay its cases.
   */
  public static Scenario fromResolved(Map<String, Object> resolved) {
    try {
      String text = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(resolved);
      return ScenarioLoader.parse(text, "results.json#scenario");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The resolved parameters, in the scenario file's own terms (results.json "scenario"). */
  public Map<String, Object> resolved() {
    Study s = study;
    MigrationParams p = s.params();
    TcpParams t = s.tcp();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("seed", s.seed());
    out.put("horizon", Units.formatDuration(s.horizonNanos()));
    Map<String, Object> vm = new LinkedHashMap<>();
    vm.put("ram", Units.formatSize(p.ramBytes()));
    vm.put("page-size", Units.formatSize(p.pageBytes()));
    vm.put("device-state", Units.formatSize(p.deviceStateBytes()));
    vm.put("device-load-time", Units.formatDuration(p.deviceLoadNanos()));
    vm.put("device-load-pages", p.deviceLoadPages());
    vm.put("dirty-rate", Units.formatSize(p.dirtyBytesPerSecond()) + "/s");
    vm.put("working-set", Units.formatSize(p.workingSetBytes()));
    vm.put("access-skew", p.accessSkew());
    vm.put("touch-interval", Units.formatDuration(p.touchIntervalNanos()));
    vm.put("stream-chunk", Units.formatSize(p.chunkBytes()));
    out.put("vm", vm);
    Map<String, Object> net = new LinkedHashMap<>();
    net.put("bandwidth", Units.formatRate(t.bandwidthBitsPerSecond()));
    net.put("latency", Units.formatDuration(t.latencyNanos()));
    net.put("socket-buffer", Units.formatSize(t.socketBufferBytes()));
    Map<String, Object> tcp = new LinkedHashMap<>();
    tcp.put("retransmit-give-up", Units.formatDuration(t.retransmitGiveUpNanos()));
    tcp.put("rto-min", Units.formatDuration(t.rtoMinNanos()));
    tcp.put("user-timeout", Units.formatDuration(t.userTimeoutNanos()));
    tcp.put("delayed-ack", Units.formatDuration(t.delayedAckNanos()));
    tcp.put("timer-hz", t.timerHz());
    Map<String, Object> ka = new LinkedHashMap<>();
    ka.put("enabled", t.keepalive().enabled());
    ka.put("idle", Units.formatDuration(t.keepalive().idleNanos()));
    ka.put("interval", Units.formatDuration(t.keepalive().intervalNanos()));
    ka.put("count", t.keepalive().count());
    tcp.put("keepalive", ka);
    net.put("tcp", tcp);
    out.put("network", net);
    Map<String, Object> mig = new LinkedHashMap<>();
    mig.put("variants", s.variants().stream().map(Variant::name).toList());
    Map<String, Object> designs = new LinkedHashMap<>();
    s.variants().stream().filter(v -> !DesignsReader.builtIn(v))
        .forEach(v -> designs.put(v.name(), DesignsReader.decisions(v)));
    if (!designs.isEmpty()) {
      mig.put("designs", designs); // a file's designs, spelled out, so replay can rebuild them
    }
    mig.put("precopy-time", Units.formatDuration(p.precopyNanos()));
    mig.put("downtime-limit", Units.formatDuration(p.downtimeLimitNanos()));
    mig.put("max-postcopy-bandwidth", p.maxPostcopyBitsPerSecond() == 0 ? "0"
        : Units.formatRate(p.maxPostcopyBitsPerSecond()));
    mig.put("max-bandwidth", p.maxBandwidthBitsPerSecond() == 0 ? "0"
        : Units.formatRate(p.maxBandwidthBitsPerSecond()));
    mig.put("ping3-timeout", Units.formatDuration(p.ping3TimeoutNanos()));
    mig.put("disk-locking", p.diskLocking());
    mig.put("disk-lock-lease", Units.formatDuration(p.diskLockLeaseNanos()));
    mig.put("dest-autostart", p.destAutostart().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    mig.put("return-path", p.returnPath());
    mig.put("postcopy-preempt", p.postcopyPreempt());
    mig.put("qemu-version", p.qemuVersion().label());
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("enabled", p.recoveryEnabled());
    rec.put("after-heal", Units.formatDuration(p.recoveryAfterHealNanos()));
    mig.put("postcopy-recovery", rec);
    out.put("migration", mig);
    Map<String, Object> faults = new LinkedHashMap<>();
    faults.put("kinds", s.kinds().stream().map(FaultKind::name).toList());
    Set<String> phases = new TreeSet<>();
    for (MigrationStatus m : s.phases()) {
      phases.add(m.name());
    }
    faults.put("points", phases.isEmpty() ? "all" : List.copyOf(phases));
    faults.put("max-faults", s.maxFaults());
    faults.put("partition-heal", Units.formatDuration(s.partitionHealNanos()));
    out.put("faults", faults);
    return out;
  }
}
