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

/** Exposure: the time of a migration in which one fault leads to each outcome. */
class ExposureTest {
  @Test
  void eachKindsExposuresSumToTheMigrationAndStuckIsTheStuckWindowsKind() {
    for (String variant : List.of("LEGACY", "POSTCOPY_DEVICE", "POSTCOPY_SETUP")) {
      Explored e = Explored.of(variant, true);
      Exposure x = Exposure.of(e.golden, e.study, e.results);
      long last = e.golden.points().get(e.golden.points().size() - 1).time();
      assertThat(x.migrationNanos()).isEqualTo(last);
      Map<FaultKind, Long> stuck = StuckWindow.byKind(e.golden, e.results);
      for (Map.Entry<FaultKind, Map<Outcome, Long>> k : x.byKind().entrySet()) {
        assertThat(k.getValue().values().stream().mapToLong(Long::longValue).sum())
            .as(variant + " " + k.getKey()).isEqualTo(last);
        assertThat(k.getValue().get(Outcome.STUCK_PAUSED)).as(variant + " " + k.getKey())
            .isEqualTo(stuck.get(k.getKey()));
      }
      long window = StuckWindow.width(e.golden, e.results);
      stuck.forEach((kind, ns) -> {
        if (StuckWindow.timed(kind)) {
          assertThat(window).as(variant + " union >= " + kind).isGreaterThanOrEqualTo(ns);
        }
      });
      double p = x.probability().values().stream().mapToDouble(Double::doubleValue).sum();
      assertThat(p).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void aPointStandsForTheWholeQuietGapBeforeItsEvent() {
    // LEGACY, 1 GiB, postcopy at 500 ms: the source is blocked writing its last precopy chunk
    // when postcopy should start; the first stuck point (the write's completion, which runs
    // postcopy_start) is charged the whole wait before it, although a fault early in that wait
    // would be noticed in precopy. Without points inside gaps (faults.gap-points: 0, the
    // default) this pins the size of the over-count so it cannot grow unnoticed;
    // GapPointsTest shows the points inside the gap splitting it.
    Study s = new Study(42, Time.HOUR, MigrationParams.defaults().toBuilder()
        .ramBytes(1L << 30).workingSetBytes(256L << 20).precopyNanos(Time.millis(500)).build(),
        TcpParams.defaults().withLatency(Time.millis(1)), List.of(Variants.LEGACY),
        List.of(FaultKind.DEST_CRASH), Set.of(), 1, Time.NEVER);
    GoldenRun g = GoldenRun.of(s, s.variant("LEGACY"));
    CaseRunner runner = new CaseRunner(s);
    List<CaseResult> cases = new ArrayList<>();
    for (CaseId id : new Enumerator(s).singles(g)) {
      cases.add(runner.run(id, g));
    }
    FailurePoint firstStuck = cases.stream().filter(c -> c.outcome() == Outcome.STUCK_PAUSED)
        .map(c -> g.point(c.point())).findFirst().orElseThrow();
    long exposure = Exposure.of(g, s, cases).total().get(Outcome.STUCK_PAUSED);
    long lastStuck = cases.stream().filter(c -> c.outcome() == Outcome.STUCK_PAUSED)
        .mapToLong(c -> g.point(c.point()).time()).max().orElseThrow();
    assertThat(exposure).isEqualTo(lastStuck - firstStuck.previousTime());
    assertThat(firstStuck.width()).isGreaterThan(Time.millis(10)); // the quiet gap
  }
}
