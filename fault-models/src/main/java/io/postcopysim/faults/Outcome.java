package io.postcopysim.faults;

/**
 * How a case ended, judged once its run settled, from the run's whole history (DESIGN.md §3, §6).
 */
public enum Outcome {
  /** The guest runs only on the destination, which holds every page. */
  MIGRATED,
  /** The guest runs only on the source and the destination never ran it. */
  RESUMED_ON_SOURCE,
  /** Both QEMUs alive and paused in postcopy: recovery can finish once the network allows. */
  RECOVERABLE_PAUSED,
  /** The guest runs nowhere, a complete state exists, but QEMU cannot get out by itself. */
  STUCK_PAUSED,
  /** The guest ran on both hosts at the same time. */
  SPLIT_BRAIN,
  /**
   * The guest ran on both hosts one after the other: the source restarted with stale memory
   * after the destination ran (typically when it died), so disk and memory no longer match.
   * The only kind of double run that disk locking allows.
   */
  DIVERGED,
  /** The guest runs nowhere and no complete state exists. */
  VM_LOST,
  /**
   * The horizon cut the run while a timer that can change a status (TCP give-up, keepalive,
   * recovery) was still pending: raise {@code horizon}. Never counted as safe.
   */
  UNSETTLED;

  /** A safety violation: the guest's state diverged or is gone. */
  public boolean unsafe() {
    return this == SPLIT_BRAIN || this == DIVERGED || this == VM_LOST;
  }
}
