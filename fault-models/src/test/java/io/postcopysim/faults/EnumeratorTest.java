package io.postcopysim.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.core.net.TcpParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EnumeratorTest {
  /** A migration small enough to run every ordered pair of faults without pruning. */
  static Study small(List<FaultKind> kinds, int maxFaults, Set<MigrationStatus> phases) {
    MigrationParams p = MigrationParams.defaults().toBuilder().ramBytes(96L << 20)
        .workingSetBytes(16L << 20).chunkBytes(32L << 20).precopyNanos(Time.millis(40))
        .build();
    return new Study(7, Time.HOUR, p, TcpParams.defaults(),
        List.of(Variants.LEGACY, Variants.POSTCOPY_SETUP), kinds, phases, maxFaults,
        Time.NEVER);
  }

  @Test
  void singlesCoverEveryPointTimesEveryApplicableKind() {
    Study s = small(List.of(FaultKind.DEST_CRASH, FaultKind.DEST_LOAD_ERROR), 1, Set.of());
    GoldenRun g = GoldenRun.of(s, s.variants().get(0));
    List<CaseId> cases = new Enumerator(s).singles(g);
    long crashes = cases.stream().filter(c -> c.first().kind() == FaultKind.DEST_CRASH).count();
    assertThat(crashes).isEqualTo(g.points().size());
    // A load error strikes only from the package's arrival to the end of the load.
    List<FailurePoint> loadErrors = cases.stream()
        .filter(c -> c.first().kind() == FaultKind.DEST_LOAD_ERROR)
        .map(c -> g.point(c.first().point())).toList();
    assertThat(loadErrors).isNotEmpty();
    assertThat(loadErrors.get(0).label()).isEqualTo("dst:recv:MIG_CMD_PACKAGED");
    assertThat(loadErrors.get(loadErrors.size() - 1).label())
        .isEqualTo("dst:main:device-state-loaded");
  }

  @Test
  void phasesRestrictTheFirstFaultToPointsWhereTheSourceIsInThem() {
    Study s = small(List.of(FaultKind.PARTITION), 1, Set.of(MigrationStatus.POSTCOPY_ACTIVE));
    GoldenRun g = GoldenRun.of(s, s.variants().get(0));
    List<CaseId> cases = new Enumerator(s).singles(g);
    assertThat(cases).isNotEmpty().allSatisfy(c ->
        assertThat(g.point(c.first().point()).phase()).isEqualTo(MigrationStatus.POSTCOPY_ACTIVE));
    assertThat(cases.size()).isLessThan(g.points().size());
  }

  @Test
  void pruningNeverChangesAResultOfTheDoubleFaultSpace() {
    Study s = small(List.of(FaultKind.DEST_CRASH, FaultKind.DEST_LOAD_ERROR,
        FaultKind.PARTITION_TO_SOURCE, FaultKind.DEST_ACTIVATE_ERROR), 2, Set.of());
    Enumerator en = new Enumerator(s);
    CaseRunner runner = new CaseRunner(s);
    long pruned = 0;
    long total = 0;
    for (Variant v : s.variants()) {
      GoldenRun g = GoldenRun.of(s, v);
      Map<CaseId, CaseResult> singles = new HashMap<>();
      for (CaseId one : en.singles(g)) {
        singles.put(one, runner.run(one, g));
      }
      List<CaseResult> full = new ArrayList<>();
      List<CaseResult> fast = new ArrayList<>();
      for (CaseId one : en.singles(g)) {
        List<Enumerator.Planned> all = en.pairs(g, one, false);
        List<Enumerator.Planned> some = en.pairs(g, one, true);
        assertThat(some).extracting(Enumerator.Planned::id)
            .isEqualTo(all.stream().map(Enumerator.Planned::id).toList());
        for (Enumerator.Planned p : all) {
          full.add(runner.run(p.id(), g));
        }
        for (Enumerator.Planned p : some) {
          fast.add(p.pruned() ? singles.get(p.sameAs()).as(p.id()) : runner.run(p.id(), g));
          pruned += p.pruned() ? 1 : 0;
        }
        total += all.size();
      }
      // Every result, trace hash included: a pruned pair runs exactly as its single case.
      assertThat(fast).hasSameSizeAs(full);
      for (int i = 0; i < full.size(); i++) {
        assertThat(fast.get(i)).as("pruned vs run: %s", full.get(i).id()).isEqualTo(full.get(i));
      }
      assertThat(counts(fast)).isEqualTo(counts(full));
    }
    assertThat(total).isGreaterThan(5000);
    assertThat(pruned).as("the rule prunes something").isGreaterThan(total / 4);
  }

  private static Map<Outcome, Long> counts(List<CaseResult> rs) {
    return rs.stream().collect(Collectors.groupingBy(CaseResult::outcome, Collectors.counting()));
  }
}
