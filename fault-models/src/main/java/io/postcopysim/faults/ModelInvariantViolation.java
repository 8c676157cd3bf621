package io.postcopysim.faults;

/**
 * The model broke one of its own invariants: a bug in the simulator, never a protocol failure.
 * It fails the run loudly with the case that shows it.
 */
public final class ModelInvariantViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelInvariantViolation(String caseId, String what) {
    super("model invariant broken in case " + caseId + ": " + what
        + " (replay: ./pcsim replay SCENARIO --case " + caseId + ")");
  }
}
