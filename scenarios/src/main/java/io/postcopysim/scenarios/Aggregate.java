package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationResult;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.Exposure;
import io.postcopysim.faults.FailurePoint;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.StuckWindow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results from case rows and failure-free runs, and nothing else: every figure results.json
 * holds (stuck windows, golden measures, point times) is computed here from those two, so a run
 * and a merge of shards cannot disagree, and a doctored figure in a shard's file cannot reach a
 * merged headline.
 */
public final class Aggregate {
  private Aggregate() {}

  /**
   * @param rows per variant (in the study's order), the cases in canonical order
   * @param shard "I/N", or null for a whole run
   */
  public static Results of(Scenario scenario, String shard, List<GoldenRun> goldens,
      List<List<CaseResult>> rows) {
    List<Results.VariantResults> variants = new java.util.ArrayList<>();
    for (int vi = 0; vi < goldens.size(); vi++) {
      GoldenRun g = goldens.get(vi);
      List<CaseResult> cases = List.copyOf(rows.get(vi));
      Map<String, Long> byKind = new LinkedHashMap<>();
      for (FaultKind k : scenario.study().kinds()) {
        byKind.put(k.name(), 0L);
      }
      StuckWindow.byKind(g, cases).forEach((k, ns) -> byKind.put(k.name(), ns));
      variants.add(new Results.VariantResults(g.variant().name(), golden(g),
          StuckWindow.width(g, cases), byKind, cases, pointTimes(g),
          Exposure.of(g, scenario.study(), cases)));
    }
    return new Results(Results.TOOL, Results.VERSION, ModelFingerprint.value(),
        scenario.resolved(), shard, variants);
  }

  static long[] pointTimes(GoldenRun g) {
    return g.points().stream().mapToLong(FailurePoint::time).toArray();
  }

  static Map<String, Object> golden(GoldenRun g) {
    MigrationResult r = g.result();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", g.outcome().name());
    if (!g.finding().isEmpty()) {
      m.put("finding", g.finding()); // the design fails without a fault: say so, loudly
    }
    m.put("events", r.events());
    m.put("total_time_ms", ResultsFiles.millis(r.totalTime()));
    m.put("downtime_ms", ResultsFiles.millis(r.downtime()));
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("p50", ResultsFiles.millis(r.faultLatencyP50()));
    lat.put("p99", ResultsFiles.millis(r.faultLatencyP99()));
    lat.put("max", ResultsFiles.millis(r.faultLatencyMax()));
    m.put("fault_latency_ms", lat);
    m.put("fault_latency_histogram_ms", histogram(g.faultLatencies()));
    m.put("pages_pushed", r.pagesPushed());
    m.put("pages_requested", r.pagesRequested());
    m.put("trace_hash", CasesCsv.hex(r.traceHash()));
    return m;
  }

  /** Upper bounds in ms of the fault-latency histogram's buckets; the last is unbounded. */
  static final double[] LATENCY_BUCKETS_MS = {0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  /** Page faults per latency bucket, keyed "≤ bound" in ms ("more" for the rest). */
  static Map<String, Object> histogram(long[] latencies) {
    long[] counts = new long[LATENCY_BUCKETS_MS.length + 1];
    for (long l : latencies) {
      int b = 0;
      while (b < LATENCY_BUCKETS_MS.length && l > LATENCY_BUCKETS_MS[b] * 1e6) {
        b++;
      }
      counts[b]++;
    }
    Map<String, Object> h = new LinkedHashMap<>();
    for (int b = 0; b < LATENCY_BUCKETS_MS.length; b++) {
      h.put(String.valueOf(LATENCY_BUCKETS_MS[b]), counts[b]);
    }
    h.put("more", counts[LATENCY_BUCKETS_MS.length]);
    return h;
  }
}
