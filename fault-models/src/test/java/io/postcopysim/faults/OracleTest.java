package io.postcopysim.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.MigrationRecord.Run;
import io.postcopysim.core.net.HostId;
import java.util.List;
import org.junit.jupiter.api.Test;

class OracleTest {
  private static final long H = Time.seconds(100);

  @Test
  void downtimeIsTheTimeAfterTheFirstStopCoveredByNoRun() {
    // Source 0-10 s, destination from 10.05 s on: 50 ms.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.seconds(10)),
        new Run(HostId.DESTINATION, Time.millis(10050), Time.NEVER)), H))
        .isEqualTo(Time.millis(50));
    // Never restarted: the rest of the horizon.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.seconds(10))), H))
        .isEqualTo(Time.seconds(90));
    // Restarted on the source after 3 s, then runs on: 3 s.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.seconds(10)),
        new Run(HostId.SOURCE, Time.seconds(13), Time.NEVER)), H)).isEqualTo(Time.seconds(3));
    // Overlapping runs (split brain) count once.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.seconds(10)),
        new Run(HostId.DESTINATION, Time.seconds(11), Time.NEVER),
        new Run(HostId.SOURCE, Time.seconds(12), Time.NEVER)), H)).isEqualTo(Time.seconds(1));
    // Never stopped: none.
    assertThat(Oracle.downtime(List.of(new Run(HostId.SOURCE, 0, Time.NEVER)), H)).isZero();
  }

  @Test
  void everyOutcomeClassOccursSomewhereInTheDefaultExploration() {
    // The oracle is not a table: the classes come out of the runs, and all six are reachable.
    java.util.Set<Outcome> seen = java.util.EnumSet.noneOf(Outcome.class);
    for (String v : List.of("LEGACY", "POSTCOPY_DEVICE", "PRECOPY")) {
      for (boolean locking : new boolean[] {true, false}) {
        Explored.of(v, locking).results.forEach(r -> seen.add(r.outcome()));
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(Outcome.values());
  }
}
