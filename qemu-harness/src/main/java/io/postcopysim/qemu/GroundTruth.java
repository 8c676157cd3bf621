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

/**
 * Runs every experiment against real QEMU and the matching model case, and writes
 * {@code agreement.csv}: experiment, fault, QEMU's outcome, the model's, whether they agree.
 */
public final class GroundTruth {
  /** Horizon of the model cases: past every settle time, far short of TCP's give-up. */
  static final long MODEL_HORIZON = Time.seconds(60);
  static final long SETTLE_MILLIS = 3000;

  /** One row of agreement.csv, with what each side said. */
  public record Row(String experiment, String fault, Outcome qemu, Outcome model, String qemuSays,
      String modelSays, String modelCase) {
    public boolean agree() {
      return qemu == model;
    }
  }

  private GroundTruth() {}

  /** Whether QEMU can be started here. */
  public static boolean qemuInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, Qemu.BINARY))) {
        return true;
      }
    }
    return false;
  }

  public static List<String> experimentNames() {
    return Experiments.all().stream().map(Experiment::name).toList();
  }

  /** Runs the experiments (all when {@code only} is empty) and writes DIR/agreement.csv. */
  public static List<Row> run(Path out, Set<String> only, PrintWriter log) throws Exception {
    Files.createDirectories(out);
    Path ram = out.resolve("guest-ram.bin");
    if (!Files.exists(ram)) {
      byte[] bytes = new byte[64 << 20];
      new java.util.Random(42).nextBytes(bytes); // fixed content: pages are not zero pages
      Files.write(ram, bytes);
    }
    List<Row> rows = new ArrayList<>();
    for (Experiment e : Experiments.all()) {
      if (!only.isEmpty() && !only.contains(e.name())) {
        continue;
      }
      log.printf("%-34s ", e.name());
      log.flush();
      Path dir = Files.createDirectories(out.resolve(e.name()));
      Observation o;
      try (Lab lab = new Lab(dir, ram, e.setup())) {
        e.strike().run(lab);
        o = lab.observe(SETTLE_MILLIS);
      }
      ModelSide m = model(e);
      Row row = new Row(e.name(), e.fault(), o.outcome(), m.outcome(), o.describe(), m.says(),
          m.caseId());
      rows.add(row);
      log.printf("qemu %-18s model %-18s %s%n", row.qemu(), row.model(),
          row.agree() ? "agree" : "DISAGREE");
      log.flush();
    }
    writeCsv(out.resolve("agreement.csv"), rows);
    return rows;
  }

  record ModelSide(Outcome outcome, String says, String caseId) {}

  /** The model's case for an experiment: QEMU's setup (no disk: no locking; no recovery). */
  static ModelSide model(Experiment e) {
    MigrationParams p = MigrationParams.defaults().toBuilder().diskLocking(false)
        .recoveryEnabled(false).returnPath(e.setup().returnPath() || e.setup().postcopy())
        .destAutostart(e.setup().destinationAutostart() ? DestAutostart.EARLY_CONT
            : DestAutostart.OFF).build();
    Study study = new Study(42, MODEL_HORIZON, p, TcpParams.defaults(),
        List.of(Variants.byName(e.variant()).orElseThrow()), List.of(e.kind()), Set.of(), 1,
        Time.NEVER);
    GoldenRun golden = GoldenRun.of(study, study.variants().get(0));
    long point = point(golden, e);
    CaseId id = CaseId.single(e.variant(), e.kind(), point);
    CaseRunner.Run run = new CaseRunner(study).run(id, golden, TraceMode.HASH_ONLY);
    Migration m = run.migration();
    String says = "src " + (m.alive(HostId.SOURCE) ? m.status(HostId.SOURCE).qapiName() + "/"
        + (m.record().running(HostId.SOURCE) ? "running" : "stopped") : "dead") + ", dst "
        + (m.alive(HostId.DESTINATION) ? m.status(HostId.DESTINATION).qapiName() + "/"
        + (m.record().running(HostId.DESTINATION) ? "running" : "stopped") : "dead")
        + (m.record().everRan(HostId.DESTINATION) ? " (dst ran)" : "");
    return new ModelSide(run.result().outcome(), says, id.toString());
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
        + e.step() + " in the failure-free " + e.variant() + " run");
  }

  static void writeCsv(Path file, List<Row> rows) throws IOException {
    StringBuilder b = new StringBuilder("experiment,fault,qemu_outcome,model_outcome,agree\n");
    for (Row r : rows) {
      b.append(r.experiment()).append(',').append('"').append(r.fault().replace("\"", "'"))
          .append('"').append(',').append(r.qemu()).append(',').append(r.model()).append(',')
          .append(r.agree()).append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, b.toString());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The agreement table as text. */
  public static String table(List<Row> rows) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-30s %-19s %-19s %-5s %s%n",
        "experiment", "qemu", "model", "agree", "what each says"));
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT, "%-30s %-19s %-19s %-5s qemu: %s | model: %s (%s)%n",
          r.experiment(), r.qemu(), r.model(), r.agree() ? "yes" : "NO", r.qemuSays(),
          r.modelSays(), r.modelCase()));
    }
    long agree = rows.stream().filter(Row::agree).count();
    b.append(agree).append(" of ").append(rows.size()).append(" experiments agree\n");
    return b.toString();
  }
}
