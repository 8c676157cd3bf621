package io.postcopysim.core.net;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import java.util.ArrayDeque;

/**
 * One host's socket of a connection: what the application writes and reads, and what the
 * host's kernel does with the socket when the process or the peer goes away.
 */
public final class Endpoint {
  enum SocketState {
    /** Normal. */
    OPEN,
    /** The process died with nothing unread: the kernel still sends what was written, then FIN. */
    ORPHAN,
    /** Aborted (RST sent or received, timed out): the kernel answers anything with RST. */
    GONE,
    /** The machine is down: nothing is sent or answered. */
    SILENT
  }

  private final Simulation sim;
  private final Network network;
  private final Host host;
  private final TcpParams params;
  private Endpoint peer;
  private Flow out;
  private SocketListener listener = SocketListener.IGNORE;
  private SocketState state = SocketState.OPEN;
  private boolean reading = true;
  private final ArrayDeque<Message> unread;
  private long unreadBytes;
  private boolean finPending;
  private boolean errorDelivered;
  private long lastReceived;
  private boolean resetInFlight;
  private long keepaliveHandle = -1;
  private final int finLabel;
  private final int resetLabel;
  private final int keepaliveLabel;
  private final EventHandler resetArrives = arg -> resetReceived();
  private final EventHandler keepaliveExpires = this::keepaliveExpired;

  Endpoint(Simulation sim, Network network, Host host, TcpParams params) {
    this.sim = sim;
    this.network = network;
    this.host = host;
    this.params = params;
    this.unread = new ArrayDeque<>();
    String who = host.id().shortName();
    this.finLabel = Labels.intern(who + ":recv:FIN");
    this.resetLabel = Labels.intern(who + ":recv:RST");
    this.keepaliveLabel = Labels.intern(who + ":tcp:keepalive-expired");
    host.attach(this);
  }

  /** A copy for a forked network; {@code connect} and the listener fix-up follow. */
  Endpoint(Endpoint o, Fork fork, Network network) {
    this.sim = fork.simulation();
    this.network = network;
    this.host = network.host(o.host.id());
    this.params = o.params;
    this.finLabel = o.finLabel;
    this.resetLabel = o.resetLabel;
    this.keepaliveLabel = o.keepaliveLabel;
    this.state = o.state;
    this.reading = o.reading;
    this.unread = o.unread.clone(); // an array copy; addAll went element by element
    this.unreadBytes = o.unreadBytes;
    this.finPending = o.finPending;
    this.errorDelivered = o.errorDelivered;
    this.lastReceived = o.lastReceived;
    this.resetInFlight = o.resetInFlight;
    this.keepaliveHandle = o.keepaliveHandle;
    this.listener = o.listener;
    host.attach(this);
    fork.put(o, this);
    fork.handler(o.resetArrives, resetArrives);
    fork.handler(o.keepaliveExpires, keepaliveExpires);
    fork.later(() -> listener = fork.getOrSame(listener));
  }

  void connect(Endpoint peer, Flow out) {
    this.peer = peer;
    this.out = out;
  }

  public Host host() {
    return host;
  }

  /** The flow this endpoint sends on, or null before connect. */
  Flow outgoing() {
    return out;
  }

  /** The flow this endpoint receives on (its peer's outgoing flow), or null before connect. */
  Flow incoming() {
    return peer == null ? null : peer.out;
  }

  public void setListener(SocketListener listener) {
    this.listener = listener;
  }

  /**
   * Writes a framed message. Returns true when all of it is in the send buffer now; otherwise
   * the writer is blocked and {@code onWritten} runs when the last byte entered the buffer (the
   * acknowledgements freed the space). On a socket that already failed the bytes vanish, as the
   * application has been (or, being dead, cannot be) told through {@link SocketListener#onError}.
   */
  public boolean write(Message message, Runnable onWritten) {
    return write(message, onWritten == null ? null : token -> onWritten.run(), null);
  }

  /** As {@link #write(Message, Runnable)}, telling {@code listener} with {@code token}. */
  public boolean write(Message message, WriteListener listener, Object token) {
    if (state != SocketState.OPEN) {
      return true;
    }
    return out.write(message, listener, token);
  }

  /** Graceful close of the sending side: FIN after every written byte. */
  public void shutdownOutput() {
    if (state == SocketState.OPEN) {
      out.sendFin();
    }
  }

  /** An application thread that stops reading lets the receive buffer fill (back-pressure). */
  public void setReading(boolean on) {
    reading = on;
    if (on) {
      drain();
    }
  }

  public boolean reading() {
    return reading;
  }

  /** Bytes written and not yet acknowledged by the peer. */
  public long sendBuffered() {
    return out.buffered();
  }

  public long unreadBytes() {
    return unreadBytes;
  }

  public boolean failed() {
    return state != SocketState.OPEN || errorDelivered;
  }

  // ---- used by the flows ----

  boolean kernelSends() {
    return state == SocketState.OPEN || state == SocketState.ORPHAN;
  }

  boolean acceptsData() {
    return state == SocketState.OPEN;
  }

  boolean canWrite() {
    return state == SocketState.OPEN && host.processAlive();
  }

  int finLabel() {
    return finLabel;
  }

  void receive(Message message) {
    lastReceived = sim.now();
    if (message == null) {
      finPending = true;
    } else if (host.takesArrivingMessage()) {
      return; // acknowledged by the middlebox that took it; the application never sees it
    } else {
      unread.add(message);
      unreadBytes += message.size();
    }
    drain();
  }

  private void drain() {
    boolean freed = false;
    while (reading && !unread.isEmpty() && state == SocketState.OPEN) {
      Message m = unread.pollFirst();
      unreadBytes -= m.size();
      freed = true;
      if (host.processAlive()) {
        listener.onMessage(m);
      }
    }
    if (reading && finPending && unread.isEmpty()) {
      finPending = false;
      deliverError(SocketError.EOF);
    }
    if (freed) {
      peer.out.plan(); // the window opened
    }
  }

  /** A segment reached this socket after it stopped accepting data: its kernel answers RST. */
  void answerWithReset() {
    if (state == SocketState.ORPHAN) {
      // Data after close resets the orphan (tcp_rcv_state_process): it sends nothing more.
      state = SocketState.GONE;
      out.dropSender(true);
    }
    sendReset();
  }

  private void sendReset() {
    if (resetInFlight || !host.machineUp() || network.blocked(host.id())) {
      return; // an RST is sent once and never retransmitted
    }
    resetInFlight = true;
    sim.schedule(params.latencyNanos(), peer.host.id().kernelId(), peer.resetLabel,
        peer.resetArrives, 0);
  }

  void resetReceived() {
    peer.resetInFlight = false;
    if (state == SocketState.OPEN || state == SocketState.ORPHAN) {
      abort(SocketError.ECONNRESET);
    }
  }

  /** The socket is destroyed (timeout or reset): nothing more is sent; the app is told once. */
  void abort(SocketError error) {
    if (state == SocketState.GONE || state == SocketState.SILENT) {
      return;
    }
    state = SocketState.GONE;
    out.dropSender(true);
    unread.clear();
    unreadBytes = 0;
    cancelKeepalive();
    deliverError(error);
    network.refresh();
  }

  /** A middlebox reset reaches this end. */
  void middleboxReset() {
    if (state == SocketState.OPEN || state == SocketState.ORPHAN) {
      abort(SocketError.ECONNRESET);
    }
  }

  private void deliverError(SocketError error) {
    if (!errorDelivered && host.processAlive()) {
      errorDelivered = true;
      listener.onError(error);
    }
  }

  void processDied() {
    if (state != SocketState.OPEN) {
      return;
    }
    cancelKeepalive();
    if (!unread.isEmpty()) {
      // close() with unread data sends RST and discards the send queue (tcp_close).
      state = SocketState.GONE;
      unread.clear();
      unreadBytes = 0;
      out.dropSender(true);
      sendReset();
    } else {
      state = SocketState.ORPHAN;
      out.sendFin();
    }
  }

  void machineDied() {
    state = SocketState.SILENT;
    cancelKeepalive();
    out.dropSender(true);
    unread.clear();
    unreadBytes = 0;
  }

  // ---- keepalive ----

  /**
   * Keepalive matters only for an idle socket whose peer no longer answers. It is armed when
   * the path or the peer changes, not ticked in every run: probes that are answered change
   * nothing, so only the outcome of the unanswered ones is scheduled.
   */
  void refreshKeepalive() {
    TcpParams.Keepalive k = params.keepalive();
    if (!k.enabled() || state != SocketState.OPEN || !host.machineUp()
        || out.hasUnacknowledged()) {
      cancelKeepalive();
      return;
    }
    Host other = peer.host;
    boolean pathOpen = !network.blocked(host.id()) && !network.blocked(other.id());
    boolean answered = pathOpen && other.machineUp() && peer.state == SocketState.OPEN;
    if (answered) {
      cancelKeepalive();
      return;
    }
    if (keepaliveHandle >= 0 && sim.isPending(keepaliveHandle)) {
      return;
    }
    boolean resetAnswer = pathOpen && other.machineUp();
    long at = resetAnswer
        ? Time.plus(Time.plus(lastReceived, k.idleNanos()), 2 * params.latencyNanos())
        : Time.plus(lastReceived, k.deadAfter());
    keepaliveHandle = at == Time.NEVER ? -1 : sim.scheduleAt(Math.max(at, sim.now()),
        host.id().kernelId(), keepaliveLabel, keepaliveExpires, resetAnswer ? 1 : 0);
  }

  private void keepaliveExpired(long resetAnswer) {
    keepaliveHandle = -1;
    if (state == SocketState.OPEN) {
      abort(resetAnswer == 1 ? SocketError.ECONNRESET : SocketError.ETIMEDOUT);
    }
  }

  private void cancelKeepalive() {
    if (keepaliveHandle >= 0) {
      sim.cancel(keepaliveHandle);
      keepaliveHandle = -1;
    }
  }

  @Override
  public String toString() {
    return host.id().shortName() + " socket " + state + (reading ? "" : " (not reading)")
        + " unread=" + unreadBytes + " lastReceived=" + Time.format(lastReceived);
  }
}
