package io.postcopysim.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.MigrationRecord.Run;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.net.HostId;
import io.postcopysim.faults.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The oracle's {@link Facts} built from what the lab saw of real QEMU (observation.json), so
 * that {@link io.postcopysim.faults.Oracle#classify(Facts)} judges QEMU exactly as it judges the
 * model. All times are nanoseconds since the lab started (one clock: QMP timestamps and the
 * lab's own marks are both the host's wall clock).
 *
 * <ul>
 *   <li>runs: the source runs from the start (it is started without -S) until its STOP; each
 *       RESUME opens a run, each STOP closes it, the process's exit closes an open run; the
 *       destination (-incoming) runs only from a RESUME. A run still open at the end ends at
 *       {@link Time#NEVER}.
 *   <li>sourceRestarted: a RESUME of the source after its first STOP (the switchover's).
 *   <li>statuses: the final query-migrate of each live side; a dead side keeps the last status
 *       seen (event or poll). {@code failing} (11.x, transient) reads as FAILED.
 *   <li>destinationLoaded: the destination reached postcopy-active or completed;
 *       destinationHasAllPages: it reports completed.
 *   <li>destinationListening: false. QMP does not show the postcopy sub-state; a destination
 *       that listens without RUN is one still loading the package (RUN is in it on every
 *       version), which lasts milliseconds unless the load blocks, and the lab settles for
 *       seconds.
 *   <li>settled: watched past TCP's give-up where the fault drops packets (kill and reset leave
 *       no connection hanging) and no status, run state or process changed in the last
 *       {@link #QUIET_MS}.
 * </ul>
 */
final class QemuFacts {
  /** No change in this long before the final read, for a run to count as settled. */
  static final long QUIET_MS = 2000;

  private QemuFacts() {}

  /** What the lab makes of one observation: the facts and the compared details. */
  record Seen(Facts facts, String sourceFinal, String destinationFinal, long detectionMs,
      String timeline) {
    /** "src failed/running, dst dead". */
    String finals() {
      return "src " + sourceFinal + ", dst " + destinationFinal;
    }
  }

  /**
   * @param giveUpMs TCP's give-up in the experiment's namespace
   * @param dropsPackets whether the fault drops packets (then only a run watched past the
   *     give-up can be settled)
   */
  static Seen of(JsonNode o, long giveUpMs, boolean dropsPackets) {
    return of(o, giveUpMs, dropsPackets, false);
  }

  /**
   * @param toDestinationOpen whether the fault left the way from the source to the
   *     destination open (then whatever the source wrote arrives)
   */
  static Seen of(JsonNode o, long giveUpMs, boolean dropsPackets, boolean toDestinationOpen) {
    double t0 = o.path("lab_start_ms").asDouble(Double.NaN);
    double fault = o.path("fault_at_ms").asDouble(-1);
    List<JsonNode> events = new ArrayList<>();
    o.path("events").forEach(events::add);
    if (Double.isNaN(t0)) { // an observation from before lab_start_ms was written
      t0 = events.stream().mapToDouble(e -> e.path("t_ms").asDouble()).min().orElse(0);
      for (JsonNode p : o.path("polled")) {
        t0 = Math.min(t0, p.path("t_ms").asDouble());
      }
    }
    double until = o.path("observed_until_ms").asDouble(Double.NaN);
    if (Double.isNaN(until)) {
      until = fault + o.path("settle_ms").asDouble(0);
    }
    List<Run> runs = new ArrayList<>();
    boolean restarted = false;
    MigrationStatus[] last = new MigrationStatus[2];
    boolean dstLoaded = false;
    boolean dstCompleted = false;
    for (String side : List.of("src", "dst")) {
      HostId h = side.equals("src") ? HostId.SOURCE : HostId.DESTINATION;
      long openedAt = side.equals("src") ? 0 : -1;
      boolean stopped = false;
      MigrationStatus status = MigrationStatus.NONE;
      for (JsonNode e : events) {
        if (!e.path("side").asText().equals(side)) {
          continue;
        }
        long t = nanos(e.path("t_ms").asDouble() - t0);
        switch (e.path("event").asText()) {
          case "RESUME" -> {
            if (openedAt < 0) {
              openedAt = t;
              restarted |= h == HostId.SOURCE && stopped;
            }
          }
          case "STOP" -> {
            if (openedAt >= 0) {
              runs.add(new Run(h, openedAt, Math.max(openedAt, t)));
              openedAt = -1;
            }
            stopped = true;
          }
          case "MIGRATION" -> {
            status = status(e.path("data").path("status").asText());
            if (h == HostId.DESTINATION) {
              dstLoaded |= status == MigrationStatus.POSTCOPY_ACTIVE
                  || status == MigrationStatus.COMPLETED;
            }
          }
          default -> { }
        }
      }
      for (JsonNode p : o.path("polled")) { // polls catch what events did not say
        if (p.path("side").asText().equals(side) && h == HostId.DESTINATION) {
          MigrationStatus s = status(p.path("status").asText());
          dstLoaded |= s == MigrationStatus.POSTCOPY_ACTIVE || s == MigrationStatus.COMPLETED;
        }
      }
      JsonNode q = o.path(side);
      boolean alive = q.path("alive").asBoolean();
      if (alive && q.path("query_migrate").has("status")) {
        status = status(q.path("query_migrate").path("status").asText());
      } else if (alive && q.path("query_migrate").isObject()) {
        status = MigrationStatus.NONE; // query-migrate before any migration has no status
      } else { // dead, or the final query failed: the last status seen
        status = lastPolled(o, side, status);
      }
      last[h.ordinal()] = status;
      if (h == HostId.DESTINATION) {
        dstLoaded |= status == MigrationStatus.POSTCOPY_ACTIVE
            || status == MigrationStatus.COMPLETED;
        dstCompleted = alive && status == MigrationStatus.COMPLETED;
      }
      if (openedAt >= 0) {
        double exited = q.path("exited_at_ms").asDouble(-1);
        runs.add(new Run(h, openedAt, exited >= 0 && !alive
            ? Math.max(openedAt, nanos(exited - t0)) : Time.NEVER));
      }
    }
    boolean srcAlive = o.path("src").path("alive").asBoolean();
    boolean dstAlive = o.path("dst").path("alive").asBoolean();
    boolean settled = settled(o, events, fault, until, giveUpMs, dropsPackets);
    // QMP cannot show a wedged migration thread; the lab meets one only beside a dead
    // destination (7.2's dest-kill-before-shut), where the outcome is VM_LOST either way.
    // QMP shows no received-page bitmap: the destination holds every page once it completed,
    // or once the living source has written every page (query-migrate ram.remaining 0) and
    // the way to the destination stayed open, so TCP delivered them (11.1's source waiting in
    // postcopy-device for a lost PONG sends no EOF: the destination never says completed).
    boolean allSent = srcAlive && o.path("src").path("query_migrate").path("ram")
        .path("remaining").asLong(-1) == 0;
    boolean dstHasAll = dstCompleted || dstAlive && allSent && toDestinationOpen;
    Facts f = new Facts(runs, restarted, srcAlive, dstAlive, last[HostId.SOURCE.ordinal()],
        last[HostId.DESTINATION.ordinal()], dstLoaded, dstHasAll, settled, false, false);
    return new Seen(f, finalOf(f, HostId.SOURCE), finalOf(f, HostId.DESTINATION),
        detection(o, events, fault), timeline(o, events, fault));
  }

  private static MigrationStatus lastPolled(JsonNode o, String side, MigrationStatus fallback) {
    MigrationStatus s = fallback;
    for (JsonNode p : o.path("polled")) {
      if (p.path("side").asText().equals(side)) {
        String name = p.path("status").asText();
        if (!name.equals("dead")) {
          s = status(name);
        }
      }
    }
    return s;
  }

  /** "failed/running", "postcopy-paused/stopped", "dead". */
  static String finalOf(Facts f, HostId h) {
    return f.alive(h) ? f.status(h).qapiName() + "/" + (f.running(h) ? "running" : "stopped")
        : "dead";
  }

  /** QEMU's MigrationStatus name as the model's; 11.x's transient {@code failing} is FAILED. */
  static MigrationStatus status(String qapi) {
    switch (qapi) {
      case "failing":
        return MigrationStatus.FAILED;
      case "pre-switchover", "wait-unplug", "colo":
        return MigrationStatus.ACTIVE;
      case "", "dead":
        return MigrationStatus.NONE;
      default:
        for (MigrationStatus s : MigrationStatus.values()) {
          if (s.qapiName().equals(qapi)) {
            return s;
          }
        }
        throw new IllegalArgumentException("unknown QEMU migration status '" + qapi + "'");
    }
  }

  private static boolean settled(JsonNode o, List<JsonNode> events, double fault, double until,
      long giveUpMs, boolean dropsPackets) {
    if (fault < 0) {
      return false; // the fault never struck: the lab failed
    }
    if (dropsPackets && until - fault < giveUpMs) {
      return false;
    }
    double lastChange = Double.NEGATIVE_INFINITY;
    for (JsonNode e : events) {
      if (List.of("MIGRATION", "STOP", "RESUME").contains(e.path("event").asText())) {
        lastChange = Math.max(lastChange, e.path("t_ms").asDouble());
      }
    }
    for (JsonNode p : o.path("polled")) { // a failed poll is no change (exits count below)
      if (!p.path("status").asText().equals("dead")) {
        lastChange = Math.max(lastChange, p.path("t_ms").asDouble());
      }
    }
    for (String side : List.of("src", "dst")) {
      lastChange = Math.max(lastChange, o.path(side).path("exited_at_ms").asDouble(-1));
    }
    return until - lastChange >= QUIET_MS;
  }

  /** Milliseconds from the fault to the first migration status change of either side, or -1. */
  static long detection(JsonNode o, List<JsonNode> events, double fault) {
    if (fault < 0) {
      return -1;
    }
    double first = Double.POSITIVE_INFINITY;
    for (JsonNode e : events) {
      double t = e.path("t_ms").asDouble();
      if (e.path("event").asText().equals("MIGRATION") && t >= fault) {
        first = Math.min(first, t);
      }
    }
    if (first == Double.POSITIVE_INFINITY) { // no event: the polls (20 ms apart) say it
      String[] seen = {null, null};
      for (JsonNode p : o.path("polled")) {
        int i = p.path("side").asText().equals("src") ? 0 : 1;
        String s = p.path("status").asText();
        double t = p.path("t_ms").asDouble();
        if (t >= fault && seen[i] != null && !seen[i].equals(s) && !s.equals("dead")
            && !reported(events, p.path("side").asText(), s, t)) {
          first = Math.min(first, t);
        }
        seen[i] = s;
      }
    }
    first = Math.min(first, survivorExit(o, fault));
    return first == Double.POSITIVE_INFINITY ? -1 : Math.round(first - fault);
  }

  /**
   * When the QEMU the fault did not kill exited after the fault (it noticed, and its failed
   * event may have been lost with its QMP connection: 10.0's destination exited 14 ms after the
   * source's kill with no MIGRATION event), or infinity.
   */
  private static double survivorExit(JsonNode o, double fault) {
    String action = o.path("fault_action").asText("");
    double first = Double.POSITIVE_INFINITY;
    for (String side : List.of("src", "dst")) {
      double exited = o.path(side).path("exited_at_ms").asDouble(-1);
      if (exited >= fault && !action.contains("kill -9 " + side)) {
        first = Math.min(first, exited);
      }
    }
    return first;
  }

  /**
   * Whether a MIGRATION event already reported this side's status by time t: the polls are 20
   * ms apart, so the first poll after a fault can show a change that happened before it (7.2
   * and 10.0's destination completed 18-20 ms before a fault struck at SHUT, polled at +2..+6).
   */
  private static boolean reported(List<JsonNode> events, String side, String status, double t) {
    for (JsonNode e : events) {
      if (e.path("side").asText().equals(side) && e.path("event").asText().equals("MIGRATION")
          && e.path("data").path("status").asText().equals(status)
          && e.path("t_ms").asDouble() <= t) {
        return true;
      }
    }
    return false;
  }

  /** "src:stop@-57 src:postcopy-device@-57 src:failed@+44 dst:exit@+3", relative to the fault. */
  static String timeline(JsonNode o, List<JsonNode> events, double fault) {
    List<String> parts = new ArrayList<>();
    for (JsonNode e : events) {
      String name = e.path("event").asText();
      if (!List.of("MIGRATION", "STOP", "RESUME").contains(name)) {
        continue;
      }
      String what = name.equals("MIGRATION") ? e.path("data").path("status").asText()
          : name.toLowerCase(Locale.ROOT);
      parts.add(e.path("side").asText() + ":" + what + rel(e, fault));
    }
    for (String side : List.of("src", "dst")) {
      double x = o.path(side).path("exited_at_ms").asDouble(-1);
      if (x >= 0) {
        parts.add(side + ":exit" + at(fault < 0 ? Double.NaN : x - fault));
      }
    }
    return String.join(" ", parts);
  }

  private static String rel(JsonNode e, double fault) {
    if (e.has("t_ms") && fault >= 0) {
      return at(e.path("t_ms").asDouble() - fault);
    }
    JsonNode r = e.path("rel_ms");
    return r.isNumber() ? at(r.asDouble()) : "";
  }

  private static String at(double ms) {
    if (Double.isNaN(ms)) {
      return "";
    }
    long v = Math.round(ms);
    return "@" + (v >= 0 ? "+" : "") + v;
  }

  private static long nanos(double ms) {
    return Math.round(ms * 1_000_000.0);
  }
}
