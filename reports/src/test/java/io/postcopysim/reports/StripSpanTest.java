package io.postcopysim.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.Outcome;
import org.junit.jupiter.api.Test;

/** The report's strip draws a point inside a gap over its own span, as exposure charges it. */
class StripSpanTest {
  private static CaseResult at(long point, int gap) {
    return new CaseResult(CaseId.single("LEGACY", FaultKind.DEST_CRASH, point, gap),
        "DEST_CRASH", point, "x", MigrationStatus.ACTIVE, Outcome.MIGRATED, 0, -1, false, 0);
  }

  @Test
  void gapPointsSplitTheirEventsSpanIntoContiguousCells() {
    long[] times = {1_000, 26_000_000}; // a 25.999 ms gap before event 1
    long g = 10_000_000;
    assertThat(Charts.span(times, at(1, 1), g)).containsExactly(1_000, 10_001_000);
    assertThat(Charts.span(times, at(1, 2), g)).containsExactly(10_001_000, 20_001_000);
    assertThat(Charts.span(times, at(1, 0), g)).containsExactly(20_001_000, 26_000_000);
    assertThat(Charts.span(times, at(1, 0), 0)).containsExactly(1_000, 26_000_000);
    assertThat(Charts.span(times, at(0, 0), g)).containsExactly(0, 1_000);
  }
}
