package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.faults.Outcome;
import org.junit.jupiter.api.Test;

/** QEMU's reports read with the oracle's rules. */
class ObservationTest {
  @Test
  void classifiesWhatQemuSaysAsTheOracleDoes() {
    assertThat(new Observation(true, "postcopy-paused", "finish-migrate", false, "dead", "dead",
        false).outcome()).isEqualTo(Outcome.STUCK_PAUSED);
    assertThat(new Observation(true, "postcopy-paused", "finish-migrate", false, "dead", "dead",
        true).outcome()).isEqualTo(Outcome.VM_LOST);
    assertThat(new Observation(true, "failed", "running", true, "completed", "running", true)
        .outcome()).isEqualTo(Outcome.SPLIT_BRAIN);
    assertThat(new Observation(true, "failed", "running", false, "dead", "dead", false)
        .outcome()).isEqualTo(Outcome.RESUMED_ON_SOURCE);
    assertThat(new Observation(true, "completed", "postmigrate", true, "completed", "running",
        true).outcome()).isEqualTo(Outcome.MIGRATED);
    assertThat(new Observation(true, "postcopy-paused", "finish-migrate", true,
        "postcopy-paused", "running", true).outcome()).isEqualTo(Outcome.RECOVERABLE_PAUSED);
  }
}
