package io.postcopysim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Outcome;
import io.postcopysim.faults.Study;
import io.postcopysim.faults.Timeline;
import io.postcopysim.scenarios.CasesCsv;
import io.postcopysim.scenarios.ResultsFiles;
import io.postcopysim.scenarios.Scenario;
import io.postcopysim.scenarios.StoredResults;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pcsim summary DIR --format mail}: a run's result as a plain-text block of at most 72
 * columns for a mailing-list review: the scenario in one line, each design's exposures, the
 * worst counterexample as an ASCII sequence chart, the replay command and the tool version.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print a run's result as 72-column plain text for a mailing-list review.")
final class SummaryCommand implements Callable<Integer> {
  static final int WIDTH = 72;
  /** Worst first: the counterexample shown is the earliest case of the first one present. */
  static final List<Outcome> WORST = List.of(Outcome.SPLIT_BRAIN, Outcome.DIVERGED,
      Outcome.STUCK_PAUSED, Outcome.VM_LOST);
  /** Lines of the sequence chart before the cut. */
  static final int CHART_LINES = 28;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "A run's (or merge's) --out.")
  Path dir;

  @Option(names = "--format", defaultValue = "mail", description = "mail (the only one).")
  String format;

  @Override
  public Integer call() throws Exception {
    Flags flags = new Flags(spec.commandLine());
    if (!format.equals("mail")) {
      throw flags.error("--format: only 'mail' is known, not '" + format + "'");
    }
    StoredResults r = StoredResults.read(dir);
    Scenario scenario = Scenario.fromResolved(r.scenario());
    List<String> out = new ArrayList<>();
    out.add("postcopy-sim " + r.text("version") + " (model " + r.text("model") + "), scenario "
        + scenario.name());
    out.addAll(wrap(describe(scenario)));
    out.add("");
    exposures(out, r, scenario.study().kinds().size());
    counterexample(out, r, scenario);
    PrintWriter o = spec.commandLine().getOut();
    out.forEach(l -> o.println(Terminal.safe(l)));
    o.flush();
    return Pcsim.EXIT_OK;
  }

  private static String describe(Scenario s) {
    Map<String, Object> r = s.resolved();
    Map<?, ?> vm = (Map<?, ?>) r.get("vm");
    Map<?, ?> net = (Map<?, ?>) r.get("network");
    Map<?, ?> mig = (Map<?, ?>) r.get("migration");
    Map<?, ?> faults = (Map<?, ?>) r.get("faults");
    return "Setup: " + vm.get("ram") + " guest, " + net.get("bandwidth") + ", "
        + net.get("latency") + " one way, device load " + vm.get("device-load-time")
        + ", disk locking " + mig.get("disk-locking") + ", dest-autostart "
        + mig.get("dest-autostart") + ", qemu-version " + mig.get("qemu-version")
        + "; faults " + faults.get("kinds") + ", " + faults.get("max-faults")
        + " per case, partitions heal " + faults.get("partition-heal") + ".";
  }

  /** Words onto lines of at most {@link #WIDTH}. */
  static List<String> wrap(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String w : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + w.length() > WIDTH) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(w);
    }
    lines.add(line.toString());
    return lines;
  }

  private static void exposures(List<String> out, StoredResults r, int kinds) {
    out.addAll(wrap("Exposure: ms of the migration in which one fault leads to each outcome,"
        + " summed over " + kinds + " fault kinds (results.json O_exposure_ms):"));
    out.add(String.format(Locale.ROOT, "%-15s%9s%8s%8s%9s%11s%11s", "design", "length",
        "STUCK", "SPLIT", "DIVERGED", "VM_LOST", "RESUMED"));
    for (JsonNode v : r.root().get("variants")) {
      out.add(String.format(Locale.ROOT, "%-15.15s%9.1f%8.1f%8.1f%9.1f%11.1f%11.1f",
          v.path("variant").asText(), v.path("migration_ms").asDouble(),
          ms(v, Outcome.STUCK_PAUSED), ms(v, Outcome.SPLIT_BRAIN), ms(v, Outcome.DIVERGED),
          ms(v, Outcome.VM_LOST), ms(v, Outcome.RESUMED_ON_SOURCE)));
    }
    out.add("");
  }

  private static double ms(JsonNode v, Outcome o) {
    return v.path(ResultsFiles.key(o) + "_exposure_ms").asDouble();
  }

  /** The earliest single-fault case of the worst outcome any design has, drawn and replayable. */
  private void counterexample(List<String> out, StoredResults r, Scenario scenario) {
    CasesCsv.Row worst = null;
    for (Outcome o : WORST) {
      for (List<CasesCsv.Row> rows : r.rowsByVariant().values()) {
        for (CasesCsv.Row row : rows) {
          if (worst == null && row.result().outcome() == o
              && row.result().id().faults().size() == 1) {
            worst = row;
          }
        }
      }
    }
    if (worst == null) {
      out.add("No case ended SPLIT_BRAIN, DIVERGED, STUCK_PAUSED or VM_LOST.");
    } else {
      CaseId id = worst.result().id();
      out.addAll(wrap("Worst counterexample: " + id + " ends " + worst.result().outcome()
          + " (" + worst.result().pointLabel() + ", phase " + worst.result().phase() + "):"));
      out.addAll(chart(id, scenario));
      out.add("");
      out.add("Replay: ./pcsim replay " + dir.resolve(ResultsFiles.JSON) + " \\");
      out.add("    --case " + id);
    }
    out.add("-- " + new Pcsim.Version().getVersion()[0]);
  }

  /** The case's timeline as an ASCII sequence chart: source left, destination right. */
  static List<String> chart(CaseId id, Scenario scenario) {
    Study study = scenario.study();
    GoldenRun golden = GoldenRun.of(study, study.variant(id.variant()));
    CaseRunner.Run run = new CaseRunner(study).run(id, golden, TraceMode.FULL);
    List<Timeline.Entry> entries = Timeline.of(id, run).entries();
    int fault = 0;
    while (fault < entries.size() && entries.get(fault).kind() != Timeline.Kind.FAULT) {
      fault++;
    }
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%10s  %-28s  %-28s", "time ms", "source",
        "destination").stripTrailing());
    String last = null;
    int repeats = 0;
    for (int i = Math.max(0, fault - 6); i < entries.size(); i++) {
      String line = line(entries.get(i));
      String body = line.substring(10);
      if (last != null && body.equals(last)) {
        repeats++;
        continue;
      }
      if (repeats > 0) {
        lines.add(String.format(Locale.ROOT, "%10s  (the line above %d more times)", "",
            repeats));
      }
      repeats = 0;
      last = body;
      lines.add(line);
    }
    if (repeats > 0) {
      lines.add(String.format(Locale.ROOT, "%10s  (the line above %d more times)", "", repeats));
    }
    if (lines.size() > CHART_LINES + 1) {
      int cut = lines.size() - CHART_LINES - 1;
      List<String> kept = new ArrayList<>(lines.subList(0, CHART_LINES - 4));
      kept.add(String.format(Locale.ROOT, "%10s  ... %d lines ...", "", cut));
      kept.addAll(lines.subList(lines.size() - 5, lines.size()));
      return kept;
    }
    return lines;
  }

  private static String line(Timeline.Entry e) {
    String time = String.format(Locale.ROOT, "%10.3f", e.timeNanos() / 1e6);
    if (e.kind() == Timeline.Kind.FAULT) {
      String head = "==== FAULT " + e.label().step() + " ";
      return time + "  " + head + "=".repeat(Math.max(0, 58 - head.length()));
    }
    boolean src = e.label().host().equals("src");
    String what = e.label().text();
    if (e.label().step().equals("send")) {
      what = what + " -->";
    } else if (e.label().step().equals("recv")) {
      what = "--> " + what;
    }
    String cell = fit(what, 28);
    return (src ? time + "  " + cell : time + "  " + fit("", 28) + "  " + cell).stripTrailing();
  }

  private static String fit(String s, int width) {
    return s.length() > width ? s.substring(0, width) : String.format("%-" + width + "s", s);
  }
}
