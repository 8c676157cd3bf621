package io.postcopysim.core.net;

import java.util.ArrayList;
import java.util.List;

/**
 * A machine and the QEMU process on it. A process crash lets the kernel close the sockets (FIN,
 * or RST when unread data is left); a machine crash silences everything.
 */
public final class Host {
  private final HostId id;
  private final Network network;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private boolean machineUp = true;
  private boolean processAlive = true;
  /** A middlebox takes the next message toward this host: acknowledged, never delivered. */
  private boolean loseNextMessage;

  Host(HostId id, Network network) {
    this.id = id;
    this.network = network;
  }

  /** A copy for a forked network; its endpoints attach themselves as they are copied. */
  Host(Host o, Network network) {
    this.id = o.id;
    this.network = network;
    this.machineUp = o.machineUp;
    this.processAlive = o.processAlive;
    this.loseNextMessage = o.loseNextMessage;
  }

  /**
   * A middlebox (a proxy, as the ground-truth lab's) takes the next message toward this host:
   * the sender's TCP sees it acknowledged, the receiving application never sees it.
   */
  public void loseNextMessage() {
    loseNextMessage = true;
  }

  /** Whether a middlebox waits to take the next message toward this host. */
  boolean middleboxWaiting() {
    return loseNextMessage;
  }

  /** Whether the message now arriving is the one a middlebox takes (once). */
  boolean takesArrivingMessage() {
    boolean lost = loseNextMessage;
    loseNextMessage = false;
    return lost;
  }

  public HostId id() {
    return id;
  }

  public boolean machineUp() {
    return machineUp;
  }

  public boolean processAlive() {
    return processAlive;
  }

  void attach(Endpoint endpoint) {
    endpoints.add(endpoint);
  }

  /** kill -9 of QEMU: the kernel closes its sockets, the machine stays up. */
  public void crashProcess() {
    if (!processAlive) {
      return;
    }
    processAlive = false;
    for (Endpoint e : endpoints) {
      e.processDied();
    }
    network.refresh();
  }

  /** Power loss or kernel panic: no FIN, no RST, no acknowledgement, ever. */
  public void crashMachine() {
    if (!machineUp) {
      return;
    }
    processAlive = false;
    machineUp = false;
    for (Endpoint e : endpoints) {
      e.machineDied();
    }
    network.refresh();
  }

  @Override
  public String toString() {
    return id.shortName() + (machineUp ? processAlive ? "(up)" : "(process dead)" : "(down)");
  }
}
