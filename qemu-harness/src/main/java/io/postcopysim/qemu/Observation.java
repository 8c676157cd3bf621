package io.postcopysim.qemu;

import io.postcopysim.faults.Outcome;
import java.util.Set;

/**
 * What QEMU says after the settle time, read the way the model's oracle reads its record: who
 * runs, who is alive, what each side reports, whether the destination ever ran the guest.
 */
record Observation(boolean sourceAlive, String sourceStatus, String sourceRunState,
    boolean destinationAlive, String destinationStatus, String destinationRunState,
    boolean destinationEverRan) {

  private static final Set<String> POSTCOPY = Set.of("postcopy-active", "postcopy-paused",
      "postcopy-recover", "postcopy-recover-setup", "postcopy-device");

  boolean sourceRunning() {
    return sourceAlive && sourceRunState.equals("running");
  }

  boolean destinationRunning() {
    return destinationAlive && destinationRunState.equals("running");
  }

  /** The oracle's rules (fault-models Oracle.classify) over QEMU's own reports. */
  Outcome outcome() {
    boolean bothPostcopy = sourceAlive && destinationAlive && POSTCOPY.contains(sourceStatus)
        && POSTCOPY.contains(destinationStatus);
    boolean bothPaused = sourceAlive && destinationAlive
        && sourceStatus.equals("postcopy-paused") && destinationStatus.equals("postcopy-paused");
    if (destinationEverRan) {
      if (sourceRunning()) {
        return Outcome.SPLIT_BRAIN; // the source stopped for the switchover, then ran again
      }
      if (destinationRunning() && destinationStatus.equals("completed")) {
        return Outcome.MIGRATED;
      }
      return bothPostcopy ? Outcome.RECOVERABLE_PAUSED : Outcome.VM_LOST;
    }
    if (sourceRunning()) {
      return Outcome.RESUMED_ON_SOURCE;
    }
    if (bothPaused) {
      return Outcome.RECOVERABLE_PAUSED;
    }
    if (sourceAlive || destinationAlive && destinationStatus.equals("completed")) {
      return Outcome.STUCK_PAUSED;
    }
    return Outcome.VM_LOST;
  }

  String describe() {
    return "src " + (sourceAlive ? sourceStatus + "/" + sourceRunState : "dead") + ", dst "
        + (destinationAlive ? destinationStatus + "/" + destinationRunState : "dead")
        + (destinationEverRan ? " (dst ran)" : "");
  }
}
