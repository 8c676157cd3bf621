package io.postcopysim.qemu;

import io.postcopysim.faults.FaultKind;

/**
 * One ground-truth experiment: how QEMU is set up, how the fault is struck in the real run,
 * and the model case that matches it (variant, fault kind, and the protocol step before which
 * it strikes, named by its label and which occurrence).
 *
 * @param variant the model's variant, or null for the QEMU version's postcopy variant
 * @param step a label of the model's failure-free run (dst:recv:MIG_CMD_PACKAGED)
 * @param occurrence which occurrence of the label (1 = the first)
 * @param after only occurrences after the first event with this label count (or null)
 * @param settleMillis how long after the strike the lab watches before reading the end state
 * @param healMillis partitions heal this long after the fault in the model (-1: never)
 * @param baseline one of the first round's experiments (QEMU 7.2 and the model agreed)
 */
record Experiment(String name, String fault, Lab.Setup setup, String variant, FaultKind kind,
    String step, int occurrence, String after, Strike strike, long settleMillis,
    long healMillis, boolean baseline) {

  Experiment(String name, String fault, Lab.Setup setup, String variant, FaultKind kind,
      String step, int occurrence, String after, Strike strike) {
    this(name, fault, setup, variant, kind, step, occurrence, after, strike,
        GroundTruth.SETTLE_MILLIS, -1, true);
  }

  /** The same with a settle time, heal time and not a baseline. */
  Experiment settle(long millis, long heal) {
    return new Experiment(name, fault, setup, variant, kind, step, occurrence, after, strike,
        millis, heal, false);
  }

  /** The same, watched past TCP's give-up (tcp_retries2=5): for faults that drop packets. */
  Experiment pastGiveUp() {
    return new Experiment(name, fault + ", tcp_retries2=5", setup.withRetries2(5), variant,
        kind, step, occurrence, after, strike, Experiments.GIVE_UP_SETTLE, healMillis, baseline);
  }

  String variantFor(QemuVersion v) {
    return variant != null ? variant : v.variant();
  }

  /**
   * A strike that the proxy times at a return-path message it holds and never forwards (the
   * destination's TCP saw it acknowledged): the model's case adds LOSE_MESSAGE_TO_SOURCE.
   */
  interface HoldsMessage extends Strike {}

  /** The real fault: drives the migration to the point and strikes. */
  interface Strike {
    void run(Lab lab) throws Exception;
  }
}
