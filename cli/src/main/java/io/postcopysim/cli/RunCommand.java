package io.postcopysim.cli;

import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Outcome;
import io.postcopysim.reports.HtmlReport;
import io.postcopysim.scenarios.BatchRunner;
import io.postcopysim.scenarios.FolderLock;
import io.postcopysim.scenarios.NoCases;
import io.postcopysim.scenarios.Results;
import io.postcopysim.scenarios.ResultsFiles;
import io.postcopysim.scenarios.RunPlan;
import io.postcopysim.scenarios.Scenario;
import io.postcopysim.scenarios.ScenarioException;
import io.postcopysim.scenarios.Shard;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pcsim run}: enumerate and run every case of one or more scenarios. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Enumerate and run all cases; write results.json, cases.csv"
    + " and report.html. With no file, the built-in default scenario.")
final class RunCommand implements Callable<Integer> {
  static final String CHECKPOINT = ".pcsim-checkpoint";
  /** Above this many rows, say how big the output will be before running. */
  static final long LARGE_ROWS = 1_000_000;
  /** cases.csv bytes per row, measured on the default scenario (6,145,574 B / 41,715 rows). */
  static final long CSV_BYTES_PER_ROW = 150;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "FILE.yaml|DIR|NAME",
      description = "Scenario files, directories of them, or built-in names (see list).")
  List<String> scenarios = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: out;"
      + " one subdirectory per scenario when several are given). Locked while in use.")
  String out = "out";

  @Option(names = "--threads", description = "Worker threads (default: the cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--shard", paramLabel = "I/N", description = "Run only part I of N.")
  String shard;

  @Option(names = "--variants", split = ",", description = "Only these variants.")
  List<String> variants;

  @Option(names = "--faults", split = ",", description = "Only these fault kinds.")
  List<String> faults;

  @Option(names = "--max-faults", description = "1 or 2 faults per case.")
  Integer maxFaults;

  @Option(names = "--naive", description = "Replay every case's failure-free prefix instead of"
      + " forking the run at each failure point (slower; the same results).")
  boolean naive;

  @Option(names = "--compress", description = "Write cases.csv.gz (gzip) instead of cases.csv;"
      + " merge and replay read either.")
  boolean compress;

  @Option(names = "--fail-on", split = ",", paramLabel = "OUTCOME",
      description = "Exit 1 if any case ends in one of these outcomes.")
  List<String> failOn;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Flags flags = new Flags(spec.commandLine());
    Path outDir = flags.outDir("--out", out);
    Shard sh = shard == null ? null : flags.shard(shard);
    if (threads < 1) {
      throw flags.error("--threads must be at least 1");
    }
    if (maxFaults != null && (maxFaults < 1 || maxFaults > 2)) {
      throw flags.error("--max-faults is 1 or 2");
    }
    List<String> vnames = variants == null ? null : flags.distinct("--variants", variants);
    List<FaultKind> ks = faults == null ? null : flags.distinct("--faults", faults).stream()
        .map(n -> flags.constant(FaultKind.class, n, "fault kind")).toList();
    Set<Outcome> failing = EnumSet.noneOf(Outcome.class);
    if (failOn != null) {
      for (String f : failOn) {
        failing.add(flags.constant(Outcome.class, f, "outcome"));
      }
    }
    List<ScenarioArgs.Named> named = ScenarioArgs.resolve(scenarios);
    ScenarioArgs.requireDistinctNames(named);
    boolean matched = false;
    try (FolderLock lock = FolderLock.acquire(outDir)) {
      for (ScenarioArgs.Named n : named) {
        List<Variant> vs = vnames == null ? null : vnames.stream()
            .map(v -> flags.variant(v, n.scenario().study().variants())).toList();
        Scenario s = n.scenario().withOverrides(vs, ks, maxFaults);
        Path dir = named.size() == 1 ? outDir : outDir.resolve(s.name());
        Files.createDirectories(dir);
        RunPlan plan = RunPlan.of(s, sh);
        refuseEmpty(s, plan);
        warnIfLarge(err, s, plan);
        ProgressBar bar = new ProgressBar(err, System.console() != null, s.name());
        Results r = BatchRunner.run(s, plan, new BatchRunner.Options(threads, sh,
            dir.resolve(CHECKPOINT), bar, !naive));
        bar.finish();
        ResultsFiles.write(dir, r, compress, HtmlReport.render(r, s, n.arg()));
        Files.deleteIfExists(dir.resolve(CHECKPOINT));
        summary(o, s, r, dir);
        for (Results.VariantResults v : r.variants()) {
          for (CaseResult c : v.cases()) {
            matched |= failing.contains(c.outcome());
          }
        }
      }
    }
    o.flush();
    if (matched) {
      err.println("pcsim: --fail-on matched: some case ended in " + failing);
      return Pcsim.EXIT_FAIL_ON;
    }
    return Pcsim.EXIT_OK;
  }

  /** Zero cases would print a reassuring verdict about nothing (--variants/--faults included). */
  private static void refuseEmpty(Scenario s, RunPlan plan) {
    for (GoldenRun g : plan.goldens()) {
      String why = NoCases.why(plan.study(), g);
      if (why != null) {
        throw new ScenarioException(s.source(), 0, 0, "faults", why);
      }
    }
  }

  private void warnIfLarge(PrintWriter err, Scenario s, RunPlan plan) {
    long rows = plan.estimatedRows();
    if (rows <= LARGE_ROWS) {
      return;
    }
    boolean bound = plan.study().maxFaults() == 2;
    err.printf(Locale.ROOT, "pcsim: scenario %s: %s %,d case rows, about %,d MB of cases.csv%s%n",
        s.name(), bound ? "up to" : "", rows, rows * CSV_BYTES_PER_ROW / 1_000_000,
        compress ? " before compression (cases.csv.gz is about a tenth)"
            : " (--compress writes cases.csv.gz, about a tenth)");
    err.flush();
  }

  /** The part of VM_LOST every postcopy design shares; the rest is the protocol's. */
  private static void sharedLoss(PrintWriter o, Results r) {
    o.printf(Locale.ROOT, "  of VM_LOST, shared by every postcopy design (the destination runs"
        + " the guest, the source is postcopy-active), ms:");
    for (Results.VariantResults v : r.variants()) {
      o.printf(Locale.ROOT, " %s %.3f", v.variant(), v.exposure().sharedLossNanos() / 1e6);
    }
    o.println();
  }

  /** With fault rates in the scenario: expected outcomes per million migrations. */
  private static void perMillion(PrintWriter o, Scenario s, Results r) {
    if (s.study().ratesPerYear().isEmpty()) {
      return;
    }
    o.printf(Locale.ROOT, "  per million migrations, single faults at %s per year%n",
        s.study().ratesPerYear().toString().replace("=", " ").replace("{", "")
            .replace("}", ""));
    for (Results.VariantResults v : r.variants()) {
      o.printf(Locale.ROOT, "  %-20s %10s", v.variant(), "");
      java.util.Map<Outcome, Double> pm = v.exposure().perMillion();
      for (Outcome oc : Outcome.values()) {
        o.printf(Locale.ROOT, " %18.4f", pm.get(oc));
      }
      o.println();
    }
  }

  private static void summary(PrintWriter o, Scenario s, Results r, Path dir) {
    o.printf(Locale.ROOT, "scenario %s: %d cases%s -> %s%n", s.name(), r.caseCount(),
        r.shard() == null ? "" : " (shard " + r.shard() + ")", Terminal.safe(dir.toString()));
    o.printf(Locale.ROOT, "  exposure: ms of the migration in which one fault leads to each"
        + " outcome, summed over %d fault kinds%n", s.study().kinds().size());
    o.printf(Locale.ROOT, "  %-20s %10s", "variant", "migration");
    for (Outcome oc : Outcome.values()) {
      o.printf(Locale.ROOT, " %18s", oc.name());
    }
    o.println();
    for (Results.VariantResults v : r.variants()) {
      o.printf(Locale.ROOT, "  %-20s %10.3f", v.variant(), v.exposure().migrationNanos() / 1e6);
      java.util.Map<Outcome, Long> e = v.exposure().total();
      for (Outcome oc : Outcome.values()) {
        o.printf(Locale.ROOT, " %18.3f", e.get(oc) / 1e6);
      }
      o.println();
    }
    sharedLoss(o, r);
    perMillion(o, s, r);
    o.printf(Locale.ROOT, "  cases%n");
    o.printf(Locale.ROOT, "  %-20s", "variant");
    for (Outcome oc : Outcome.values()) {
      o.printf(Locale.ROOT, " %18s", oc.name());
    }
    o.printf(Locale.ROOT, " %14s%n", "stuck window");
    for (Results.VariantResults v : r.variants()) {
      o.printf(Locale.ROOT, "  %-20s", v.variant());
      java.util.Map<Outcome, Integer> counts = CaseResult.countByOutcome(v.cases());
      for (Outcome oc : Outcome.values()) {
        o.printf(Locale.ROOT, " %18d", counts.get(oc));
      }
      o.printf(Locale.ROOT, " %11.3f ms%n", v.stuckNanos() / 1e6);
    }
    for (Results.VariantResults v : r.variants()) {
      String finding = v.golden().finding();
      if (!finding.isEmpty()) {
        o.printf(Locale.ROOT, "  note: %s%n", Terminal.safe(finding));
      }
    }
    o.printf(Locale.ROOT, "  results hash %s%n", ResultsFiles.resultsHash(r));
  }
}
