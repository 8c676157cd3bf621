package io.postcopysim.reports;

import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.Outcome;
import io.postcopysim.scenarios.Results;
import io.postcopysim.scenarios.ResultsFiles;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The self-contained safety report: inline CSS, nothing fetched, opens from disk. This first cut
 * gives the headline (outcome shares and the stuck window per variant), the earliest unsafe case
 * of each variant with its replay command, and the scenario's parameters.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(Results r, String scenarioArg) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>postcopy-sim safety report: ").append(esc(name(r))).append("</title>")
        .append("<style>").append(CSS).append("</style></head><body>\n");
    b.append("<h1>Safety report: ").append(esc(name(r))).append("</h1>\n");
    b.append("<p class=\"meta\">").append(esc(r.tool())).append(' ').append(esc(r.version()))
        .append(" &middot; seed ").append(esc(String.valueOf(r.scenario().get("seed"))))
        .append(" &middot; ").append(r.caseCount()).append(" cases &middot; results hash <code>")
        .append(ResultsFiles.resultsHash(r)).append("</code></p>\n");
    b.append("<h2>Headline</h2>\n<table class=\"headline\"><thead><tr><th>variant</th>");
    for (Outcome o : Outcome.values()) {
      b.append("<th class=\"o-").append(o.name()).append("\">").append(o.name()).append("</th>");
    }
    b.append("<th>unsafe</th><th>stuck</th><th>stuck window</th></tr></thead><tbody>\n");
    for (Results.VariantResults v : r.variants()) {
      Map<Outcome, Integer> c = counts(v.cases());
      int n = Math.max(1, v.cases().size());
      b.append("<tr><th>").append(esc(v.variant())).append("</th>");
      for (Outcome o : Outcome.values()) {
        b.append("<td>").append(c.get(o)).append("</td>");
      }
      int unsafe = c.get(Outcome.SPLIT_BRAIN) + c.get(Outcome.VM_LOST);
      b.append("<td>").append(pct(unsafe, n)).append("</td><td>")
          .append(pct(c.get(Outcome.STUCK_PAUSED), n)).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f ms", v.stuckNanos() / 1e6))
          .append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
    b.append("<h2>Counterexamples</h2>\n<ul>\n");
    for (Results.VariantResults v : r.variants()) {
      for (Outcome o : List.of(Outcome.SPLIT_BRAIN, Outcome.VM_LOST, Outcome.STUCK_PAUSED)) {
        v.cases().stream().filter(x -> x.outcome() == o).findFirst().ifPresent(x ->
            b.append("<li><b>").append(esc(v.variant())).append("</b> ").append(o.name())
                .append(": <code>").append(esc(x.id().toString())).append("</code> at <code>")
                .append(esc(x.pointLabel())).append("</code> (source ").append(x.phase().name())
                .append(") &mdash; <code>./pcsim replay ").append(esc(scenarioArg))
                .append(" --case ").append(esc(x.id().toString())).append("</code></li>\n"));
      }
    }
    b.append("</ul>\n<h2>Scenario</h2>\n<pre>").append(esc(r.scenario().toString()))
        .append("</pre>\n</body></html>\n");
    return b.toString();
  }

  private static String name(Results r) {
    return String.valueOf(r.scenario().get("name"));
  }

  private static Map<Outcome, Integer> counts(List<CaseResult> cases) {
    Map<Outcome, Integer> c = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      c.put(o, 0);
    }
    cases.forEach(x -> c.merge(x.outcome(), 1, Integer::sum));
    return c;
  }

  private static String pct(int k, int n) {
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * k / n);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static final String CSS = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;"
      + "color:#222}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px;"
      + "text-align:right}thead th{background:#f4f4f4}tbody th{text-align:left}"
      + ".meta{color:#666}code{background:#f6f6f6;padding:0 3px}"
      + ".o-SPLIT_BRAIN,.o-VM_LOST{color:#b00}.o-STUCK_PAUSED{color:#b60}"
      + ".o-MIGRATED{color:#070}";
}
