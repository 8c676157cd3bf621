package io.postcopysim.core.kernel;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copying a whole simulated world between two events: the new simulation, the map from each
 * original object to its copy, the handlers to re-point, and the fix-ups that can only run once
 * every copy exists (references that cross from the network to the QEMUs). {@link #finish()}
 * fails loudly if anything pending belongs to nothing that was copied.
 */
public final class Fork {
  private final Simulation simulation;
  private final Map<Object, Object> copies = new IdentityHashMap<>();
  /**
   * Sized for a migration's handlers (22 with one connection's flows and timers): the default
   * size resized at the 22nd, once per forked case.
   */
  private final Map<EventHandler, EventHandler> handlers = new IdentityHashMap<>(32);
  private final List<Runnable> fixups = new ArrayList<>();

  public Fork(Simulation original) {
    this.simulation = new Simulation(original);
  }

  public Simulation simulation() {
    return simulation;
  }

  public <T> void put(T original, T copy) {
    copies.put(original, copy);
  }

  /** The copy of {@code original} (null for null). */
  @SuppressWarnings("unchecked")
  public <T> T get(T original) {
    if (original == null) {
      return null;
    }
    T c = (T) copies.get(original);
    if (c == null) {
      throw new IllegalStateException("fork: no copy of " + original);
    }
    return c;
  }

  /** The copy of {@code original}, or {@code original} itself when it is a shared constant. */
  @SuppressWarnings("unchecked")
  public <T> T getOrSame(T original) {
    Object c = copies.get(original);
    return c == null ? original : (T) c;
  }

  public void handler(EventHandler original, EventHandler copy) {
    handlers.put(original, copy);
  }

  /** Runs once every object is copied. */
  public void later(Runnable fixup) {
    fixups.add(fixup);
  }

  public void finish() {
    for (Runnable r : fixups) {
      r.run();
    }
    simulation.remapHandlers(handlers);
  }
}
