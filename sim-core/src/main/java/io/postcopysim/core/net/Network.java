package io.postcopysim.core.net;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import java.util.ArrayList;
import java.util.List;

/**
 * The two hosts and the connections between them, and the path's state: either direction may
 * be blackholed (a partition), from any moment, healing after a duration or never. A blackhole
 * drops every segment of its direction, acknowledgements included.
 */
public final class Network {
  private final Simulation sim;
  private final Host[] hosts = new Host[2];
  private final List<TcpConnection> connections = new ArrayList<>();
  private final boolean[] blockedFrom = new boolean[2];
  private static final int HEAL_LABEL = Labels.intern("net:partition-heals");
  private final EventHandler heals = arg -> heal();
  private long healHandle = -1;
  private boolean refreshing;
  private final List<Runnable> healListeners = new ArrayList<>();
  private final List<Runnable> pathListeners = new ArrayList<>();

  public Network(Simulation sim) {
    this.sim = sim;
    for (HostId id : HostId.values()) {
      hosts[id.ordinal()] = new Host(id, this);
    }
  }

  /**
   * A copy for a forked world: hosts, connections and partition state. Heal listeners are not
   * copied: whoever listened registers its own copy again.
   */
  public Network(Network o, Fork fork) {
    this.sim = fork.simulation();
    for (HostId id : HostId.values()) {
      hosts[id.ordinal()] = new Host(o.hosts[id.ordinal()], this);
    }
    blockedFrom[0] = o.blockedFrom[0];
    blockedFrom[1] = o.blockedFrom[1];
    healHandle = o.healHandle;
    fork.put(o, this);
    fork.handler(o.heals, heals);
    for (TcpConnection c : o.connections) {
      connections.add(new TcpConnection(c, fork, this));
    }
  }

  public Simulation simulation() {
    return sim;
  }

  public Host host(HostId id) {
    return hosts[id.ordinal()];
  }

  /** Opens a connection (the main channel, or the postcopy-preempt channel) between the hosts. */
  public TcpConnection connect(String name, TcpParams params) {
    TcpConnection c = new TcpConnection(sim, this, name, params);
    connections.add(c);
    return c;
  }

  /** True while segments from {@code from} to its peer are dropped. */
  public boolean blocked(HostId from) {
    return blockedFrom[from.ordinal()];
  }

  /**
   * Starts a partition now. {@code toDestination} blackholes source-to-destination segments,
   * {@code toSource} the other way; both for a full partition. It heals after {@code healAfter}
   * ({@link Time#NEVER} for never). A new partition replaces the heal time of an earlier one.
   */
  public void partition(boolean toDestination, boolean toSource, long healAfter) {
    if (!toDestination && !toSource) {
      throw new IllegalArgumentException("a partition blocks at least one direction");
    }
    boolean unchanged = (!toDestination || blockedFrom[HostId.SOURCE.ordinal()])
        && (!toSource || blockedFrom[HostId.DESTINATION.ordinal()]);
    if (unchanged && healAfter == Time.NEVER && !healPending()) {
      return; // already cut for good: TCP sees nothing new (and timers must not restart)
    }
    blockedFrom[HostId.SOURCE.ordinal()] |= toDestination;
    blockedFrom[HostId.DESTINATION.ordinal()] |= toSource;
    if (healHandle >= 0) {
      sim.cancel(healHandle);
      healHandle = -1;
    }
    if (healAfter != Time.NEVER) {
      healHandle = sim.schedule(healAfter, HostId.NETWORK, HEAL_LABEL, heals, 0);
    }
    refresh();
    pathChanged();
  }

  /** Whether a partition's heal is scheduled. */
  public boolean healPending() {
    return healHandle >= 0 && sim.isPending(healHandle);
  }

  /** A middlebox resets every connection between the hosts (CONNECTION_RESET). */
  public void resetAll() {
    for (TcpConnection c : List.copyOf(connections)) {
      c.reset();
    }
  }

  /** Ends every partition. */
  public void heal() {
    healHandle = -1;
    blockedFrom[0] = false;
    blockedFrom[1] = false;
    refresh();
    for (Runnable r : healListeners) {
      r.run();
    }
    pathChanged();
  }

  /** Called when a partition starts or heals, and by {@link #pathChanged()}'s callers. */
  public void onPathChange(Runnable listener) {
    pathListeners.add(listener);
  }

  /** Tells the path listeners (management daemons share the hosts' network) of a change. */
  public void pathChanged() {
    for (Runnable r : pathListeners) {
      r.run();
    }
  }

  /** Called after every heal (the management agent's cue for postcopy recovery). */
  public void onHeal(Runnable listener) {
    healListeners.add(listener);
  }

  /** Re-evaluates every connection after the path or a host changed. */
  void refresh() {
    if (refreshing) {
      return; // a refresh that aborts a socket asks for another; the loop below covers it
    }
    refreshing = true;
    try {
      for (TcpConnection c : connections) {
        c.refresh();
      }
    } finally {
      refreshing = false;
    }
  }
}
