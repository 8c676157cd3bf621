package io.postcopysim.reports;

import io.postcopysim.scenarios.BatchRunner;
import io.postcopysim.scenarios.Results;
import io.postcopysim.scenarios.Scenario;
import io.postcopysim.scenarios.ScenarioLoader;

/** One small scenario's results and report, made once per JVM for the report tests. */
final class Reports {
  static final Scenario SCENARIO = ScenarioLoader.parse("""
      name: report-test
      vm: {ram: 512MiB, working-set: 64MiB, stream-chunk: 32MiB}
      migration:
        variants: [LEGACY, POSTCOPY_DEVICE, POSTCOPY_SETUP]
        precopy-time: 100ms
        disk-locking: false
      faults:
        kinds: [DEST_CRASH, PARTITION_TO_SOURCE, DEST_LOAD_ERROR, DEST_ACTIVATE_ERROR]
      """, "report-test.yaml");
  static final Results RESULTS;
  static final String HTML;

  static {
    try {
      RESULTS = BatchRunner.run(SCENARIO, new BatchRunner.Options(2, null, null, null));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    HTML = HtmlReport.render(RESULTS, SCENARIO, "report-test.yaml");
  }

  private Reports() {}
}
