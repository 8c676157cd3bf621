package io.postcopysim.faults;

/**
 * How a case ended, judged once its run settled, from the run's whole history
 * (docs/DESIGN.md §3, §6).
 */
public enum Outcome {
  /** The guest runs only on the destination, which holds every page. */
  MIGRATED("the guest runs only on the destination, which holds every page"),
  /** The guest runs only on the source and the destination never ran it. */
  RESUMED_ON_SOURCE("the guest runs only on the source; the destination never ran it"),
  /** Both QEMUs alive and paused in postcopy: recovery can finish once the network allows. */
  RECOVERABLE_PAUSED("both QEMUs alive in postcopy, paused or stalled where migrate-pause"
      + " applies: postcopy recovery can finish the migration once the network allows"),
  /** The guest runs nowhere, a complete state exists, but QEMU cannot get out by itself. */
  STUCK_PAUSED("the guest runs nowhere; a complete state exists, but QEMU cannot get out"
      + " by itself"),
  /** The guest ran on both hosts at the same time. */
  SPLIT_BRAIN("the guest ran on both hosts at the same time"),
  /**
   * The guest ran on both hosts one after the other: the source restarted with stale memory
   * after the destination ran (typically when it died), so disk and memory no longer match.
   * The only kind of double run that disk locking allows.
   */
  DIVERGED("the guest ran on both hosts one after the other: the source restarted with"
      + " stale memory after the destination ran, so disk and memory diverged"),
  /** The guest runs nowhere and no complete state exists. */
  VM_LOST("the guest runs nowhere and no complete state exists"),
  /**
   * The horizon cut the run while a timer that can change a status (TCP give-up, keepalive,
   * recovery) was still pending: raise {@code horizon}. Never counted as safe.
   */
  UNSETTLED("the horizon cut the run while a timer that can change a status was still"
      + " pending: raise the horizon");

  private final String meaning;

  Outcome(String meaning) {
    this.meaning = meaning;
  }

  /** One line on what the outcome means, for the glossary of the report and of list. */
  public String meaning() {
    return meaning;
  }

  /** A safety violation: the guest's state diverged or is gone. */
  public boolean unsafe() {
    return this == SPLIT_BRAIN || this == DIVERGED || this == VM_LOST;
  }
}
