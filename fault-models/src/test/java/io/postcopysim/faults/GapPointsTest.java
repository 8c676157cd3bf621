package io.postcopysim.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.core.net.TcpParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Points inside quiet gaps ({@code faults.gap-points}): a fault early and late in one long gap
 * are both simulated, each charged its own span, and a fork gives what a fresh run gives.
 */
class GapPointsTest {
  /**
   * ExposureTest's gap: LEGACY, 1 GiB, postcopy at 500 ms, the source blocked on its last
   * precopy chunk when postcopy should start.
   */
  static Study blockedSource(long gapNanos, List<FaultKind> kinds) {
    return new Study(42, Time.HOUR, MigrationParams.defaults().toBuilder()
        .ramBytes(1L << 30).workingSetBytes(256L << 20).precopyNanos(Time.millis(500)).build(),
        TcpParams.defaults().withLatency(Time.millis(1)), List.of(Variants.LEGACY),
        kinds, Set.of(), 1, Time.NEVER, gapNanos);
  }

  private static List<CaseResult> runAll(Study s, GoldenRun g) {
    CaseRunner runner = new CaseRunner(s);
    List<CaseResult> cases = new ArrayList<>();
    for (CaseId id : new Enumerator(s).singles(g)) {
      cases.add(runner.run(id, g));
    }
    return cases;
  }

  @Test
  void aFaultEarlyInTheGapIsNoticedInPrecopyALateOneLeavesTheVmStuck() {
    Study plain = blockedSource(0, List.of(FaultKind.DEST_CRASH));
    GoldenRun g0 = GoldenRun.of(plain, plain.variant("LEGACY"));
    CaseResult firstStuck = runAll(plain, g0).stream()
        .filter(c -> c.outcome() == Outcome.STUCK_PAUSED).findFirst().orElseThrow();
    long k = firstStuck.point();

    Study gapped = blockedSource(Time.millis(1), List.of(FaultKind.DEST_CRASH));
    GoldenRun g = GoldenRun.of(gapped, gapped.variant("LEGACY"));
    assertThat(g.gaps(k)).isGreaterThan(10); // the quiet gap has points inside it now
    List<CaseResult> inGap = runAll(gapped, g).stream().filter(c -> c.point() == k).toList();
    assertThat(inGap.get(0).id().first().gap()).isEqualTo(1);
    assertThat(inGap.get(0).outcome()).isNotEqualTo(Outcome.STUCK_PAUSED);
    CaseResult event = inGap.get(inGap.size() - 1);
    assertThat(event.id().first().gap()).isZero();
    assertThat(event.outcome()).isEqualTo(Outcome.STUCK_PAUSED);
    assertThat(event.traceHash()).isEqualTo(firstStuck.traceHash()); // the event's own case
    assertThat(g.point(event.id().first()).width()).isLessThanOrEqualTo(Time.millis(1));
  }

  @Test
  void gapPointsShrinkTheOverCountAndExposureStillSumsToTheMigration() {
    List<FaultKind> kinds = List.of(FaultKind.DEST_CRASH, FaultKind.PARTITION);
    Study plain = blockedSource(0, kinds);
    GoldenRun g0 = GoldenRun.of(plain, plain.variant("LEGACY"));
    Exposure before = Exposure.of(g0, plain, runAll(plain, g0));
    Study gapped = blockedSource(Time.millis(1), kinds);
    GoldenRun g = GoldenRun.of(gapped, gapped.variant("LEGACY"));
    List<CaseResult> cases = runAll(gapped, g);
    Exposure after = Exposure.of(g, gapped, cases);
    long stuckBefore = before.total().get(Outcome.STUCK_PAUSED);
    long stuckAfter = after.total().get(Outcome.STUCK_PAUSED);
    assertThat(stuckAfter).isLessThan(stuckBefore - Time.millis(10));
    assertThat(after.migrationNanos()).isEqualTo(before.migrationNanos());
    for (Map<Outcome, Long> m : after.byKind().values()) {
      assertThat(m.values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(after.migrationNanos());
    }
    Map<FaultKind, Long> stuck = StuckWindow.byKind(g, cases);
    after.byKind().forEach((kind, m) ->
        assertThat(m.get(Outcome.STUCK_PAUSED)).as(kind.name()).isEqualTo(stuck.get(kind)));
  }

  @Test
  void aForkRunsEveryGapCaseAsAFreshRunDoes() {
    Study s = blockedSource(Time.millis(2), List.of(FaultKind.DEST_CRASH, FaultKind.PARTITION,
        FaultKind.DEST_HOST_CRASH, FaultKind.PARTITION_TO_SOURCE));
    GoldenRun g = GoldenRun.of(s, s.variant("LEGACY"));
    CaseRunner runner = new CaseRunner(s);
    CaseRunner.Walker walker = runner.walker("LEGACY");
    int checked = 0;
    for (CaseId id : new Enumerator(s).singles(g)) {
      if (id.first().gap() == 0) {
        continue;
      }
      CaseResult fresh = runner.run(id, g);
      CaseResult forked = runner.runFrom(walker.at(id.first().point()), id, g);
      assertThat(forked).as(id.toString()).isEqualTo(fresh);
      checked++;
    }
    assertThat(checked).isGreaterThan(50);
  }

  @Test
  void caseIdsNameGapPointsAndSortThemBeforeTheirEvent() {
    CaseId gap = CaseId.parse("LEGACY/DEST_CRASH@87.3");
    assertThat(gap.first()).isEqualTo(new Fault(FaultKind.DEST_CRASH, 87, 3));
    assertThat(gap.toString()).isEqualTo("LEGACY/DEST_CRASH@87.3");
    assertThat(gap).isLessThan(CaseId.parse("LEGACY/DEST_CRASH@87"))
        .isLessThan(CaseId.parse("LEGACY/DEST_CRASH@87.4"))
        .isGreaterThan(CaseId.parse("LEGACY/PARTITION@86"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CaseId.parse("LEGACY/DEST_CRASH@87.0"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
