package io.postcopysim.cli;

import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.Outcome;
import io.postcopysim.reports.HtmlReport;
import io.postcopysim.scenarios.BatchRunner;
import io.postcopysim.scenarios.Results;
import io.postcopysim.scenarios.ResultsFiles;
import io.postcopysim.scenarios.Scenario;
import io.postcopysim.scenarios.Shard;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
@Command(name = "run", description = "Enumerate and run all cases; write results.json, cases.csv"
    + " and report.html. With no file, the built-in default scenario.")
final class RunCommand implements Callable<Integer> {
  static final String CHECKPOINT = ".pcsim-checkpoint";

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "FILE.yaml|DIR|NAME",
      description = "Scenario files, directories of them, or built-in names (see list).")
  List<String> scenarios = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: out;"
      + " one subdirectory per scenario when several are given).")
  Path out = Path.of("out");

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

  @Option(names = "--fail-on", split = ",", paramLabel = "OUTCOME",
      description = "Exit 1 if any case ends in one of these outcomes.")
  List<String> failOn;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Shard sh = shard == null ? null : Shard.parse(shard);
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1");
    }
    if (maxFaults != null && (maxFaults < 1 || maxFaults > 2)) {
      throw new IllegalArgumentException("--max-faults is 1 or 2");
    }
    List<Variant> vs = variants == null ? null : variants.stream().map(n -> Variants.byName(n)
        .orElseThrow(() -> new IllegalArgumentException("unknown variant '" + n + "' (known: "
            + Variants.all().stream().map(Variant::name).toList() + ")"))).toList();
    List<FaultKind> ks = faults == null ? null : faults.stream().map(RunCommand::kind).toList();
    Set<Outcome> failing = EnumSet.noneOf(Outcome.class);
    if (failOn != null) {
      for (String f : failOn) {
        failing.add(outcome(f));
      }
    }
    List<ScenarioArgs.Named> named = ScenarioArgs.resolve(scenarios);
    boolean matched = false;
    for (ScenarioArgs.Named n : named) {
      Scenario s = n.scenario().withOverrides(vs, ks, maxFaults);
      Path dir = named.size() == 1 ? out : out.resolve(s.name());
      Files.createDirectories(dir);
      ProgressBar bar = new ProgressBar(err, System.console() != null, s.name());
      Results r = BatchRunner.run(s, new BatchRunner.Options(threads, sh,
          dir.resolve(CHECKPOINT), bar, !naive));
      bar.finish();
      ResultsFiles.write(dir, r);
      ResultsFiles.writeAtomically(dir.resolve("report.html"), HtmlReport.render(r, s, n.arg()));
      Files.deleteIfExists(dir.resolve(CHECKPOINT));
      summary(o, s, r, dir);
      for (Results.VariantResults v : r.variants()) {
        for (CaseResult c : v.cases()) {
          matched |= failing.contains(c.outcome());
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

  private static void summary(PrintWriter o, Scenario s, Results r, Path dir) {
    o.printf(Locale.ROOT, "scenario %s: %d cases%s -> %s%n", s.name(), r.caseCount(),
        r.shard() == null ? "" : " (shard " + r.shard() + ")", dir);
    o.printf(Locale.ROOT, "  %-20s", "variant");
    for (Outcome oc : Outcome.values()) {
      o.printf(Locale.ROOT, " %18s", oc.name());
    }
    o.printf(Locale.ROOT, " %14s%n", "stuck window");
    for (Results.VariantResults v : r.variants()) {
      o.printf(Locale.ROOT, "  %-20s", v.variant());
      for (Outcome oc : Outcome.values()) {
        o.printf(Locale.ROOT, " %18d", v.cases().stream().filter(c -> c.outcome() == oc).count());
      }
      o.printf(Locale.ROOT, " %11.3f ms%n", v.stuckNanos() / 1e6);
    }
    o.printf(Locale.ROOT, "  results hash %s%n", ResultsFiles.resultsHash(r));
  }

  static FaultKind kind(String name) {
    return parse(FaultKind.class, name, "fault kind");
  }

  static Outcome outcome(String name) {
    return parse(Outcome.class, name, "outcome");
  }

  /** An enum constant by name (any case, '-' for '_'), or a message listing the known ones. */
  private static <E extends Enum<E>> E parse(Class<E> type, String name, String what) {
    try {
      return Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown " + what + " '" + name + "' (known: "
          + Arrays.toString(type.getEnumConstants()) + ")");
    }
  }
}
