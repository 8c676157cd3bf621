package io.postcopysim.scenarios;

import io.postcopysim.faults.CaseResult;
import java.util.List;
import java.util.Map;

/**
 * Everything results.json and cases.csv say, and nothing else: a run and a merge of shards both
 * build one (through {@link Aggregate}), and the files are a function of it, so a merge is
 * byte-identical to a full run.
 *
 * @param model the {@link ModelFingerprint} of the build that ran the cases
 * @param shard "I/N" for a shard's partial results, null for a whole run
 */
public record Results(String tool, String version, String model, Map<String, Object> scenario,
    String shard, List<VariantResults> variants) {

  public static final String TOOL = "postcopy-sim";
  public static final String VERSION = "0.1.0";

  /**
   * One variant: its failure-free run, its cases in canonical order, the stuck window's width
   * over the failure points this result covers, and the virtual time of every event of the
   * failure-free run (a case's point time is {@code pointTimes[point]}, or, for a point inside
   * a gap, {@code gap * gapNanos} after the event before).
   */
  public record VariantResults(String variant, GoldenSummary golden, long stuckNanos,
      Map<String, Long> stuckByKindNanos, List<CaseResult> cases, long[] pointTimes,
      io.postcopysim.faults.Exposure exposure, long gapNanos) {

    /** Virtual time at which a case's first fault struck. */
    public long pointTime(CaseResult c) {
      int gap = c.id().first().gap();
      if (gap == 0) {
        return pointTimes[(int) c.point()];
      }
      return (c.point() == 0 ? 0 : pointTimes[(int) c.point() - 1]) + gap * gapNanos;
    }
  }

  public long caseCount() {
    return variants.stream().mapToLong(v -> v.cases().size()).sum();
  }
}
