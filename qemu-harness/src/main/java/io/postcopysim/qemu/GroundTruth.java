package io.postcopysim.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.MigrationRecord;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.net.HostId;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.FailurePoint;
import io.postcopysim.faults.Fault;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Oracle;
import io.postcopysim.faults.Outcome;
import io.postcopysim.faults.Study;
import io.postcopysim.scenarios.ScenarioLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the experiments against real QEMU (each version in its own root, each experiment in its
 * own network namespace) and the matching model cases, and writes {@code agreement.csv} and,
 * per experiment, {@code VERSION/EXPERIMENT/observation.json} (what QEMU did) and
 * {@code scenario.yaml} (the setup, which the model loads and runs). One oracle judges both:
 * QEMU's observation becomes {@link io.postcopysim.faults.Facts} ({@link QemuFacts}) and
 * {@link Oracle#classify} gives its outcome, exactly as for the model's run.
 */
public final class GroundTruth {
  /** Horizon of the model cases: past every settle time, far short of TCP's default give-up. */
  static final long MODEL_HORIZON = Time.seconds(60);
  static final long SETTLE_MILLIS = 3000;
  /** An experiment's JVM is killed after this (each experiment is bounded to about 40 s). */
  static final long EXPERIMENT_TIMEOUT_MILLIS = 75_000;
  /** Detection times agree within max(200 ms, 20 %), or this where TCP's give-up detects. */
  static final long GIVE_UP_TOLERANCE_MS = 1500;
  static final String HEADER = "experiment,qemu_version,fault,qemu_outcome,model_outcome,"
      + "qemu_statuses,model_statuses,qemu_detection_ms,model_detection_ms,agree";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** yes: outcome, final statuses and run states, detection all agree; known: see {@link Known}. */
  public enum Agree { YES, NO, KNOWN }

  /**
   * One row of agreement.csv. Statuses are "src S/R, dst S/R" (final status and run state) and
   * then the status timeline relative to the fault; detection in ms, -1 for none.
   */
  public record Row(String experiment, String version, String fault, Outcome qemu,
      Outcome model, String qemuFinal, String modelFinal, String qemuTimeline,
      String modelTimeline, long qemuDetection, long modelDetection, long toleranceMs,
      String modelCase, Agree agree, String mismatch, String labError, String known) {
    public boolean agrees() {
      return agree == Agree.YES;
    }

    /** The same row, its every mismatch explained by the named known differences. */
    Row known(String differences) {
      return new Row(experiment, version, fault, qemu, model, qemuFinal, modelFinal,
          qemuTimeline, modelTimeline, qemuDetection, modelDetection, toleranceMs, modelCase,
          Agree.KNOWN, mismatch, labError, differences);
    }

    String qemuStatuses() {
      return qemuFinal + "; " + qemuTimeline;
    }

    String modelStatuses() {
      return modelFinal + "; " + modelTimeline;
    }
  }

  private GroundTruth() {}

  /** Whether QEMU 7.2 (the host's) can be started here. */
  public static boolean qemuInstalled() {
    return QemuVersion.of("7.2").installed();
  }

  public static List<String> experimentNames() {
    return Experiments.names();
  }

  /** Runs the experiments (all when {@code only} is empty) and writes DIR/agreement.csv. */
  public static List<Row> run(Path out, List<QemuVersion> versions, Set<String> only,
      PrintWriter log) throws Exception {
    Files.createDirectories(out);
    Path ram = image(out.resolve("guest-ram.bin"), Lab.IMAGE_BYTES);
    Path small = image(out.resolve("guest-ram-small.bin"), Lab.SMALL_IMAGE_BYTES);
    Path disk = image(out.resolve("disk.raw"), Lab.DISK_BYTES);
    List<Row> rows = new ArrayList<>();
    for (QemuVersion v : versions) {
      if (!v.installed()) {
        throw new IllegalStateException("QEMU " + v.version() + " is not installed: "
            + v.installCommand());
      }
      v.mountSystemDirs();
      String ramInside = "/var/tmp/pcsim-guest-ram.bin";
      copyInto(v, ram, ramInside);
      copyInto(v, small, ramInside.replace(".bin", "-small.bin"));
      copyInto(v, disk, Lab.DISK_INSIDE);
      long device = -1;
      for (Experiment e : Experiments.forVersion(v)) {
        if (!only.isEmpty() && !only.contains(e.name())) {
          continue;
        }
        if (device < 0) {
          device = DeviceState.measure(v, out.resolve(v.version()), ramInside, log);
        }
        log.printf("%-5s %-36s ", v.version(), e.name());
        log.flush();
        Path dir = Files.createDirectories(out.resolve(v.version()).resolve(e.name()));
        Path scenario = dir.resolve("scenario.yaml");
        Files.writeString(scenario, ScenarioFile.text(e, v, device));
        JsonNode obs = runIsolated(v, e, dir, ramInside);
        if (!obs.has("fault_at_ms") || obs.path("fault_at_ms").asLong() < 0) {
          // The lab failed before the fault (setup, QMP, timing): once more, never on a
          // disagreement.
          log.printf("(lab failed before the fault: %s; once more) ", obs.path("error")
              .asText("?"));
          obs = runIsolated(v, e, dir, ramInside);
        }
        SocketLog measured = measured(e, obs, dir);
        if (measured != null) { // the scenario the run had: its own window and rate
          Files.writeString(scenario, ScenarioFile.text(e, v, device, measured));
        }
        Row row = compare(e, v, obs, model(e, scenario, sourceStatusAtFault(obs), destinationRanFor(obs)));
        rows.add(row);
        log.printf("qemu %-18s model %-18s %s%s%n", row.qemu(), row.model(),
            row.agree().name().toLowerCase(Locale.ROOT) + (row.mismatch().isEmpty() ? ""
                : " (" + row.mismatch() + ")"),
            row.labError().isEmpty() ? "" : " (lab: " + row.labError() + ")");
        log.flush();
        writeCsv(out.resolve("agreement.csv"), rows);
      }
    }
    writeCsv(out.resolve("agreement.csv"), rows);
    Files.writeString(out.resolve("agreement.md"), markdown(rows));
    return rows;
  }

  /** The QEMU version a case is to run on is not installed here. */
  public static final class NotInstalled extends Exception {
    NotInstalled(String why) {
      super(why);
    }
  }

  /** A model case the lab cannot strike on real QEMU, and why. */
  public static final class Unplaceable extends Exception {
    Unplaceable(String why) {
      super(why);
    }
  }

  /**
   * A model case struck on real QEMU: the case's outcome on its own scenario, what the lab did,
   * and the row (QEMU against the model on the lab's setup).
   */
  public record CaseRun(Outcome onScenario, String how, Row row) {
    /** One line for the console. */
    public String summary() {
      return row.modelCase().isEmpty() ? how : String.format(Locale.ROOT,
          "%s: %s on its scenario; on QEMU %s the lab %s: QEMU %s, the model on the lab's"
              + " setup %s (%s)", row.experiment(), onScenario, row.version(), how, row.qemu(),
          row.model(), row.agree().name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Strikes a model case's fault at its protocol step on real QEMU ({@link
   * Experiments#forCase}), the model judged on the scenario the lab writes (the lab's guest,
   * the case's design, return path and autostart), as for every experiment; DIR/VERSION/case-ID
   * holds its observation and scenario, DIR/agreement.csv its row.
   */
  public static CaseRun runCase(Path out, QemuVersion v, String caseId, Path scenario,
      PrintWriter log) throws Exception {
    io.postcopysim.faults.CaseId id = io.postcopysim.faults.CaseId.parse(caseId);
    Study study = ScenarioLoader.load(scenario).study();
    Experiments.Placement p = Experiments.forCase(v, id, study);
    if (p instanceof Experiments.NotPlaced n) {
      throw new Unplaceable(n.why());
    }
    Experiments.Placed placed = (Experiments.Placed) p;
    Experiment e = placed.experiment();
    if (!v.installed()) {
      throw new NotInstalled("QEMU " + v.version() + " is not installed; install it with: "
          + v.installCommand());
    }
    Files.createDirectories(out);
    v.mountSystemDirs();
    String ramInside = "/var/tmp/pcsim-guest-ram.bin";
    copyInto(v, image(out.resolve("guest-ram.bin"), Lab.IMAGE_BYTES), ramInside);
    long device = DeviceState.measure(v, out.resolve(v.version()), ramInside, log);
    Path dir = Files.createDirectories(out.resolve(v.version()).resolve(e.name()));
    Path labScenario = dir.resolve("scenario.yaml");
    Files.writeString(labScenario, ScenarioFile.text(e, v, device));
    log.printf("%-5s %s: %s%n", v.version(), id, placed.how());
    log.flush();
    JsonNode obs = runIsolated(v, e, dir, ramInside, id.toString(),
        scenario.toAbsolutePath().toString());
    Row row = compare(e, v, obs, model(e, labScenario, sourceStatusAtFault(obs), destinationRanFor(obs)));
    writeCsv(out.resolve("agreement.csv"), List.of(row));
    Files.writeString(out.resolve("agreement.md"), markdown(List.of(row)));
    Variant variant = study.variants().stream().filter(x -> x.name().equals(id.variant()))
        .findFirst().orElseThrow();
    Outcome own = new CaseRunner(study).run(id, GoldenRun.of(study, variant),
        TraceMode.HASH_ONLY).result().outcome();
    return new CaseRun(own, placed.how(), row);
  }

  /**
   * Judges the model anew against the QEMU observations an earlier run stored in {@code out}
   * (each experiment's observation.json and its version's measured device state): a model
   * change is checked against real QEMU in seconds, without running QEMU. Each experiment's
   * scenario.yaml is written again, so it says what today's model runs.
   */
  public static List<Row> rejudge(Path out, List<QemuVersion> versions, Set<String> only,
      PrintWriter log) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (QemuVersion v : versions) {
      Path vdir = out.resolve(v.version());
      Path cached = vdir.resolve("device-state.txt");
      long device = Files.exists(cached) ? Long.parseLong(Files.readString(cached).strip()) : -1;
      for (Experiment e : Experiments.forVersion(v)) {
        Path dir = vdir.resolve(e.name());
        Path obs = dir.resolve("observation.json");
        if (!only.isEmpty() && !only.contains(e.name()) || !Files.exists(obs)) {
          continue;
        }
        Path scenario = dir.resolve("scenario.yaml");
        Files.writeString(scenario, ScenarioFile.text(e, v, device));
        JsonNode o = JSON.readTree(obs.toFile());
        Files.writeString(scenario, ScenarioFile.text(e, v, device, measured(e, o, dir)));
        Experiment ran = Experiments.asRecorded(e, o.path("proxy").asBoolean(e.setup().proxy()));
        Row row = compare(ran, v, o, model(ran, scenario, sourceStatusAtFault(o),
            destinationRanFor(o)));
        rows.add(row);
        log.printf("%-5s %-36s qemu %-18s model %-18s %s%n", v.version(), e.name(), row.qemu(),
            row.model(), row.agree().name().toLowerCase(Locale.ROOT)
                + (row.mismatch().isEmpty() ? "" : " (" + row.mismatch() + ")"));
      }
    }
    if (rows.isEmpty()) {
      throw new IOException("no stored observation under " + out + " for " + versions);
    }
    writeCsv(out.resolve("agreement.csv"), rows);
    Files.writeString(out.resolve("agreement.md"), markdown(rows));
    return rows;
  }

  private static Path image(Path file, int bytes) throws IOException {
    if (!Files.exists(file) || Files.size(file) != bytes) {
      byte[] b = new byte[bytes];
      new java.util.Random(42).nextBytes(b); // fixed content: pages are not zero pages
      Files.write(file, b);
    }
    return file;
  }

  private static void copyInto(QemuVersion v, Path file, String inside) throws IOException {
    Path onHost = v.onHost(inside);
    if (!Files.exists(onHost) || Files.size(onHost) != Files.size(file)) {
      Files.createDirectories(onHost.getParent());
      Files.copy(file, onHost, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Runs one experiment in a fresh JVM in a new network namespace ({@code unshare -n}), so
   * its loopback, iptables rules and tcp_retries2 are its own; reads its observation.json.
   */
  static JsonNode runIsolated(QemuVersion v, Experiment e, Path dir, String ramInside,
      String... caseArgs) throws IOException, InterruptedException {
    Files.deleteIfExists(dir.resolve("observation.json"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("unshare", "-n", "--", java, "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        LabWorker.class.getName(), v.version(), e.name(), dir.toAbsolutePath().toString(),
        ramInside));
    cmd.addAll(List.of(caseArgs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("worker.log").toFile()).start();
    if (!p.waitFor(EXPERIMENT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    Path obs = dir.resolve("observation.json");
    if (!Files.exists(obs)) {
      return JSON.createObjectNode().put("fault_at_ms", -1).put("error", "no observation (exit "
          + (p.isAlive() ? "timeout" : p.exitValue()) + "); see " + dir.resolve("worker.log"));
    }
    return JSON.readTree(obs.toFile());
  }

  /** Faults that drop packets: only TCP's give-up (or a heal) ends what they start. */
  static boolean dropsPackets(FaultKind k) {
    return k == FaultKind.PARTITION || k == FaultKind.PARTITION_TO_DEST
        || k == FaultKind.PARTITION_TO_SOURCE || k == FaultKind.DEST_HOST_CRASH;
  }

  /**
   * Whether bytes the source wrote still reach the destination after the fault: not across a
   * cut toward it, a reset connection or a dead host (a partition that heals is recovered by
   * postcopy recovery, which resends what is missing).
   */
  static boolean leavesWayToDestination(FaultKind k) {
    return !(k == FaultKind.PARTITION || k == FaultKind.PARTITION_TO_DEST
        || k == FaultKind.CONNECTION_RESET || k == FaultKind.DEST_HOST_CRASH
        || k == FaultKind.SOURCE_HOST_CRASH);
  }

  /** QEMU's side judged by the oracle, set against the model's. */
  static Row compare(Experiment e, QemuVersion v, JsonNode obs, ModelSide m) {
    long giveUpMs = giveUpNanos(e.setup().tcpRetries2()) / Time.MILLISECOND;
    boolean labFailed = !obs.has("observed_until_ms") || obs.path("fault_at_ms").asLong() < 0;
    String labError = obs.path("error").asText("");
    Outcome qemu;
    String qemuFinal;
    String timeline;
    long detection;
    if (labFailed) {
      qemu = Outcome.UNSETTLED;
      qemuFinal = "lab failed";
      timeline = "";
      detection = -1;
    } else {
      QemuFacts.Seen seen = QemuFacts.of(obs, giveUpMs, dropsPackets(e.kind()),
          leavesWayToDestination(e.kind()));
      qemu = Oracle.classify(seen.facts());
      qemuFinal = seen.finals();
      timeline = seen.timeline();
      detection = seen.detectionMs();
    }
    boolean byGiveUp = dropsPackets(e.kind()) && m.detectionMs() >= giveUpMs
        - GIVE_UP_TOLERANCE_MS;
    long tolerance = byGiveUp ? GIVE_UP_TOLERANCE_MS
        : Math.max(200, Math.round(0.2 * Math.max(0, m.detectionMs())));
    List<String> why = new ArrayList<>();
    if (labFailed) {
      why.add("lab failed");
    }
    if (qemu != m.outcome()) {
      why.add("outcome");
    }
    String[] q = qemuFinal.split(", ");
    String[] mo = m.finals().split(", ");
    if (q.length == 2 && !q[0].equals(mo[0])) {
      why.add("source " + q[0].substring(4) + " vs " + mo[0].substring(4));
    }
    if (q.length == 2 && !q[1].equals(mo[1])) {
      why.add("destination " + q[1].substring(4) + " vs " + mo[1].substring(4));
    }
    if ((detection < 0) != (m.detectionMs() < 0)
        || detection >= 0 && Math.abs(detection - m.detectionMs()) > tolerance) {
      why.add("detection " + detection + " vs " + m.detectionMs() + " ms (±" + tolerance + ")");
    }
    Row row = new Row(e.name(), v.version(), e.fault(), qemu, m.outcome(), qemuFinal,
        m.finals(), timeline, m.timeline(), detection, m.detectionMs(), tolerance, m.caseId(),
        why.isEmpty() ? Agree.YES : Agree.NO, String.join("; ", why), labError, "");
    if (why.isEmpty()) {
      return row;
    }
    return Known.explain(v, e, row, why,
        obs.path("proxy").asBoolean(e.setup().proxy())).map(ds -> row.known(
        String.join(",", ds.stream().map(Known.Difference::name).toList()))).orElse(row);
  }

  /** The model's case: outcome, "src S/R, dst S/R", timeline from the fault, detection (ms). */
  record ModelSide(Outcome outcome, String finals, String caseId, String timeline,
      long detectionMs) {}

  /** TCP's give-up on loopback for a tcp_retries2 (RTO from 200 ms, doubling, 120 s cap). */
  static long giveUpNanos(int retries2) {
    long total = 0;
    for (int i = 0; i <= retries2; i++) {
      total += Math.min(Time.millis(200) << Math.min(i, 20), Time.seconds(120));
    }
    return total;
  }

  /**
   * The model's case for an experiment, from the scenario file the experiment wrote (the same
   * setup: RAM, device state, caps, give-up, autostart, recovery, variant, fault kind), struck
   * before the experiment's protocol step.
   */
  static ModelSide model(Experiment e, Path scenario) {
    return model(e, scenario, null, -1);
  }

  /**
   * An uncapped experiment's window and rate as its run measured them (the observation's, or
   * else its {@code ss.log}'s), or null.
   */
  static SocketLog measured(Experiment e, JsonNode obs, Path dir) throws IOException {
    if (!e.setup().unlimited()) {
      return null;
    }
    if (obs.has("source_window_after_fault")) {
      return new SocketLog(obs.path("source_window_after_fault").asLong(),
          obs.path("source_rate_bps").asLong());
    }
    return SocketLog.read(dir.resolve("ss.log"), obs);
  }

  /**
   * How long the destination's guest had run when the real fault struck (from its RESUME
   * event), or -1 if it had not or the observation does not say.
   */
  static long destinationRanFor(JsonNode obs) {
    for (JsonNode ev : obs.path("events")) {
      double at = ev.path("rel_ms").asDouble();
      if (at <= 0 && "dst".equals(ev.path("side").asText())
          && "RESUME".equals(ev.path("event").asText())) {
        return Math.round(-at * Time.MILLISECOND);
      }
    }
    return -1;
  }

  /**
   * The source's migration status when the real fault struck (the last MIGRATION event of the
   * source before it), or null if the observation has none.
   */
  static MigrationStatus sourceStatusAtFault(JsonNode obs) {
    String last = null;
    for (JsonNode ev : obs.path("events")) {
      if (ev.path("rel_ms").asDouble() < 0 && "src".equals(ev.path("side").asText())
          && "MIGRATION".equals(ev.path("event").asText())) {
        last = ev.path("data").path("status").asText();
      }
    }
    if (last == null) {
      return null;
    }
    for (MigrationStatus s : MigrationStatus.values()) {
      if (s.qapiName().equals(last)) {
        return s;
      }
    }
    return null;
  }

  /**
   * The model's case for an experiment. {@code qemuPhase}: the source's status when the real
   * fault struck; the model's point is the experiment's step, moved on to where the model's
   * source has reached that status too when it is a postcopy one (10.2 commits up to MAX_WAIT
   * after the PONG of 0x42, so a step named by an event may land before or after the commit).
   */
  static ModelSide model(Experiment e, Path scenario, MigrationStatus qemuPhase,
      long destinationRanFor) {
    Study study = ScenarioLoader.load(scenario).study();
    Variant variant = study.variants().get(0);
    GoldenRun golden = GoldenRun.of(study, variant);
    long point = atPhase(golden, point(golden, e), qemuPhase);
    if (e.step().equals(Experiments.RUNNING) && destinationRanFor >= 0
        && golden.destinationStartedAt() != Time.NEVER) {
      // The lab strikes a poll or two after the destination's RESUME (a packet drop waits
      // Experiments.ACKS_SETTLED_MILLIS more): the model strikes as long after its destination
      // starts the guest (inside the quiet gap, with gap points).
      Fault at = pointAt(golden, e.kind(), golden.destinationStartedAt() + destinationRanFor);
      if (atPhase(golden, at.point(), qemuPhase) == at.point()) {
        return model(e, study, golden, CaseId.single(variant.name(), e.kind(), at.point(),
            at.gap()));
      }
    }
    // A message the proxy held: the middlebox takes it as it arrives (the destination's TCP
    // sees it acknowledged), and the fault strikes right after, as the proxy's action does.
    // A killed process leaves what is on the wire alone, so the kill strikes before the same
    // arrival (after a held PONG of 0x42 nothing else may happen); a cut would drop the message
    // the proxy already holds, so it strikes at the next event.
    boolean kill = e.kind() == FaultKind.DEST_CRASH || e.kind() == FaultKind.SOURCE_CRASH;
    CaseId id = e.strike() instanceof Experiment.HoldsMessage
        ? CaseId.single(variant.name(), FaultKind.LOSE_MESSAGE_TO_SOURCE, point)
            .then(e.kind(), kill ? point : point + 1)
        : CaseId.single(variant.name(), e.kind(), point);
    return model(e, study, golden, id);
  }

  /**
   * The failure point at virtual time {@code t}: the gap point nearest to it inside the quiet
   * gap before the first event at or after {@code t} (gap points g apart), else that event.
   */
  static Fault pointAt(GoldenRun golden, FaultKind kind, long t) {
    for (FailurePoint x : golden.points()) {
      if (x.time() >= t) {
        long g = golden.gapNanos();
        int n = golden.gaps(x.index());
        int j = n == 0 ? 0 : (int) Math.max(1, Math.min(n,
            Math.round((double) (t - x.previousTime()) / g)));
        return new Fault(kind, x.index(), j);
      }
    }
    throw new IllegalStateException("nothing happens at or after " + Time.format(t));
  }

  private static ModelSide model(Experiment e, Study study, GoldenRun golden, CaseId id) {
    CaseRunner.Run run = new CaseRunner(study).run(id, golden, TraceMode.HASH_ONLY);
    Migration m = run.migration();
    MigrationRecord r = m.record();
    long faultAt = golden.point(id.first()).time();
    List<String> st = new ArrayList<>();
    long first = -1;
    for (var c : r.statuses()) {
      if (c.time() >= faultAt) {
        long ms = Math.round(Time.toMillis(c.time() - faultAt));
        first = first < 0 ? ms : first;
        st.add((c.host() == HostId.SOURCE ? "src:" : "dst:") + c.status().qapiName() + "@+"
            + ms);
      }
    }
    for (var x : r.runs()) {
      if (x.end() != Time.NEVER && x.end() >= faultAt) {
        st.add((x.host() == HostId.SOURCE ? "src" : "dst") + ":stop@+"
            + Math.round(Time.toMillis(x.end() - faultAt)));
      }
      if (x.start() >= faultAt) {
        st.add((x.host() == HostId.SOURCE ? "src" : "dst") + ":resume@+"
            + Math.round(Time.toMillis(x.start() - faultAt)));
      }
    }
    String finals = "src " + side(m, HostId.SOURCE) + ", dst " + side(m, HostId.DESTINATION);
    return new ModelSide(run.result().outcome(), finals, id.toString(), String.join(" ", st),
        first);
  }

  private static String side(Migration m, HostId h) {
    return m.alive(h) ? m.status(h).qapiName() + "/" + (m.record().running(h) ? "running"
        : "stopped") : "dead";
  }

  static long atPhase(GoldenRun golden, long point, MigrationStatus phase) {
    if (phase != MigrationStatus.POSTCOPY_ACTIVE) {
      return point;
    }
    for (FailurePoint x : golden.points()) {
      if (x.index() >= point && x.phase() == phase) {
        return x.index();
      }
    }
    return point;
  }

  static long point(GoldenRun golden, Experiment e) {
    if (e.step().equals(Experiments.SWITCHOVER)) {
      // Before the point at which the source is in postcopy: the one whose event switched.
      FailurePoint last = null;
      for (FailurePoint x : golden.points()) {
        if (x.phase() != MigrationStatus.ACTIVE) {
          if (last == null) {
            break;
          }
          return last.index();
        }
        last = x;
      }
      throw new IllegalStateException(e.name() + ": the failure-free " + golden + " run never"
          + " leaves precopy");
    }
    if (e.step().equals(Experiments.RUNNING)) {
      long pong = Experiments.packagePong(golden);
      if (pong < 0 || pong + 1 >= golden.points().size()) {
        throw new IllegalStateException(e.name() + ": no event after the package's PONG in the"
            + " failure-free " + golden + " run");
      }
      return pong + 1;
    }
    long from = 0;
    if (e.after() != null) {
      from = golden.points().stream().filter(x -> x.label().equals(e.after())).findFirst()
          .orElseThrow(() -> new IllegalStateException(e.name() + ": no " + e.after()
              + " in the failure-free " + golden + " run")).index();
    }
    int seen = 0;
    for (FailurePoint x : golden.points()) {
      if (x.index() > from && x.label().equals(e.step()) && ++seen == e.occurrence()) {
        return x.index();
      }
    }
    throw new IllegalStateException(e.name() + ": no occurrence " + e.occurrence() + " of "
        + e.step() + " in the failure-free " + golden + " run");
  }

  static void writeCsv(Path file, List<Row> rows) throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (Row r : rows) {
      b.append(String.join(",", r.experiment(), r.version(), quote(r.fault()),
          r.qemu().name(), r.model().name(), quote(r.qemuStatuses()), quote(r.modelStatuses()),
          Long.toString(r.qemuDetection()), Long.toString(r.modelDetection()),
          r.agree().name().toLowerCase(Locale.ROOT))).append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, b.toString());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "'") + '"';
  }

  /**
   * QEMU's outcome per experiment and version as a Markdown table (the README's): where the
   * model's outcome differs it follows, and a row that is not "yes" says which known
   * differences explain it, or what differs.
   */
  public static String markdown(List<Row> rows) {
    List<String> versions = List.of("7.2", "10.0", "11.1");
    Map<String, Map<String, Row>> byExperiment = new java.util.LinkedHashMap<>();
    for (Row r : rows) {
      byExperiment.computeIfAbsent(r.experiment(), k -> new java.util.TreeMap<>())
          .put(r.version(), r);
    }
    StringBuilder b = new StringBuilder("| experiment | 7.2 | 10.0 | 11.1 |\n"
        + "| --- | --- | --- | --- |\n");
    byExperiment.forEach((name, byVersion) -> {
      b.append("| ").append(name).append(" |");
      for (String v : versions) {
        Row r = byVersion.get(v);
        b.append(r == null ? "" : " " + cell(r)).append(" |");
      }
      b.append('\n');
    });
    return b.toString();
  }

  private static String cell(Row r) {
    String s = r.qemu().name() + (r.model() != r.qemu() ? " / model " + r.model().name() : "");
    return switch (r.agree()) {
      case YES -> s;
      case KNOWN -> s + " (known: " + r.known().replace(",", ", ") + ")";
      case NO -> s + " (differs: " + r.mismatch() + ")";
    };
  }

  /** The agreement table as text. */
  public static String table(List<Row> rows) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%-5s %-36s %-19s %-19s %-5s %s%n", "qemu", "experiment", "qemu", "model", "agree",
        "final states (qemu | model); detection ms qemu/model; what differs"));
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT,
          "%-5s %-36s %-19s %-19s %-5s %s | %s; %d/%d%s%n", r.version(), r.experiment(),
          r.qemu(), r.model(), r.agree().name().toLowerCase(Locale.ROOT), r.qemuFinal(),
          r.modelFinal(), r.qemuDetection(), r.modelDetection(),
          (r.mismatch().isEmpty() ? "" : "; " + r.mismatch()) + (r.agree() == Agree.KNOWN
              ? " [known " + r.known() + ": " + Known.reasons(r.known()) + "]" : "")));
    }
    Map<Agree, Long> n = new java.util.EnumMap<>(Agree.class);
    rows.forEach(r -> n.merge(r.agree(), 1L, Long::sum));
    b.append(n.getOrDefault(Agree.YES, 0L)).append(" of ").append(rows.size())
        .append(" experiments agree, ").append(n.getOrDefault(Agree.KNOWN, 0L))
        .append(" known disagreements, ").append(n.getOrDefault(Agree.NO, 0L))
        .append(" new disagreements\n");
    return b.toString();
  }
}
