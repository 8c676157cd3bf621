package io.postcopysim.reports;

import io.postcopysim.faults.Outcome;
import io.postcopysim.scenarios.SweepResults;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.entity.CategoryItemEntity;
import org.jfree.chart.entity.StandardEntityCollection;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * {@code sweep.html}: one self-contained page (inline CSS and SVG, no script). Per outcome
 * that some cell has, a line chart of its exposure against the first varied key, one line per
 * variant; with more varied keys, one such chart per combination of the others (small
 * multiples), each point a link to how to rerun its cell. Then every cell's figures and how to
 * rerun it. Drawn from sweep.csv's rows alone,
 * so a merged sweep's page is byte for byte the unsharded one's.
 */
public final class SweepReport {
  /** The outcomes charted, worst first; MIGRATED is the rest of the migration. */
  static final List<Outcome> CHARTED = List.of(Outcome.SPLIT_BRAIN, Outcome.DIVERGED,
      Outcome.VM_LOST, Outcome.STUCK_PAUSED, Outcome.RECOVERABLE_PAUSED,
      Outcome.RESUMED_ON_SOURCE, Outcome.UNSETTLED);
  private static final Color[] PALETTE = {new Color(0x1565c0), new Color(0xd84315),
      new Color(0x2e7d32), new Color(0x6a1b9a), new Color(0x00838f), new Color(0x9e9d24),
      new Color(0x5d4037), new Color(0x455a64)};
  private static final Font FONT = new Font("SansSerif", Font.PLAIN, 11);

  private SweepReport() {}

  public static String render(SweepResults s) {
    StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head>"
        + "<meta charset=\"utf-8\"><title>sweep ").append(HtmlReport.esc(s.name()))
        .append("</title><style>").append(CSS).append("</style></head><body>\n");
    b.append("<h1>Sweep ").append(HtmlReport.esc(s.name())).append("</h1>\n<p class=\"meta\">")
        .append(s.cellCount()).append(" cells over ")
        .append(HtmlReport.esc(String.join(", ", s.paths()))).append("; model ")
        .append(HtmlReport.esc(s.model())).append("</p>\n<p>Each chart shows, for one outcome,"
            + " the exposure: milliseconds of the migration in which one fault leads to it,"
            + " summed over the scenario's fault kinds (sweep.csv's <code>*_exposure_ms</code>),"
            + " against <code>").append(HtmlReport.esc(s.paths().get(0)))
        .append("</code>, one line per design.</p>\n");
    Map<List<String>, List<SweepResults.Row>> groups = groups(s);
    int chart = 0;
    for (Map.Entry<List<String>, List<SweepResults.Row>> g : groups.entrySet()) {
      if (s.paths().size() > 1) {
        b.append("<h2>").append(HtmlReport.esc(describe(s.paths(), g.getKey()))).append("</h2>\n");
      }
      for (Outcome o : CHARTED) {
        if (g.getValue().stream().allMatch(r -> r.exposureMs().get(o) == 0)) {
          continue;
        }
        b.append("<figure>").append(chart(s, g.getValue(), o, "c" + chart++))
            .append("</figure>\n");
      }
    }
    cells(b, s);
    return b.append("</body></html>\n").toString();
  }

  /**
   * Each chart of {@code sweep.html} as a standalone SVG file, for a README or a paper:
   * {@code OUTCOME.svg}, or {@code OUTCOME-VALUE_VALUE.svg} per value of the other keys. Each
   * carries its figures in a {@code <desc>} (one line per design), so a test can tell a stale
   * figure from a fresh one without comparing how fonts were laid out.
   */
  public static Map<String, String> figures(SweepResults s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<List<String>, List<SweepResults.Row>> g : groups(s).entrySet()) {
      for (Outcome o : CHARTED) {
        if (g.getValue().stream().allMatch(r -> r.exposureMs().get(o) == 0)) {
          continue;
        }
        String name = o.name() + (g.getKey().isEmpty() ? ""
            : "-" + String.join("_", g.getKey()).replaceAll("[^A-Za-z0-9._]", ""));
        String svg = draw(s, g.getValue(), o, name).getSVGDocument();
        int body = svg.indexOf('>', svg.indexOf("<svg")) + 1;
        out.put(name + ".svg", svg.substring(0, body) + "<desc>" + HtmlReport.esc(
            data(g.getValue(), o)) + "</desc>" + svg.substring(body));
      }
    }
    return out;
  }

  /** What a chart shows, as text: per design, each x value's exposure in ms. */
  static String data(List<SweepResults.Row> rows, Outcome o) {
    Map<String, List<String>> byVariant = new LinkedHashMap<>();
    for (SweepResults.Row r : rows) {
      byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>())
          .add(r.values().get(0) + "=" + fmt(r.exposureMs().get(o)));
    }
    StringBuilder b = new StringBuilder(o.name()).append(" exposure (ms)\n");
    byVariant.forEach((v, xs) -> b.append(v).append(": ").append(String.join(", ", xs))
        .append('\n'));
    return b.toString();
  }

  /** Rows by the values of every varied key but the first, in cell order. */
  private static Map<List<String>, List<SweepResults.Row>> groups(SweepResults s) {
    Map<List<String>, List<SweepResults.Row>> groups = new LinkedHashMap<>();
    for (SweepResults.Row r : s.rows()) {
      groups.computeIfAbsent(r.values().subList(1, r.values().size()), k -> new ArrayList<>())
          .add(r);
    }
    return groups;
  }

  private static String describe(List<String> paths, List<String> rest) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < rest.size(); i++) {
      parts.add(paths.get(i + 1) + " = " + rest.get(i));
    }
    return String.join(", ", parts);
  }

  private static String chart(SweepResults s, List<SweepResults.Row> rows, Outcome o,
      String id) {
    ChartRenderingInfo info = new ChartRenderingInfo(new StandardEntityCollection());
    String svg = draw(s, rows, o, id, info).getSVGElement();
    int end = svg.lastIndexOf("</svg>");
    return svg.substring(0, end) + links(s, rows, info) + svg.substring(end);
  }

  private static SVGGraphics2D draw(SweepResults s, List<SweepResults.Row> rows, Outcome o,
      String id) {
    return draw(s, rows, o, id, null);
  }

  private static SVGGraphics2D draw(SweepResults s, List<SweepResults.Row> rows, Outcome o,
      String id, ChartRenderingInfo info) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (SweepResults.Row r : rows) {
      data.addValue(r.exposureMs().get(o), r.variant(), r.values().get(0));
    }
    CategoryPlot plot = new CategoryPlot();
    plot.setDataset(data);
    CategoryAxis x = new CategoryAxis(s.paths().get(0));
    x.setTickLabelFont(FONT);
    x.setLabelFont(FONT);
    plot.setDomainAxis(x);
    NumberAxis y = new NumberAxis(o.name() + " exposure (ms)");
    y.setTickLabelFont(FONT);
    y.setLabelFont(FONT);
    plot.setRangeAxis(y);
    LineAndShapeRenderer line = new LineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getRowCount(); i++) {
      line.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      line.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(line);
    plot.setBackgroundPaint(new Color(0xfafafa));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(null, FONT, plot, true);
    chart.addSubtitle(new TextTitle(o.name() + ": exposure against " + s.paths().get(0),
        new Font("SansSerif", Font.BOLD, 12)));
    chart.setBackgroundPaint(Color.WHITE);
    SVGGraphics2D g = new SVGGraphics2D(900, 320);
    g.setDefsKeyPrefix(id + "-");
    chart.draw(g, new Rectangle(0, 0, 900, 320), info);
    return g;
  }

  /**
   * Each plotted point as a link to its cell's scenario (#cell-N, "Rerun a cell"), drawn over
   * the point from the area JFreeChart reports for it; without stored scenarios, to nothing.
   */
  private static String links(SweepResults s, List<SweepResults.Row> rows,
      ChartRenderingInfo info) {
    if (s.scenarios().isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("<g class=\"cells\">");
    for (Object o : info.getEntityCollection().getEntities()) {
      if (!(o instanceof CategoryItemEntity e)) {
        continue;
      }
      Object variant = e.getRowKey();
      Object value = e.getColumnKey();
      rows.stream().filter(r -> r.variant().equals(variant) && r.values().get(0).equals(value))
          .findFirst().ifPresent(r -> {
            java.awt.geom.Rectangle2D a = e.getArea().getBounds2D();
            b.append(String.format(Locale.ROOT, "<a href=\"#cell-%d\"><rect x=\"%.1f\""
                + " y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"transparent\">"
                + "<title>%s at %s: cell %d</title></rect></a>", r.cell(), a.getX(), a.getY(),
                a.getWidth(), a.getHeight(), HtmlReport.esc(r.variant()),
                HtmlReport.esc(r.values().get(0)), r.cell()));
          });
    }
    return b.append("</g>").toString();
  }

  /** The table of every cell, and how to run one as a scenario of its own. */
  private static void cells(StringBuilder b, SweepResults s) {
    b.append("<h2>Cells</h2>\n<p>To rerun a cell with its case files and report, write a"
        + " scenario file that is the sweep's base with its <code>set</code> keys and the"
        + " cell's values, and run <code>./pcsim run FILE.yaml</code>: its results hash is the"
        + " cell's.</p>\n<table><thead><tr>"
        + "<th>cell</th>");
    s.paths().forEach(p -> b.append("<th>").append(HtmlReport.esc(p)).append("</th>"));
    b.append("<th>variant</th><th>cases</th><th>migration ms</th>");
    for (Outcome o : Outcome.values()) {
      b.append("<th>").append(o.name()).append(" ms</th>");
    }
    b.append("<th>results hash</th></tr></thead><tbody>\n");
    for (SweepResults.Row r : s.rows()) {
      b.append("<tr><td>").append(s.scenarios().isEmpty() ? String.valueOf(r.cell())
          : "<a href=\"#cell-" + r.cell() + "\">" + r.cell() + "</a>").append("</td>");
      r.values().forEach(v -> b.append("<td class=\"key\">").append(HtmlReport.esc(v))
          .append("</td>"));
      b.append("<td class=\"key\">").append(HtmlReport.esc(r.variant())).append("</td><td>")
          .append(r.cases()).append("</td><td>").append(fmt(r.migrationMs())).append("</td>");
      for (Outcome o : Outcome.values()) {
        double v = r.exposureMs().get(o);
        b.append(v == 0 ? "<td class=\"zero\">" : "<td>").append(fmt(v)).append("</td>");
      }
      b.append("<td><code>").append(r.resultsHash()).append("</code></td></tr>\n");
    }
    b.append("</tbody></table>\n");
    rerun(b, s);
  }

  /** Each cell's scenario, ready to save and run: {@code pcsim run} gives the cell's hash. */
  private static void rerun(StringBuilder b, SweepResults s) {
    if (s.scenarios().isEmpty()) {
      return;
    }
    b.append("<h2>Rerun a cell</h2>\n<p>Save a cell's scenario (JSON is YAML) as"
        + " <code>cell.yaml</code> and run <code>./pcsim run cell.yaml</code>: the same cases,"
        + " with case files and a report, and the cell's results hash.</p>\n");
    com.fasterxml.jackson.databind.ObjectWriter w = new com.fasterxml.jackson.databind
        .ObjectMapper().writerWithDefaultPrettyPrinter();
    for (int c = 0; c < s.scenarios().size(); c++) {
      String text;
      try {
        text = w.writeValueAsString(s.scenarios().get(c));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      int cell = c;
      String values = s.rows().stream().filter(r -> r.cell() == cell).findFirst()
          .map(r -> full(s.paths(), r.values())).orElse("");
      b.append("<details id=\"cell-").append(c).append("\"><summary>cell ").append(c)
          .append(": ").append(HtmlReport.esc(values)).append("</summary><pre>")
          .append(HtmlReport.esc(text)).append("</pre></details>\n");
    }
  }

  private static String full(List<String> paths, List<String> values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      parts.add(paths.get(i) + " = " + values.get(i));
    }
    return String.join(", ", parts);
  }

  private static String fmt(double ms) {
    return String.format(Locale.ROOT, "%.3f", ms);
  }

  private static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;\
      max-width:1100px;padding:1em 2em;color:#222}
      h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
      table{border-collapse:collapse;margin:.5em 0;font-size:12px}
      th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}
      thead th{background:#f4f4f4}td.key{text-align:left}td.zero{color:#bbb}
      .meta{color:#666;margin-top:0}code{background:#f3f3f3;padding:0 3px;border-radius:3px}
      figure{margin:1em 0}svg{max-width:100%;height:auto}
      """;
}
