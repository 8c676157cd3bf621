package io.postcopysim.core.kernel;

/**
 * Called before a chosen event is processed, with the clock already at that event's time. The
 * kernel knows nothing of faults: a fault injector uses this to change the world (kill a process,
 * cut a link) between event k-1 and event k of a run whose first k-1 events are those of the
 * failure-free run.
 */
@FunctionalInterface
public interface Interceptor {
  /**
   * @param event the event about to be processed
   * @return true to process the event, false to drop it unprocessed and unrecorded
   */
  boolean beforeEvent(Simulation.EventInfo event);
}
