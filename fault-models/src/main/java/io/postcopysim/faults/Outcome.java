package io.postcopysim.faults;

/** How a case ended, judged at the horizon from the run's whole history (DESIGN.md §3). */
public enum Outcome {
  /** The guest runs only on the destination, which holds every page. */
  MIGRATED,
  /** The guest runs only on the source and the destination never ran it. */
  RESUMED_ON_SOURCE,
  /** Both QEMUs alive and paused in postcopy: recovery can finish once the network allows. */
  RECOVERABLE_PAUSED,
  /** The guest runs nowhere, a complete state exists, but QEMU cannot get out by itself. */
  STUCK_PAUSED,
  /** The guest ran on both hosts after the source stopped it. */
  SPLIT_BRAIN,
  /** The guest runs nowhere and no complete state exists. */
  VM_LOST;

  /** A safety violation: the guest's state diverged or is gone. */
  public boolean unsafe() {
    return this == SPLIT_BRAIN || this == VM_LOST;
  }
}
