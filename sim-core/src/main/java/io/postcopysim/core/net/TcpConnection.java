package io.postcopysim.core.net;

import io.postcopysim.core.kernel.Fork;
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
  }

  /** A copy for a forked network. */
  TcpConnection(TcpConnection o, Fork fork, Network network) {
    this.sim = fork.simulation();
    this.params = o.params;
    this.name = o.name;
    atSource = new Endpoint(o.atSource, fork, network);
    atDestination = new Endpoint(o.atDestination, fork, network);
    toDestination = new Flow(o.toDestination, fork, network);
    toSource = new Flow(o.toSource, fork, network);
    atSource.connect(atDestination, toDestination);
    atDestination.connect(atSource, toSource);
    fork.put(o, this);
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

  /**
   * A middlebox resets the connection: both ends see ECONNRESET now, and whatever was in flight
   * lands on dead sockets. (The half latency an RST takes to reach each end is immaterial next to
   * "the fault strikes before event k": the connection is gone for both from this instant.)
   */
  public void reset() {
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
