package io.postcopysim.scenarios;

import io.postcopysim.faults.CaseResult;
import java.util.List;
import java.util.Map;

/**
 * Everything results.json and cases.csv say, and nothing else: a run and a merge of shards both
 * build one, and the files are a function of it, so a merge is byte-identical to a full run.
 *
 * @param shard "I/N" for a shard's partial results, null for a whole run
 */
public record Results(String tool, String version, Map<String, Object> scenario, String shard,
    List<VariantResults> variants) {

  public static final String TOOL = "postcopy-sim";
  public static final String VERSION = "0.1.0";

  /**
   * One variant: its failure-free run, its cases in canonical order, and the stuck window's
   * width summed over the failure points this result covers (shards add up).
   */
  public record VariantResults(String variant, Map<String, Object> golden, long stuckNanos,
      Map<String, Long> stuckByKindNanos, List<CaseResult> cases) {}

  public long caseCount() {
    return variants.stream().mapToLong(v -> v.cases().size()).sum();
  }
}
