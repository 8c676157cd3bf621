package io.postcopysim.qemu;

import io.postcopysim.faults.FaultKind;

/**
 * One ground-truth experiment: how QEMU is set up, how the fault is struck in the real run,
 * and the model case that matches it (variant, fault kind, and the protocol step before which
 * it strikes, named by its label and which occurrence).
 *
 * @param step a label of the model's failure-free run (dst:recv:MIG_CMD_PACKAGED)
 * @param occurrence which occurrence of the label (1 = the first)
 * @param after only occurrences after the first event with this label count (or null)
 */
record Experiment(String name, String fault, Lab.Setup setup, String variant, FaultKind kind,
    String step, int occurrence, String after, Strike strike) {

  /** The real fault: drives the migration to the point and strikes. */
  interface Strike {
    void run(Lab lab) throws Exception;
  }
}
