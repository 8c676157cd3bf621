package io.postcopysim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.Timeline;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Study;
import io.postcopysim.scenarios.CasesCsv;
import io.postcopysim.scenarios.ResultsFiles;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pcsim replay}: one case again, with its timeline; same trace hash as in the batch. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Rerun one case and print its timeline and outcome.")
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE.yaml|NAME|DIR|results.json",
      description = "The scenario: a file, a built-in, or a run's folder or results.json (the"
          + " resolved scenario it recorded, --variants and --faults included).")
  String scenario;

  @Option(names = "--case", required = true, paramLabel = "CASE_ID",
      description = "VARIANT/KIND@POINT or VARIANT/KIND@P+KIND@Q, as in cases.csv.")
  String caseId;

  @Option(names = "--json", description = "Print the case and its timeline as JSON.")
  boolean json;

  /** One line of the timeline. */
  record Line(long index, long timeNanos, String host, String event) {}

  @Override
  public Integer call() throws Exception {
    Flags flags = new Flags(spec.commandLine());
    ReplaySource source = ReplaySource.of(scenario);
    CaseId id;
    try {
      id = CaseId.parse(caseId);
    } catch (IllegalArgumentException e) {
      throw flags.error("--case: " + e.getMessage());
    }
    Study study = source.study(id, flags);
    GoldenRun golden = GoldenRun.of(study, study.variant(id.variant()));
    source.requireEnumerated(id, study, golden, flags);
    CaseRunner.Run run = new CaseRunner(study).run(id, golden, TraceMode.FULL);
    List<Line> lines = timeline(id, run);
    PrintWriter out = spec.commandLine().getOut();
    CaseResult r = run.result();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      String[] header = CasesCsv.CASE_COLUMNS.split(",");
      String[] row = CasesCsv.caseColumns(r).split(",", -1);
      for (int i = 0; i < header.length; i++) {
        m.put(header[i], row[i]);
      }
      List<Map<String, Object>> tl = new ArrayList<>();
      for (Line l : lines) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("index", l.index());
        e.put("time_ms", ResultsFiles.millis(l.timeNanos()));
        e.put("host", l.host());
        e.put("event", l.event());
        tl.add(e);
      }
      m.put("timeline", tl);
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(m));
    } else {
      out.printf("case %s of scenario %s (seed %d)%n", id, source.scenario().name(),
          study.seed());
      out.printf("%6s %14s  %-5s %s%n", "#", "time", "host", "event");
      for (Line l : lines) {
        out.printf(Locale.ROOT, "%6s %12.6f s  %-5s %s%n", l.index() < 0 ? "" : l.index(),
            l.timeNanos() / 1e9, l.host(), l.event());
      }
      out.printf("outcome: %s  downtime: %s ms  detection: %s  status mismatch: %s%n",
          r.outcome(), CasesCsv.millis(r.downtimeNanos()),
          r.detectionNanos() < 0 ? "never" : CasesCsv.millis(r.detectionNanos()) + " ms",
          r.statusMismatch() ? "yes" : "no");
      out.printf("trace hash: %s  (%d events)%n", CasesCsv.hex(r.traceHash()),
          run.trace().events().size());
    }
    out.flush();
    return Pcsim.EXIT_OK;
  }

  /** The case's {@link Timeline} as printed lines (a fault's index is the event it preceded). */
  static List<Line> timeline(CaseId id, CaseRunner.Run run) {
    List<Line> lines = new ArrayList<>();
    for (Timeline.Entry e : Timeline.of(id, run).entries()) {
      lines.add(switch (e.kind()) {
        case EVENT -> new Line(e.index(), e.timeNanos(), e.label().host(), e.label().text());
        case FAULT -> new Line(-1, e.timeNanos(), "FAULT", e.label().step()
            + " strikes before #" + e.index());
        case STATUS, LOCK -> new Line(-1, e.timeNanos(), e.label().host(), e.label().text());
      });
    }
    return lines;
  }
}
