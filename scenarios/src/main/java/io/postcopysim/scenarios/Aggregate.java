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
      variants.add(new Results.VariantResults(g.variant().name(), GoldenSummary.of(g),
          StuckWindow.width(g, cases), byKind, cases, pointTimes(g),
          Exposure.of(g, scenario.study(), cases), g.gapNanos()));
    }
    return new Results(Results.TOOL, Results.VERSION, ModelFingerprint.value(),
        scenario.resolved(), shard, variants);
  }

  static long[] pointTimes(GoldenRun g) {
    return g.points().stream().mapToLong(FailurePoint::time).toArray();
  }

}
