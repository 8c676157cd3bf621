package io.postcopysim.faults;

import io.postcopysim.core.migration.MigrationStatus;

/**
 * A place a fault can strike: just before event {@code index} of a failure-free run, at
 * {@code time}. The label names the step across parameter changes (FATE-style:
 * {@code dst:recv:MIG_CMD_PACKAGED}); the phase is the source's status then. A fault before
 * this event stands for any fault in (previousTime, time]. With {@code gap} > 0 the point lies
 * inside the quiet gap before event {@code index} ({@code faults.gap-points}), before it.
 */
public record FailurePoint(long index, long time, long previousTime, String label,
    MigrationStatus phase, int gap) {

  public FailurePoint(long index, long time, long previousTime, String label,
      MigrationStatus phase) {
    this(index, time, previousTime, label, phase, 0);
  }

  /** The span of virtual time this point stands for. */
  public long width() {
    return time - previousTime;
  }
}
