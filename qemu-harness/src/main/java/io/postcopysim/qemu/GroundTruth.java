package io.postcopysim.qemu;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.DestAutostart;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpParams;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.FailurePoint;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Outcome;
import io.postcopysim.faults.Study;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the experiments against real QEMU (each version in its own root, each experiment in its
 * own network namespace) and the matching model cases, and writes {@code agreement.csv} and,
 * per experiment, {@code VERSION/EXPERIMENT/observation.json} with what QEMU did.
 */
public final class GroundTruth {
  /** Horizon of the model cases: past every settle time, far short of TCP's default give-up. */
  static final long MODEL_HORIZON = Time.seconds(60);
  static final long SETTLE_MILLIS = 3000;
  /** An experiment's JVM is killed after this (each experiment is bounded to about 40 s). */
  static final long EXPERIMENT_TIMEOUT_MILLIS = 75_000;
  static final String HEADER = "experiment,qemu_version,fault,qemu_outcome,model_outcome,"
      + "qemu_statuses,model_statuses,qemu_detection_ms,model_detection_ms,agree";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One row of agreement.csv, with what each side said. */
  public record Row(String experiment, String version, String fault, Outcome qemu,
      Outcome model, String qemuSays, String modelSays, String modelCase, String qemuStatuses,
      String modelStatuses, String qemuDetection, String modelDetection, boolean baseline) {
    public boolean agree() {
      return qemu == model;
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

  /** QEMU 7.2 only, as in the first round. */
  public static List<Row> run(Path out, Set<String> only, PrintWriter log) throws Exception {
    return run(out, List.of(QemuVersion.of("7.2")), only, log);
  }

  /** Runs the experiments (all when {@code only} is empty) and writes DIR/agreement.csv. */
  public static List<Row> run(Path out, List<QemuVersion> versions, Set<String> only,
      PrintWriter log) throws Exception {
    Files.createDirectories(out);
    Path ram = out.resolve("guest-ram.bin");
    if (!Files.exists(ram)) {
      byte[] bytes = new byte[64 << 20];
      new java.util.Random(42).nextBytes(bytes); // fixed content: pages are not zero pages
      Files.write(ram, bytes);
    }
    List<Row> rows = new ArrayList<>();
    for (QemuVersion v : versions) {
      if (!v.installed()) {
        throw new IllegalStateException("QEMU " + v.version() + " is not installed: "
            + v.installCommand());
      }
      v.mountSystemDirs();
      String ramInside = "/var/tmp/pcsim-guest-ram.bin";
      Path ramOnHost = v.onHost(ramInside);
      if (!Files.exists(ramOnHost) || Files.size(ramOnHost) != Files.size(ram)) {
        Files.createDirectories(ramOnHost.getParent());
        Files.copy(ram, ramOnHost, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      for (Experiment e : Experiments.forVersion(v)) {
        if (!only.isEmpty() && !only.contains(e.name())) {
          continue;
        }
        log.printf("%-5s %-36s ", v.version(), e.name());
        log.flush();
        Path dir = Files.createDirectories(out.resolve(v.version()).resolve(e.name()));
        JsonNode facts = runIsolated(v, e, dir, ramInside);
        Observation o = observation(facts.path("observation"));
        ModelSide m = model(e, v);
        Row row = new Row(e.name(), v.version(), e.fault(), o.outcome(), m.outcome(),
            o.describe(), m.says(), m.caseId(), statuses(facts), m.statuses(),
            detection(facts), m.detection(), e.baseline());
        rows.add(row);
        log.printf("qemu %-18s model %-18s %s%s%n", row.qemu(), row.model(),
            row.agree() ? "agree" : "DISAGREE",
            facts.has("error") ? " (lab: " + facts.path("error").asText() + ")" : "");
        log.flush();
      }
    }
    writeCsv(out.resolve("agreement.csv"), rows);
    return rows;
  }

  /**
   * Runs one experiment in a fresh JVM in a new network namespace ({@code unshare -n}), so
   * its loopback, iptables rules and tcp_retries2 are its own; reads its observation.json.
   */
  static JsonNode runIsolated(QemuVersion v, Experiment e, Path dir, String ramInside)
      throws IOException, InterruptedException {
    Files.deleteIfExists(dir.resolve("observation.json"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of("unshare", "-n", "--", java, "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        LabWorker.class.getName(), v.version(), e.name(), dir.toAbsolutePath().toString(),
        ramInside);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("worker.log").toFile()).start();
    if (!p.waitFor(EXPERIMENT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    Path obs = dir.resolve("observation.json");
    if (!Files.exists(obs)) {
      throw new IllegalStateException(v.version() + " " + e.name() + ": no observation ("
          + "exit " + (p.isAlive() ? "timeout" : p.exitValue()) + "); see "
          + dir.resolve("worker.log"));
    }
    return JSON.readTree(obs.toFile());
  }

  static Observation observation(JsonNode o) {
    return new Observation(o.path("source_alive").asBoolean(), o.path("source_status").asText(),
        o.path("source_run_state").asText(), o.path("destination_alive").asBoolean(),
        o.path("destination_status").asText(), o.path("destination_run_state").asText(),
        o.path("destination_ever_ran").asBoolean());
  }

  /** QEMU's MIGRATION/STOP/RESUME events and exits relative to the fault: "src:stop@+0 ...". */
  static String statuses(JsonNode facts) {
    List<String> parts = new ArrayList<>();
    for (JsonNode e : facts.path("events")) {
      String name = e.path("event").asText();
      if (!List.of("MIGRATION", "STOP", "RESUME").contains(name)) {
        continue;
      }
      String what = name.equals("MIGRATION") ? e.path("data").path("status").asText()
          : name.toLowerCase(Locale.ROOT);
      parts.add(e.path("side").asText() + ":" + what + rel(e.path("rel_ms")));
    }
    for (String side : List.of("src", "dst")) {
      JsonNode x = facts.path(side).path("exited_rel_ms");
      if (!x.isMissingNode()) {
        parts.add(side + ":exit" + rel(x));
      }
    }
    return String.join(" ", parts);
  }

  private static String rel(JsonNode ms) {
    if (ms.isNull() || ms.isMissingNode()) {
      return "";
    }
    long v = Math.round(ms.asDouble());
    return "@" + (v >= 0 ? "+" : "") + v;
  }

  static String detection(JsonNode facts) {
    JsonNode d = facts.path("detection_ms");
    return "src=" + ms(d.path("src")) + " dst=" + ms(d.path("dst"));
  }

  private static String ms(JsonNode n) {
    return n.isNull() || n.isMissingNode() ? "-" : Long.toString(Math.round(n.asDouble()));
  }

  record ModelSide(Outcome outcome, String says, String caseId, String statuses,
      String detection) {}

  /** TCP's give-up on loopback for a tcp_retries2 (RTO from 200 ms, doubling, 120 s cap). */
  static long giveUpNanos(int retries2) {
    long total = 0;
    for (int i = 0; i <= retries2; i++) {
      total += Math.min(Time.millis(200) << Math.min(i, 20), Time.seconds(120));
    }
    return total;
  }

  /**
   * The model's case for an experiment: QEMU's setup (no disk: no locking; recovery only where
   * the lab heals and recovers; TCP's give-up from the namespace's tcp_retries2).
   */
  static ModelSide model(Experiment e, QemuVersion v) {
    String variant = e.variantFor(v);
    MigrationParams p = MigrationParams.defaults().toBuilder().diskLocking(false)
        .recoveryEnabled(e.healMillis() >= 0)
        .returnPath(e.setup().returnPath() || e.setup().postcopy())
        .destAutostart(e.setup().destinationAutostart() ? DestAutostart.EARLY_CONT
            : DestAutostart.OFF).build();
    TcpParams tcp = TcpParams.defaults().withRetransmitGiveUp(giveUpNanos(e.setup()
        .tcpRetries2()));
    Study study = new Study(42, MODEL_HORIZON, p, tcp,
        List.of(Variants.byName(variant).orElseThrow()), List.of(e.kind()), Set.of(), 1,
        e.healMillis() >= 0 ? Time.millis(e.healMillis()) : Time.NEVER);
    GoldenRun golden = GoldenRun.of(study, study.variants().get(0));
    long point = point(golden, e);
    CaseId id = CaseId.single(variant, e.kind(), point);
    CaseRunner.Run run = new CaseRunner(study).run(id, golden, TraceMode.HASH_ONLY);
    Migration m = run.migration();
    String says = "src " + (m.alive(HostId.SOURCE) ? m.status(HostId.SOURCE).qapiName() + "/"
        + (m.record().running(HostId.SOURCE) ? "running" : "stopped") : "dead") + ", dst "
        + (m.alive(HostId.DESTINATION) ? m.status(HostId.DESTINATION).qapiName() + "/"
        + (m.record().running(HostId.DESTINATION) ? "running" : "stopped") : "dead")
        + (m.record().everRan(HostId.DESTINATION) ? " (dst ran)" : "");
    long faultAt = golden.points().stream().filter(x -> x.index() == point).findFirst()
        .orElseThrow().time();
    List<String> st = new ArrayList<>();
    for (var c : m.record().statuses()) {
      if (c.time() >= faultAt) {
        st.add((c.host() == HostId.SOURCE ? "src:" : "dst:") + c.status().qapiName() + "@+"
            + Math.round(Time.toMillis(c.time() - faultAt)));
      }
    }
    String det = "src=" + detected(m, HostId.SOURCE, faultAt) + " dst="
        + detected(m, HostId.DESTINATION, faultAt);
    return new ModelSide(run.result().outcome(), says, id.toString(), String.join(" ", st),
        det);
  }

  private static String detected(Migration m, HostId h, long faultAt) {
    long t = m.record().detectedAt(h);
    return t == Time.NEVER ? "-" : Long.toString(Math.round(Time.toMillis(t - faultAt)));
  }

  static long point(GoldenRun golden, Experiment e) {
    long from = 0;
    if (e.after() != null) {
      from = golden.points().stream().filter(x -> x.label().equals(e.after())).findFirst()
          .orElseThrow().index();
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
          quote(r.qemuDetection()), quote(r.modelDetection()), r.agree() ? "yes" : "no"))
          .append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, b.toString());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "'") + '"';
  }

  /** The agreement table as text. */
  public static String table(List<Row> rows) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%-5s %-36s %-19s %-19s %-5s %s%n", "qemu", "experiment", "qemu", "model", "agree",
        "what each says"));
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT,
          "%-5s %-36s %-19s %-19s %-5s qemu: %s | model: %s (%s)%n", r.version(),
          r.experiment(), r.qemu(), r.model(), r.agree() ? "yes" : "NO", r.qemuSays(),
          r.modelSays(), r.modelCase()));
    }
    long agree = rows.stream().filter(Row::agree).count();
    b.append(agree).append(" of ").append(rows.size()).append(" experiments agree\n");
    return b.toString();
  }
}
