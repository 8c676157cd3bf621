package io.postcopysim.core.net;

/**
 * Told when a blocked write completed. A listener and an immutable token rather than a closure,
 * so a forked world can point the pending write at its own copy of the listener.
 */
public interface WriteListener {
  void written(Object token);
}
