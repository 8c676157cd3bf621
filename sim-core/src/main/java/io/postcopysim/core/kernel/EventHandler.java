package io.postcopysim.core.kernel;

/**
 * What an event does when its time comes. Components keep their handlers in fields (one object
 * per kind of event, not one per event) and pass a {@code long} argument, so scheduling allocates
 * nothing.
 */
@FunctionalInterface
public interface EventHandler {
  void handle(long arg);
}
