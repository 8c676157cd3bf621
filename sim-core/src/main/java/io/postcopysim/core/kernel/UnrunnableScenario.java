package io.postcopysim.core.kernel;

/**
 * A scenario the model cannot run to an answer: a precopy that never converges, a failure-free
 * run that exceeds the event or memory bound. The input is at fault, not the model, so the
 * command line reports it as bad input (exit 2) in one line, naming the variant.
 */
public final class UnrunnableScenario extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnrunnableScenario(String message) {
    super(message);
  }
}
