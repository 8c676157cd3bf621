package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.Enumerator;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Study;
import io.postcopysim.scenarios.Catalog;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replay timeline puts each fault at the time it struck. A fault that drops the event it
 * stands before (a blackhole before a delivery) leaves another event at that index, often
 * much later (the next retransmission): the FAULT line must not take that event's time.
 */
class ReplayTimelineTest {
  @Test
  void aFaultLineCarriesTheTimeItStruckEvenWhenItCancelledItsEvent() {
    Study study = Catalog.load("default").study();
    GoldenRun g = GoldenRun.of(study, study.variant("LEGACY"));
    CaseRunner runner = new CaseRunner(study);
    int moved = 0;
    for (CaseId id : new Enumerator(study).singles(g)) {
      if (id.first().point() % 25 != 0) {
        continue; // a sample of every phase keeps this quick
      }
      CaseRunner.Run run = runner.run(id, g, TraceMode.FULL);
      long k = id.first().point();
      long struck = g.point(k).time(); // the run equals the failure-free one up to there
      List<ReplayCommand.Line> fault = ReplayCommand.timeline(id, run).stream()
          .filter(l -> l.host().equals("FAULT")).toList();
      assertThat(fault).as(id.toString()).hasSize(1);
      assertThat(fault.get(0).timeNanos()).as(id.toString()).isEqualTo(struck);
      if (k < run.trace().events().size() && run.trace().events().get((int) k).time() != struck) {
        moved++;
      }
    }
    assertThat(moved).as("cases whose fault cancelled its event").isPositive();
  }
}
