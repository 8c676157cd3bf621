package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationResult;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Outcome;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A variant's failure-free run as results.json's {@code golden} block (docs/DESIGN.md §4.7):
 * typed for the code that reads it, written in the contract's key order.
 *
 * @param finding the design's own failure without a fault, or empty
 * @param histogram page faults per latency bucket (upper bound in ms, then "more")
 */
public record GoldenSummary(Outcome outcome, String finding, long events, long totalTimeNanos,
    long downtimeNanos, long latencyP50Nanos, long latencyP99Nanos, long latencyMaxNanos,
    Map<String, Long> histogram, long pagesPushed, long pagesRequested, long traceHash) {

  public GoldenSummary {
    histogram = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(histogram));
  }

  static GoldenSummary of(GoldenRun g) {
    MigrationResult r = g.result();
    return new GoldenSummary(g.outcome(), g.finding(), r.events(), r.totalTime(), r.downtime(),
        r.faultLatencyP50(), r.faultLatencyP99(), r.faultLatencyMax(),
        histogram(g.faultLatencies()), r.pagesPushed(), r.pagesRequested(), r.traceHash());
  }

  /** Upper bounds in ms of the fault-latency histogram's buckets; the last is unbounded. */
  static final double[] LATENCY_BUCKETS_MS = {0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  /** Page faults per latency bucket, keyed "≤ bound" in ms ("more" for the rest). */
  static Map<String, Long> histogram(long[] latencies) {
    long[] counts = new long[LATENCY_BUCKETS_MS.length + 1];
    for (long l : latencies) {
      int b = 0;
      while (b < LATENCY_BUCKETS_MS.length && l > LATENCY_BUCKETS_MS[b] * 1e6) {
        b++;
      }
      counts[b]++;
    }
    Map<String, Long> h = new LinkedHashMap<>();
    for (int b = 0; b < LATENCY_BUCKETS_MS.length; b++) {
      h.put(String.valueOf(LATENCY_BUCKETS_MS[b]), counts[b]);
    }
    h.put("more", counts[LATENCY_BUCKETS_MS.length]);
    return h;
  }

  /** The block as results.json writes it. */
  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", outcome.name());
    if (!finding.isEmpty()) {
      m.put("finding", finding); // the design fails without a fault: say so, loudly
    }
    m.put("events", events);
    m.put("total_time_ms", ResultsFiles.millis(totalTimeNanos));
    m.put("downtime_ms", ResultsFiles.millis(downtimeNanos));
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("p50", ResultsFiles.millis(latencyP50Nanos));
    lat.put("p99", ResultsFiles.millis(latencyP99Nanos));
    lat.put("max", ResultsFiles.millis(latencyMaxNanos));
    m.put("fault_latency_ms", lat);
    m.put("fault_latency_histogram_ms", new LinkedHashMap<>(histogram));
    m.put("pages_pushed", pagesPushed);
    m.put("pages_requested", pagesRequested);
    m.put("trace_hash", CasesCsv.hex(traceHash));
    return m;
  }
}
