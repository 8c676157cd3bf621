package io.postcopysim.core.net;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;

/**
 * A TCP connection between the source and the destination: the migration stream flows
 * source to destination, the return path the other way on the same socket, as QEMU does.
 */
public final class TcpConnection {
  private final Simulation sim;
  private final TcpParams params;
  private final String name;
  private final Endpoint atSource;
  private final Endpoint atDestination;
  private final Flow toDestination;
  private final Flow toSource;
  private final int resetLabel;
  private final EventHandler resetReaches = this::resetReaches;

  TcpConnection(Simulation sim, Network network, String name, TcpParams params) {
    this.sim = sim;
    this.params = params;
    this.name = name;
    atSource = new Endpoint(sim, network, network.host(HostId.SOURCE), params);
    atDestination = new Endpoint(sim, network, network.host(HostId.DESTINATION), params);
    toDestination = new Flow(sim, network, params, atSource, atDestination);
    toSource = new Flow(sim, network, params, atDestination, atSource);
    atSource.connect(atDestination, toDestination);
    atDestination.connect(atSource, toSource);
    resetLabel = Labels.intern("net:" + name + ":RST");
  }

  public String name() {
    return name;
  }

  public TcpParams params() {
    return params;
  }

  public Endpoint endpoint(HostId host) {
    return host == HostId.SOURCE ? atSource : atDestination;
  }

  /** A middlebox resets the connection: each end sees ECONNRESET half a latency later. */
  public void reset() {
    sim.schedule(params.latencyNanos() / 2, HostId.NETWORK, resetLabel, resetReaches, 0);
  }

  private void resetReaches(long unused) {
    atSource.middleboxReset();
    atDestination.middleboxReset();
  }

  void refresh() {
    toDestination.pathChanged();
    toSource.pathChanged();
    atSource.refreshKeepalive();
    atDestination.refreshKeepalive();
  }
}
