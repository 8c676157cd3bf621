package io.postcopysim.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.MigrationParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReplayTest {
  private static final Study STUDY = Explored.study(MigrationParams.defaults());

  @Test
  void caseIdsRoundTripAndRejectNonsenseWithAReason() {
    CaseId two = CaseId.single("LEGACY", FaultKind.DEST_CRASH, 57).then(FaultKind.PARTITION, 60);
    assertThat(two.toString()).isEqualTo("LEGACY/DEST_CRASH@57+PARTITION@60");
    assertThat(CaseId.parse(two.toString())).isEqualTo(two);
    assertThatThrownBy(() -> CaseId.parse("LEGACY/DEST_CRUSH@5"))
        .hasMessageContaining("unknown fault kind 'DEST_CRUSH'");
    assertThatThrownBy(() -> CaseId.parse("LEGACY/DEST_CRASH@x"))
        .hasMessageContaining("point 'x' is not a number");
    assertThatThrownBy(() -> CaseId.parse("LEGACY-DEST_CRASH@5"))
        .hasMessageContaining("is not VARIANT/KIND@POINT");
    assertThatThrownBy(() -> CaseId.parse("LEGACY/DEST_CRASH@9+PARTITION@3"))
        .hasMessageContaining("must come after the first");
    assertThatThrownBy(() -> CaseId.parse("LEGACY/DEST_CRASH@9+DEST_CRASH@9"))
        .hasMessageContaining("must come after the first");
    CaseId held = CaseId.parse("LEGACY/LOSE_MESSAGE_TO_SOURCE@9+DEST_CRASH@9");
    assertThat(held.faults()).extracting(f -> f.kind()).containsExactly(
        FaultKind.LOSE_MESSAGE_TO_SOURCE, FaultKind.DEST_CRASH);
  }

  @Test
  void aReplayWithTheFullTraceHasTheHashOfTheBatchRun() {
    Explored e = Explored.of("POSTCOPY_DEVICE", true);
    CaseRunner runner = new CaseRunner(STUDY);
    for (CaseResult r : e.where(x -> x.outcome() != Outcome.MIGRATED).subList(0, 40)) {
      CaseRunner.Run full = runner.run(CaseId.parse(r.id().toString()), e.golden, TraceMode.FULL);
      assertThat(full.result()).isEqualTo(r);
      assertThat(full.trace().events()).hasSizeGreaterThanOrEqualTo((int) r.point());
    }
  }

  @Property(tries = 5)
  void resultsDoNotDependOnThreadsOrOrder(@ForAll @IntRange(min = 1, max = 1000) int shuffleSeed)
      throws InterruptedException {
    Explored e = Explored.of("LEGACY", true);
    List<CaseResult> sample = new ArrayList<>(e.results.subList(0, e.results.size() / 4));
    Collections.shuffle(sample, new Random(shuffleSeed));
    Map<CaseId, CaseResult> again = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CaseRunner runner = new CaseRunner(STUDY);
    for (CaseResult r : sample) {
      pool.submit(() -> again.put(r.id(), runner.run(r.id(), e.golden)));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
    for (CaseResult r : sample) {
      assertThat(again.get(r.id())).as("shuffle seed " + shuffleSeed).isEqualTo(r);
    }
  }
}
