package io.postcopysim.reports;

import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.Outcome;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** Charts drawn by JFreeChart and rendered to inline SVG by JFreeSVG. */
final class Charts {
  static final Map<Outcome, Color> COLORS = new EnumMap<>(Map.of(
      Outcome.MIGRATED, new Color(0x2e7d32), Outcome.RESUMED_ON_SOURCE, new Color(0x81c784),
      Outcome.RECOVERABLE_PAUSED, new Color(0x64b5f6), Outcome.STUCK_PAUSED, new Color(0xffa000),
      Outcome.SPLIT_BRAIN, new Color(0xd32f2f), Outcome.DIVERGED, new Color(0xf06292),
      Outcome.VM_LOST, new Color(0x6a1b9a), Outcome.UNSETTLED, new Color(0x9e9e9e)));
  private static final Font FONT = new Font("SansSerif", Font.PLAIN, 11);

  private Charts() {}

  /** An outcome the model adds later is drawn in grey until it has a colour here. */
  static Color color(Outcome o) {
    return COLORS.getOrDefault(o, Color.GRAY);
  }

  static String hex(Outcome o) {
    return String.format("#%06x", color(o).getRGB() & 0xffffff);
  }

  /**
   * Where along the migration a fault struck, one row per fault kind, along virtual time in
   * ms: the cell of the point before event k spans (t(k-1), t(k)], the faults it stands for;
   * coloured by outcome; dashed lines where the source's phase changes. Runs of equal outcomes
   * are drawn as one bar, so the SVG stays small however many points there are. A cell of no
   * width (events at one instant) is drawn a hair wide so it can be seen.
   *
   * @param times the virtual time of each event of the failure-free run
   * @param gapNanos the spacing of points inside quiet gaps, 0 for none: such a point's cell
   *     spans the gapNanos before it, and its event's cell only the rest of the gap
   * @param fromPoint first point shown; {@code toPoint} the last
   */
  static String outcomeStrip(String id, List<String> kinds, List<CaseResult> singles,
      long[] times, long gapNanos, long fromPoint, long toPoint) {
    double from = ms(start(times, fromPoint));
    double to = Math.max(ms(times[(int) toPoint]), from + 1e-3);
    double hair = (to - from) / 1000;
    Map<Outcome, XYIntervalSeries> series = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      series.put(o, new XYIntervalSeries(o.name()));
    }
    for (int row = 0; row < kinds.size(); row++) {
      String kind = kinds.get(row);
      List<CaseResult> cells = singles.stream().filter(r -> r.faultKind().equals(kind)
          && r.point() >= fromPoint && r.point() <= toPoint).toList();
      for (int i = 0; i < cells.size(); ) {
        CaseResult first = cells.get(i);
        int j = i;
        while (j + 1 < cells.size() && cells.get(j + 1).outcome() == first.outcome()
            && span(times, cells.get(j + 1), gapNanos)[0]
                == span(times, cells.get(j), gapNanos)[1]) {
          j++;
        }
        double x0 = ms(span(times, first, gapNanos)[0]);
        double x1 = Math.max(ms(span(times, cells.get(j), gapNanos)[1]), x0 + hair);
        series.get(first.outcome()).add((x0 + x1) / 2, x0, x1, row, row - 0.45, row + 0.45);
        i = j + 1;
      }
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    XYBarRenderer renderer = new XYBarRenderer();
    renderer.setUseYInterval(true);
    renderer.setShadowVisible(false);
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setDrawBarOutline(false);
    int s = 0;
    for (Outcome o : Outcome.values()) {
      data.addSeries(series.get(o));
      renderer.setSeriesPaint(s++, color(o));
    }
    NumberAxis x = new NumberAxis("virtual time (ms)");
    x.setRange(from, to);
    x.setLabelFont(FONT);
    x.setTickLabelFont(FONT);
    SymbolAxis y = new SymbolAxis(null, kinds.toArray(String[]::new));
    y.setTickLabelFont(FONT);
    y.setGridBandsVisible(false);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(new Color(0xfafafa));
    MigrationStatus phase = null;
    for (CaseResult r : singles) {
      if (r.phase() != phase && r.point() >= fromPoint && r.point() <= toPoint) {
        phase = r.phase();
        ValueMarker m = new ValueMarker(ms(start(times, r.point())), Color.DARK_GRAY,
            new BasicStroke(1f,
            BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {3f, 3f}, 0f));
        m.setLabel(phase.qapiName());
        m.setLabelFont(FONT);
        m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addDomainMarker(m);
      }
    }
    JFreeChart chart = new JFreeChart(null, FONT, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    return svg(chart, 1000, 60 + 26 * kinds.size(), id);
  }

  /**
   * The span a case's point stands for: (t(k-1), t(k)] without gap points; with them, the g
   * before the j-th point inside the gap, or the rest of the gap for the event's own point
   * (as GoldenRun.point(Fault) computes it).
   */
  static long[] span(long[] times, CaseResult c, long gapNanos) {
    long from = start(times, c.point());
    long to = times[(int) c.point()];
    int gap = c.id().first().gap();
    if (gapNanos <= 0 || to - from <= gapNanos) {
      return new long[] {from, to};
    }
    if (gap > 0) {
      return new long[] {from + (gap - 1) * gapNanos, from + gap * gapNanos};
    }
    return new long[] {from + (to - from - 1) / gapNanos * gapNanos, to};
  }

  /** Where the span of point k starts: the time of event k-1 (0 for the first). */
  private static long start(long[] times, long point) {
    return point <= 0 ? 0 : times[(int) point - 1];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** A grouped bar chart: categories along x, one bar per series. */
  static String bars(String id, String title, String xLabel, String yLabel,
      List<String> categories, Map<String, long[]> series) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    series.forEach((name, counts) -> {
      for (int i = 0; i < categories.size(); i++) {
        data.addValue(counts[i], name, categories.get(i));
      }
    });
    CategoryPlot plot = new CategoryPlot();
    plot.setDataset(data);
    org.jfree.chart.axis.CategoryAxis cx = new org.jfree.chart.axis.CategoryAxis(xLabel);
    cx.setTickLabelFont(FONT);
    cx.setLabelFont(FONT);
    plot.setDomainAxis(cx);
    NumberAxis cy = new NumberAxis(yLabel);
    cy.setLabelFont(FONT);
    cy.setTickLabelFont(FONT);
    cy.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setRangeAxis(cy);
    BarRenderer r = new BarRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setItemMargin(0.02);
    plot.setRenderer(r);
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setBackgroundPaint(new Color(0xfafafa));
    JFreeChart chart = new JFreeChart(null, FONT, plot, true);
    chart.addSubtitle(new TextTitle(title, new Font("SansSerif", Font.BOLD, 12)));
    chart.setBackgroundPaint(Color.WHITE);
    return svg(chart, 1000, 300, id);
  }

  /** Log-spaced bucket labels and counts of millisecond values (negative values skipped). */
  static long[] bucket(List<Double> values, double[] bounds) {
    long[] c = new long[bounds.length + 1];
    for (double v : values) {
      if (v < 0) {
        continue;
      }
      int b = 0;
      while (b < bounds.length && v > bounds[b]) {
        b++;
      }
      c[b]++;
    }
    return c;
  }

  static List<String> bucketLabels(double[] bounds) {
    List<String> out = new ArrayList<>();
    for (double b : bounds) {
      out.add("≤" + format(b));
    }
    out.add(">" + format(bounds[bounds.length - 1]));
    return out;
  }

  private static String format(double ms) {
    if (ms >= 60_000) {
      return (long) (ms / 60_000) + "min";
    }
    if (ms >= 1000) {
      return (long) (ms / 1000) + "s";
    }
    return (ms == Math.rint(ms) ? String.valueOf((long) ms) : String.valueOf(ms)) + "ms";
  }

  private static String svg(JFreeChart chart, int w, int h, String id) {
    SVGGraphics2D g = new SVGGraphics2D(w, h);
    g.setDefsKeyPrefix(id + "-"); // ids stay unique among the report's inline SVGs
    chart.draw(g, new Rectangle(0, 0, w, h));
    return g.getSVGElement();
  }
}
