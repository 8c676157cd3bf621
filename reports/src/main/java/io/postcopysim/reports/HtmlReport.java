package io.postcopysim.reports;

import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Outcome;
import io.postcopysim.faults.Study;
import io.postcopysim.scenarios.Glossary;
import io.postcopysim.scenarios.Results;
import io.postcopysim.scenarios.ResultsFiles;
import io.postcopysim.scenarios.Scenario;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The self-contained safety report (inline CSS and SVG, nothing loaded from the network): the
 * headline and a verdict written from the numbers, where along the migration each fault kind
 * hurts, the earliest counterexample of each unsafe outcome as a sequence chart with its replay
 * command, distributions, coverage of every protocol step, and the parameters.
 */
public final class HtmlReport {
  private static final List<Outcome> SHOWN = List.of(Outcome.SPLIT_BRAIN, Outcome.DIVERGED,
      Outcome.VM_LOST, Outcome.STUCK_PAUSED);
  private static final double[] TIME_BUCKETS_MS = {1, 10, 100, 1000, 10_000, 100_000,
      1_000_000};

  private HtmlReport() {}

  /**
   * @param scenario the scenario the results came from (to replay counterexamples)
   * @param scenarioArg what {@code pcsim replay} takes to find the scenario again (the
   *     scenario's file or built-in name, or a merged result's results.json); shell-quoted
   */
  public static String render(Results r, Scenario scenario, String scenarioArg) {
    StringBuilder b = new StringBuilder(1 << 20);
    String name = String.valueOf(r.scenario().get("name"));
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>postcopy-sim safety report: ").append(esc(name)).append("</title>\n")
        .append("<style>").append(CSS).append("</style></head><body>\n");
    b.append("<header><h1>Safety report: ").append(esc(name)).append("</h1>\n")
        .append("<p class=\"meta\">").append(esc(r.tool())).append(' ').append(esc(r.version()))
        .append(" &middot; seed ").append(esc(String.valueOf(r.scenario().get("seed"))))
        .append(" &middot; ").append(r.caseCount()).append(" cases")
        .append(r.shard() == null ? "" : " &middot; shard " + esc(r.shard()))
        .append(" &middot; results hash <code id=\"results-hash\">")
        .append(ResultsFiles.resultsHash(r)).append("</code></p>\n")
        .append(legend()).append("</header>\n");
    glossary(b);
    designs(b, r, scenario);
    exposure(b, r);
    headline(b, r);
    matrices(b, r);
    counterexamples(b, r, scenario, scenarioArg);
    distributions(b, r);
    coverage(b, r);
    parameters(b, r);
    b.append("</body></html>\n");
    return b.toString();
  }

  // ---- 0. glossary ----

  private static void glossary(StringBuilder b) {
    b.append("<section id=\"glossary\"><h2>Outcomes</h2>\n<dl class=\"glossary\">\n");
    for (Outcome o : Outcome.values()) {
      b.append("<dt><span class=\"pill\" style=\"background:").append(Charts.hex(o))
          .append("\">").append(o.name()).append("</span>")
          .append(o.unsafe() ? " (unsafe)" : "").append("</dt><dd>")
          .append(esc(Glossary.outcome(o.name()))).append("</dd>\n");
    }
    b.append("</dl></section>\n");
  }

  /** The row of decisions of each design compared (migration.designs, docs/DESIGN.md §3.5). */
  private static void designs(StringBuilder b, Results r, Scenario scenario) {
    b.append("<section id=\"designs\"><h2>Designs</h2>\n<p>Each design is a row of"
        + " decisions; the state machines read it, outcomes follow from the mechanisms.</p>\n"
        + "<table class=\"designs\"><thead><tr><th>variant</th>");
    for (String key : io.postcopysim.scenarios.DesignsReader.DECISIONS) {
      b.append("<th>").append(esc(key)).append("</th>");
    }
    b.append("</tr></thead><tbody>\n");
    for (Results.VariantResults v : r.variants()) {
      io.postcopysim.core.migration.Variant design = scenario.study().variants().stream()
          .filter(x -> x.name().equals(v.variant())).findFirst().orElse(null);
      if (design == null) {
        continue; // a merged result whose scenario no longer lists it
      }
      b.append("<tr><th title=\"").append(esc(Glossary.variant(v.variant()))).append("\">")
          .append(esc(v.variant())).append("</th>");
      io.postcopysim.scenarios.DesignsReader.decisions(design).values()
          .forEach(x -> b.append("<td>").append(esc(String.valueOf(x))).append("</td>"));
      b.append("</tr>\n");
    }
    b.append("</tbody></table></section>\n");
  }

  // ---- 1. exposure, headline and verdict ----

  /**
   * The report leads with time: per variant, the milliseconds of the migration in which one
   * fault leads to each outcome (summed over the fault kinds) and their share of the kinds'
   * combined time, which is the probability for a fault of a random kind at a random instant.
   */
  private static void exposure(StringBuilder b, Results r) {
    b.append("<section id=\"exposure\"><h2>Exposure</h2>\n<p>Milliseconds of the migration"
        + " in which one fault leads to each outcome, summed over the fault kinds; below each,"
        + " its probability for one fault of a random kind at a random instant.</p>\n")
        .append("<table class=\"exposure\"><thead><tr><th>variant</th><th>migration</th>");
    for (Outcome o : Outcome.values()) {
      b.append("<th style=\"color:").append(Charts.hex(o)).append("\">").append(o.name())
          .append("</th>");
    }
    b.append("</tr></thead><tbody>\n");
    for (Results.VariantResults v : r.variants()) {
      io.postcopysim.faults.Exposure e = v.exposure();
      Map<Outcome, Long> t = e.total();
      Map<Outcome, Double> p = e.probability();
      b.append("<tr><th>").append(esc(v.variant())).append("</th><td>")
          .append(ms(e.migrationNanos())).append("</td>");
      for (Outcome o : Outcome.values()) {
        b.append(t.get(o) == 0 ? "<td class=\"zero\">0</td>"
            : "<td style=\"box-shadow:inset 4px 0 0 " + Charts.hex(o) + "\">" + ms(t.get(o))
                + "<br><small>" + String.format(Locale.ROOT, "%.4f", p.get(o))
                + "</small></td>");
      }
      b.append("</tr>\n");
    }
    b.append("</tbody></table>\n<p>Of <code>VM_LOST</code>, the loss every postcopy design"
        + " shares (the destination runs the guest, the source is in postcopy-active, then the"
        + " destination dies or loses its page supply); the rest is the loss the protocol"
        + " causes:");
    for (Results.VariantResults v : r.variants()) {
      b.append(" <b>").append(esc(v.variant())).append("</b> ")
          .append(ms(v.exposure().sharedLossNanos())).append(" shared, ")
          .append(ms(v.exposure().total().get(Outcome.VM_LOST) - v.exposure().sharedLossNanos()))
          .append(" the protocol's;");
    }
    b.append("</p>\n");
    perMillion(b, r);
    b.append("</section>\n");
  }

  /** With fault rates in the scenario: expected outcomes per million migrations. */
  private static void perMillion(StringBuilder b, Results r) {
    if (r.variants().isEmpty() || r.variants().get(0).exposure().perMillion().isEmpty()) {
      return;
    }
    b.append("<table class=\"exposure\" id=\"per-million\"><caption>Per million migrations"
        + " (single faults: rate x exposure, at the scenario's fault rates per year: ")
        .append(esc(r.variants().get(0).exposure().ratesPerYear().toString()))
        .append(")</caption><thead><tr><th>variant</th>");
    for (Outcome o : Outcome.values()) {
      b.append("<th>").append(o.name()).append("</th>");
    }
    b.append("</tr></thead><tbody>\n");
    for (Results.VariantResults v : r.variants()) {
      b.append("<tr><th>").append(esc(v.variant())).append("</th>");
      v.exposure().perMillion().forEach((o, x) -> b.append("<td>")
          .append(String.format(Locale.ROOT, "%.4f", x)).append("</td>"));
      b.append("</tr>\n");
    }
    b.append("</tbody></table>\n");
  }

  private static void headline(StringBuilder b, Results r) {
    b.append("<section id=\"headline\"><h2>Cases</h2>\n<table class=\"counts\"><thead><tr>")
        .append("<th>variant</th>");
    for (Outcome o : Outcome.values()) {
      b.append("<th style=\"color:").append(Charts.hex(o)).append("\">")
          .append(o.name()).append("</th>");
    }
    b.append("<th>cases</th><th>stuck window</th></tr></thead>").append("<tbody>\n");
    for (Results.VariantResults v : r.variants()) {
      Map<Outcome, Integer> c = counts(v.cases());
      b.append("<tr><th>").append(esc(v.variant())).append("</th>");
      for (Outcome o : Outcome.values()) {
        b.append(cell(o, c.get(o)));
      }
      b.append("<td>").append(v.cases().size()).append("</td><td>")
          .append(ms(v.stuckNanos())).append("</td></tr>\n");
    }
    b.append("</tbody></table>\n<div class=\"verdict\" id=\"verdict\">")
        .append(Verdict.write(r)).append("</div></section>\n");
  }

  // ---- 2. matrices and strips ----

  private static void matrices(StringBuilder b, Results r) {
    b.append("<section id=\"matrices\"><h2>Where it hurts</h2>\n")
        .append("<h3>Variant &times; fault kind</h3>\n");
    table(b, r, "kind", x -> x.faultKind());
    b.append("<h3>Variant &times; phase (the source's status when the fault struck)</h3>\n");
    table(b, r, "phase", x -> x.phase().name());
    b.append("<h3>Along the migration</h3>\n<p>Each row is a fault kind, each column a failure"
        + " point (faults striking between the previous event of the failure-free run and this one),"
        + " coloured by outcome, along virtual time; dashed lines mark the source's phase"
        + " changes.</p>\n");
    for (Results.VariantResults v : r.variants()) {
      List<CaseResult> singles = v.cases().stream().filter(x -> x.id().faults().size() == 1)
          .toList();
      List<String> kinds = singles.stream().map(CaseResult::faultKind).distinct().toList();
      long points = v.pointTimes().length - 1;
      b.append("<figure class=\"strip\"><figcaption>").append(esc(v.variant()))
          .append("</figcaption>")
          .append(Charts.outcomeStrip("strip-" + v.variant(), kinds, singles, v.pointTimes(),
              v.gapNanos(), 0, points));
      // The switchover is a handful of events: a second strip zooms in on it.
      long from = singles.stream().filter(x -> x.phase() != MigrationStatus.ACTIVE
          && x.phase() != MigrationStatus.SETUP).mapToLong(CaseResult::point).min().orElse(-1);
      if (from >= 0) {
        // Through the last point at which some fault still leaves the VM stuck, or 40 points.
        long lastStuck = singles.stream().filter(x -> x.outcome() == Outcome.STUCK_PAUSED
            && !x.faultKind().equals("DEST_ACTIVATE_ERROR")).mapToLong(CaseResult::point)
            .max().orElse(from);
        long to = Math.min(points, Math.max(from + 40, lastStuck + 10));
        b.append("<figcaption>").append(esc(v.variant())).append(", the switchover (points ")
            .append(Math.max(0, from - 5)).append(" to ").append(to).append(")</figcaption>")
            .append(Charts.outcomeStrip("zoom-" + v.variant(), kinds, singles, v.pointTimes(),
                v.gapNanos(), Math.max(0, from - 5), to));
      }
      b.append("</figure>\n");
    }
    b.append("</section>\n");
  }

  private static void table(StringBuilder b, Results r, String what,
      java.util.function.Function<CaseResult, String> key) {
    b.append("<table class=\"counts\"><thead><tr><th>variant</th><th>").append(what)
        .append("</th>");
    for (Outcome o : Outcome.values()) {
      b.append("<th style=\"color:").append(Charts.hex(o)).append("\">").append(o.name())
          .append("</th>");
    }
    b.append("</tr></thead><tbody>\n");
    for (Results.VariantResults v : r.variants()) {
      Map<String, List<CaseResult>> groups = new LinkedHashMap<>();
      for (CaseResult c : v.cases()) {
        groups.computeIfAbsent(key.apply(c), k -> new ArrayList<>()).add(c);
      }
      boolean first = true;
      for (Map.Entry<String, List<CaseResult>> g : groups.entrySet()) {
        b.append("<tr>");
        if (first) {
          b.append("<th rowspan=\"").append(groups.size()).append("\">")
              .append(esc(v.variant())).append("</th>");
          first = false;
        }
        b.append("<td class=\"key\">").append(esc(g.getKey())).append("</td>");
        Map<Outcome, Integer> c = counts(g.getValue());
        for (Outcome o : Outcome.values()) {
          b.append(cell(o, c.get(o)));
        }
        b.append("</tr>\n");
      }
    }
    b.append("</tbody></table>\n");
  }

  // ---- 3. counterexamples ----

  private static void counterexamples(StringBuilder b, Results r, Scenario scenario,
      String arg) {
    b.append("<section id=\"counterexamples\"><h2>Counterexamples</h2>\n<p>For each variant"
        + " and each bad outcome, the earliest case (lowest failure point), as a message"
        + " sequence chart from a few steps before the fault.</p>\n");
    Study study = scenario.study();
    CaseRunner runner = new CaseRunner(study);
    for (Results.VariantResults v : r.variants()) {
      GoldenRun golden = null;
      for (Outcome o : SHOWN) {
        CaseResult x = v.cases().stream().filter(c -> c.outcome() == o).findFirst()
            .orElse(null);
        if (x == null) {
          continue;
        }
        if (golden == null) {
          golden = GoldenRun.of(study, study.variant(v.variant()));
        }
        CaseRunner.Run run = runner.run(x.id(), golden, TraceMode.FULL);
        String uml = SequenceChart.plantUml(x.id(), run);
        b.append("<article class=\"cex\" id=\"cex-").append(esc(v.variant())).append('-')
            .append(o.name()).append("\"><h3>").append(esc(v.variant())).append(": ")
            .append("<span style=\"color:").append(Charts.hex(o)).append("\">").append(o.name())
            .append("</span></h3>\n<p>case <code class=\"case-id\">").append(esc(x.id().toString()))
            .append("</code>, before <code>").append(esc(x.pointLabel())).append("</code> (source ")
            .append(x.phase().qapiName()).append("); downtime ").append(ms(x.downtimeNanos()))
            .append(", detection ")
            .append(x.detectionNanos() < 0 ? "never" : ms(x.detectionNanos()))
            .append(x.statusMismatch() ? ", status mismatch" : "").append("</p>\n")
            .append("<pre class=\"replay\">./pcsim replay ").append(esc(Shell.quote(arg)))
            .append(" --case ").append(esc(Shell.quote(x.id().toString())))
            .append("</pre>\n<div class=\"msc\">")
            .append(SequenceChart.svg(uml)).append("</div></article>\n");
      }
    }
    b.append("</section>\n");
  }

  // ---- 4. distributions ----

  private static void distributions(StringBuilder b, Results r) {
    b.append("<section id=\"distributions\"><h2>Distributions</h2>\n");
    List<String> labels = Charts.bucketLabels(TIME_BUCKETS_MS);
    Map<String, long[]> downtime = new LinkedHashMap<>();
    Map<String, long[]> detection = new LinkedHashMap<>();
    Map<String, long[]> latency = new LinkedHashMap<>();
    List<String> latencyLabels = new ArrayList<>();
    for (Results.VariantResults v : r.variants()) {
      downtime.put(v.variant(), Charts.bucket(v.cases().stream()
          .map(c -> c.downtimeNanos() / 1e6).toList(), TIME_BUCKETS_MS));
      detection.put(v.variant(), Charts.bucket(v.cases().stream()
          .map(c -> c.detectionNanos() < 0 ? -1.0 : c.detectionNanos() / 1e6).toList(),
          TIME_BUCKETS_MS));
      Map<String, Long> h = v.golden().histogram();
      latencyLabels.clear();
      long[] counts = new long[h.size()];
      int i = 0;
      for (Map.Entry<String, Long> e : h.entrySet()) {
        latencyLabels.add(e.getKey().equals("more") ? "more" : "≤" + e.getKey() + "ms");
        counts[i++] = e.getValue();
      }
      latency.put(v.variant(), counts);
    }
    b.append("<figure>").append(Charts.bars("downtime", "Downtime per case (time the guest"
        + " ran nowhere, to the horizon)", "downtime", "cases", labels, downtime))
        .append("</figure>\n<figure>").append(Charts.bars("detection", "Detection time per case"
        + " (fault to the first side noticing; never-detected cases left out)", "detection",
        "cases", labels, detection)).append("</figure>\n");
    if (!latency.isEmpty()) {
      b.append("<figure>").append(Charts.bars("latency", "Page-fault latency in the"
          + " failure-free run", "latency", "faults", latencyLabels, latency))
          .append("</figure>\n");
    }
    b.append("</section>\n");
  }

  // ---- 5. coverage ----

  private static void coverage(StringBuilder b, Results r) {
    b.append("<section id=\"coverage\"><h2>Coverage</h2>\n<p>Every protocol step of each"
        + " variant's failure-free run (by its label), the faults injected there and what they"
        + " led to: the search reached every step, not only the failures.</p>\n");
    for (Results.VariantResults v : r.variants()) {
      Map<String, Map<String, Map<Outcome, Integer>>> steps = new LinkedHashMap<>();
      List<String> kinds = new ArrayList<>();
      for (CaseResult c : v.cases()) {
        if (c.id().faults().size() != 1) {
          continue;
        }
        if (!kinds.contains(c.faultKind())) {
          kinds.add(c.faultKind());
        }
        steps.computeIfAbsent(c.pointLabel(), k -> new LinkedHashMap<>())
            .computeIfAbsent(c.faultKind(), k -> new EnumMap<>(Outcome.class))
            .merge(c.outcome(), 1, Integer::sum);
      }
      b.append("<details class=\"coverage\"><summary>").append(esc(v.variant())).append(": ")
          .append(steps.size()).append(" protocol steps</summary>\n<table class=\"cov\"><thead>")
          .append("<tr><th>step</th>");
      for (String k : kinds) {
        b.append("<th>").append(esc(k)).append("</th>");
      }
      b.append("</tr></thead><tbody>\n");
      for (Map.Entry<String, Map<String, Map<Outcome, Integer>>> s : steps.entrySet()) {
        b.append("<tr><td class=\"key\"><code>").append(esc(s.getKey())).append("</code></td>");
        for (String k : kinds) {
          b.append("<td>");
          Map<Outcome, Integer> c = s.getValue().get(k);
          if (c != null) {
            c.forEach((o, n) -> b.append("<span class=\"pill\" style=\"background:")
                .append(Charts.hex(o)).append("\" title=\"").append(o.name()).append("\">")
                .append(abbrev(o)).append(' ').append(n).append("</span>"));
          }
          b.append("</td>");
        }
        b.append("</tr>\n");
      }
      b.append("</tbody></table></details>\n");
    }
    b.append("</section>\n");
  }

  // ---- 6. parameters ----

  private static void parameters(StringBuilder b, Results r) {
    b.append("<section id=\"parameters\"><h2>Scenario</h2>\n<table class=\"params\"><tbody>\n");
    flatten("", r.scenario(), b);
    b.append("<tr><th>tool</th><td>").append(esc(r.tool() + " " + r.version()))
        .append("</td></tr>\n<tr><th>results hash</th><td><code>")
        .append(ResultsFiles.resultsHash(r)).append("</code></td></tr>\n");
    for (Results.VariantResults v : r.variants()) {
      b.append("<tr><th>golden ").append(esc(v.variant())).append("</th><td>")
          .append(esc(v.golden().json().toString())).append("</td></tr>\n");
    }
    b.append("</tbody></table></section>\n");
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> m, StringBuilder b) {
    m.forEach((k, v) -> {
      String key = prefix.isEmpty() ? k : prefix + "." + k;
      if (v instanceof Map<?, ?> sub) {
        flatten(key, (Map<String, Object>) sub, b);
      } else {
        b.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(String.valueOf(v)))
            .append("</td></tr>\n");
      }
    });
  }

  // ---- helpers ----

  private static String legend() {
    StringBuilder b = new StringBuilder("<p class=\"legend\">");
    for (Outcome o : Outcome.values()) {
      b.append("<span class=\"pill\" style=\"background:").append(Charts.hex(o)).append("\">")
          .append(o.name()).append("</span> ");
    }
    return b.append("</p>\n").toString();
  }

  /** Cases in an unsafe outcome (whatever outcomes the model calls unsafe). */
  static int unsafe(Map<Outcome, Integer> counts) {
    int n = 0;
    for (Map.Entry<Outcome, Integer> e : counts.entrySet()) {
      n += e.getKey().unsafe() ? e.getValue() : 0;
    }
    return n;
  }

  static Map<Outcome, Integer> counts(List<CaseResult> cases) {
    return CaseResult.countByOutcome(cases);
  }


  private static String cell(Outcome o, int n) {
    return n == 0 ? "<td class=\"zero\">0</td>" : "<td style=\"box-shadow:inset 4px 0 0 "
        + Charts.hex(o) + "\">" + n + "</td>";
  }

  private static String abbrev(Outcome o) {
    return switch (o) {
      case MIGRATED -> "M";
      case RESUMED_ON_SOURCE -> "R";
      case RECOVERABLE_PAUSED -> "P";
      case STUCK_PAUSED -> "S";
      case SPLIT_BRAIN -> "B";
      case DIVERGED -> "D";
      case VM_LOST -> "L";
      case UNSETTLED -> "U";
    };
  }


  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }


  private static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;\
      max-width:1100px;padding:1em 2em;color:#222}
      h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
      table{border-collapse:collapse;margin:.5em 0}
      th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;vertical-align:top}
      thead th{background:#f4f4f4;font-size:12px}tbody th{text-align:left}
      td.key{text-align:left}td.zero{color:#bbb}
      .meta{color:#666;margin-top:0}code{background:#f3f3f3;padding:0 3px;border-radius:3px}
      .pill{display:inline-block;color:#fff;border-radius:8px;padding:0 6px;margin:1px;\
      font-size:11px;white-space:nowrap}
      .verdict{background:#fffbe6;border-left:4px solid #ffa000;padding:.5em 1em;margin:1em 0}
      .verdict li{margin:.2em 0}
      figure{margin:1em 0}figcaption{font-weight:bold}svg{max-width:100%;height:auto}
      pre.replay{background:#222;color:#eee;padding:.4em .8em;border-radius:4px;overflow-x:auto}
      .cex{border:1px solid #eee;padding:0 1em 1em;margin:1em 0;border-radius:6px}
      .msc{overflow-x:auto}
      table.cov td{text-align:left}
      details{margin:.5em 0}summary{cursor:pointer;font-weight:bold}
      dl.glossary{display:grid;grid-template-columns:max-content auto;gap:2px 1em}
      dl.glossary dd{margin:0}
      """;
}
