package io.postcopysim.core.net;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a TCP connection, as the sender's kernel sees it: the send buffer (every
 * written, unacknowledged segment), the wire, the retransmission timer.
 *
 * <p>Events are per message, not per packet: a message is serialized whole at the bandwidth and
 * delivered one latency after its last byte left, in one event. Acknowledgements are not events:
 * a segment's ack time is known when it arrives (arrival + latency, if the way back is open) and
 * the send buffer frees itself lazily. Timers (retransmission, give-up) are scheduled only when a
 * partition or a crash makes an acknowledgement fail to come, so the failure-free run has one
 * event per message, and every one of them is a meaningful failure point.
 *
 * <p>Acknowledgements follow Linux's delayed ACK: a message larger than one MSS is
 * acknowledged on arrival (Linux acks every second full segment at once), acknowledging
 * everything before it; a smaller one (a PONG, a page request, a command) when the receiver's
 * delayed-ACK timer fires ({@link TcpParams#delayedAckNanos} after the first unacknowledged
 * arrival) or with the first data the receiver sends before that ({@link #piggyback}). Real
 * QEMU 7.2/10.0 showed why it matters: a cut 1-5 ms after the destination's last PONGs leaves
 * them unacknowledged, so the destination's own TCP gives up and it pauses too.
 *
 * <p>The receive window, when {@link TcpParams#receiveWindowBytes} is set, is TCP's: bytes
 * sent and not yet acknowledged (plus what the receiver holds unread) stay within it, and the
 * sender learns of room only from acks. A transmission may be planned at a known future ack;
 * when the way back is cut, such plans are undone, and the sender sends no further than the
 * last ack it got plus the window (real QEMU 7.2 and 11.1: the package then never reaches a
 * destination whose acks are lost). Otherwise, the older approximation: bytes count against the
 * socket buffer until they arrive, and the sender learns of room at once.
 *
 * <p>Simplifications (each bounded by one message): the receiver's unread bytes are read as of
 * now, not as of the last ack; a message larger than the window starts once at most one MSS
 * before it is unacknowledged and goes at the bandwidth (TCP would stream it through the window
 * as its own bytes are acknowledged), and a cut of the way back leaves it unsent unless it fits
 * the frozen window whole.
 */
final class Flow {
  private final Simulation sim;
  private final Network network;
  private final TcpParams params;
  private final Endpoint sender;
  private final Endpoint receiver;
  private final SegmentRing segments;
  private final List<PendingWrite> pendingWrites = new ArrayList<>();
  private final EventHandler deliver = this::deliver;
  private final EventHandler retransmit = arg -> retransmit();
  private final EventHandler giveUp = arg -> giveUp();
  private final EventHandler writable = arg -> wakeWriters();
  private final EventHandler nagleReleased = arg -> {
    nagleHandle = -1;
    nagleAt = Time.NEVER;
    collectAcked();
    plan();
  };
  private final int retransmitLabel;
  private final int giveUpLabel;
  private final int writableLabel;
  private final int nagleLabel;

  private long nextSeq;
  private long nextOffset;
  private long ackedOffset;
  private long inflightBytes;
  private long wireFree;
  /** Sequence number of the first segment not yet transmitted (all after it are too). */
  private long nextToSend;
  private long writableAt = Time.NEVER;
  private long retransmitHandle = -1;
  private long giveUpHandle = -1;
  private long giveUpAt = Time.NEVER;
  private long writableHandle = -1;
  /** When the receiver's delayed-ACK timer started (first unacknowledged small arrival). */
  private long delayedSince = Time.NEVER;
  /** End offset of the last small segment transmitted (Nagle's, Minshall's variant). */
  private long lastSmallEnd;
  private long lastSmallSeq = -1;
  private long nagleHandle = -1;
  private long nagleAt = Time.NEVER;
  /** Where {@link #windowOpens} searches from within one plan (reset by each plan). */
  private int windowCursor;
  /** The highest sequence number that has arrived (acks never cover more). */
  private long lastArrivedSeq = -1;
  // Caches of pure functions of the parameters, not state: a fork starts without them.
  /** The RTO schedule of the oldest unacknowledged byte, walked as far as asked. */
  private RtoBackoff backoff;
  /** The give-up instant for data first sent at {@link #giveUpFor}. */
  private long giveUpFor = Long.MIN_VALUE;
  private long giveUpDeadline;
  /** The last size {@link #wireTime} was asked for, and its answer. */
  private long wireTimeBytes = -1;
  private long wireTimeNanos;

  private record PendingWrite(long ackedOffsetNeeded, WriteListener listener, Object token) {}

  /** A copy for a forked network, between the copied endpoints. */
  Flow(Flow o, Fork fork, Network network) {
    this.sim = fork.simulation();
    this.network = network;
    this.params = o.params;
    this.sender = fork.get(o.sender);
    this.receiver = fork.get(o.receiver);
    this.segments = o.segments.copy();
    this.retransmitLabel = o.retransmitLabel;
    this.giveUpLabel = o.giveUpLabel;
    this.writableLabel = o.writableLabel;
    this.nagleLabel = o.nagleLabel;
    this.nextSeq = o.nextSeq;
    this.nextOffset = o.nextOffset;
    this.ackedOffset = o.ackedOffset;
    this.inflightBytes = o.inflightBytes;
    this.wireFree = o.wireFree;
    this.nextToSend = o.nextToSend;
    this.writableAt = o.writableAt;
    this.retransmitHandle = o.retransmitHandle;
    this.giveUpHandle = o.giveUpHandle;
    this.giveUpAt = o.giveUpAt;
    this.writableHandle = o.writableHandle;
    this.delayedSince = o.delayedSince;
    this.lastSmallEnd = o.lastSmallEnd;
    this.lastSmallSeq = o.lastSmallSeq;
    this.nagleHandle = o.nagleHandle;
    this.nagleAt = o.nagleAt;
    this.lastArrivedSeq = o.lastArrivedSeq;
    fork.put(o, this);
    fork.handler(o.deliver, deliver);
    fork.handler(o.retransmit, retransmit);
    fork.handler(o.giveUp, giveUp);
    fork.handler(o.writable, writable);
    fork.handler(o.nagleReleased, nagleReleased);
    fork.later(() -> {
      for (PendingWrite w : o.pendingWrites) {
        pendingWrites.add(new PendingWrite(w.ackedOffsetNeeded(), fork.get(w.listener()),
            w.token()));
      }
    });
  }

  Flow(Simulation sim, Network network, TcpParams params, Endpoint sender, Endpoint receiver) {
    this.segments = new SegmentRing();
    this.sim = sim;
    this.network = network;
    this.params = params;
    this.sender = sender;
    this.receiver = receiver;
    String who = sender.host().id().shortName() + ":tcp:";
    this.retransmitLabel = Labels.intern(who + "retransmit");
    this.giveUpLabel = Labels.intern(who + "ETIMEDOUT");
    this.writableLabel = Labels.intern(who + "writable");
    this.nagleLabel = Labels.intern(who + "acked-small");
  }

  // ---- the sending application ----

  /** See {@link Endpoint#write}. */
  boolean write(Message message, WriteListener listener, Object token) {
    collectAcked();
    Segment s = new Segment(nextSeq++, message, message.size(), nextOffset);
    nextOffset += s.size;
    segments.addLast(s);
    plan();
    long needed = s.endOffset() - params.socketBufferBytes();
    if (ackedOffset >= needed) {
      return true;
    }
    pendingWrites.add(new PendingWrite(needed, listener, token));
    scheduleWriteWakeup();
    return false;
  }

  /** Queues the FIN after every written byte (close, or the process died). */
  void sendFin() {
    collectAcked();
    segments.addLast(new Segment(nextSeq++, null, 0, nextOffset));
    plan();
  }

  /**
   * Bytes in the kernel's send buffer: written and not yet acknowledged, at most the buffer's
   * size (the rest of a blocked write is still in the application).
   */
  long buffered() {
    collectAcked();
    return Math.min(nextOffset - ackedOffset, params.socketBufferBytes());
  }

  boolean hasUnacknowledged() {
    collectAcked();
    return !segments.isEmpty();
  }

  // ---- the wire ----

  private boolean forwardOpen() {
    return sender.host().machineUp() && receiver.host().machineUp()
        && !network.blocked(sender.host().id());
  }

  private boolean reverseOpen() {
    return receiver.host().machineUp() && sender.host().machineUp()
        && !network.blocked(receiver.host().id());
  }

  private boolean senderTransmits() {
    return sender.kernelSends() && sender.host().machineUp();
  }

  /** Transmits queued segments as far as the wire, the window and the path allow. */
  void plan() {
    if (!senderTransmits() || retransmitArmed()) {
      return; // go-back-N: new data waits behind the retransmission of lost data
    }
    if (!forwardOpen()) {
      // Sent into the void: nothing arrives, but the oldest byte's clock starts ticking.
      Segment head = segments.first();
      if (head != null && head.state == Segment.State.QUEUED) {
        head.firstTx = Math.max(sim.now(), wireFree);
        head.state = Segment.State.LOST;
        nextToSend = Math.max(nextToSend, head.seq + 1);
        armRetransmission();
      }
      updateGiveUpTimer();
      return;
    }
    windowCursor = 0;
    for (Segment s = segments.bySeq(nextToSend); s != null; s = segments.bySeq(nextToSend)) {
      assert s.state == Segment.State.QUEUED : "unsent segment " + s.seq + " is " + s.state;
      long start = Math.max(sim.now(), wireFree);
      if (params.ackClockedWindow()) {
        start = windowOpens(s, start);
        if (start == Time.NEVER) {
          break; // resumes when the ack that opens it is known (a delivery), or on a read
        }
      } else {
        long waiting = inflightBytes + receiver.unreadBytes();
        if (waiting > 0 && waiting + s.size > params.socketBufferBytes()) {
          break; // receive window full: resumes when the receiver reads or a segment lands
        }
      }
      if (heldByNagle(s)) {
        return;
      }
      transmit(s, start);
      if (small(s)) {
        lastSmallEnd = s.endOffset();
        lastSmallSeq = s.seq;
      }
      nextToSend++;
    }
    if (nagleHandle >= 0) { // nothing waits for an ack any more: no wake-up, no event
      cancel(nagleHandle);
      nagleHandle = -1;
      nagleAt = Time.NEVER;
    }
  }

  /**
   * The earliest instant at or after {@code start} at which the window the sender has heard of
   * takes segment {@code s} ({@link TcpParams#receiveWindowBytes}): its last byte within the
   * last acknowledged offset plus the window, less what the receiver holds unread (as of now,
   * bounded by one latency). A message larger than the window starts once at most one MSS
   * before it is unacknowledged (TCP streams it through the window; its own bytes are
   * acknowledged as they land, so small messages before it, waiting for a delayed ack, do not
   * hold it back), and then goes at the bandwidth. Acks are cumulative and their times never
   * decrease along the buffer, so the ack of the first segment reaching the needed offset is
   * the one. NEVER while that ack is unknown (the segment is still on its way) or lost (the
   * way back is cut: the window stays where the last ack left it).
   */
  private long windowOpens(Segment s, long start) {
    long window = params.receiveWindowBytes();
    if (!reverseOpen()) {
      // No ack can come: the window stays where the last one left it, and a message that does
      // not fit in it whole (one larger than the window included) cannot be completed.
      return s.endOffset() <= ackedOffset + window - receiver.unreadBytes() ? start : Time.NEVER;
    }
    long need = s.startOffset + Math.min(s.size, window - TcpParams.MSS)
        + receiver.unreadBytes() - window;
    if (need <= ackedOffset) {
      return start;
    }
    if (need > s.startOffset) {
      return Time.NEVER; // the receiver holds too much unread: only a read opens the window
    }
    for (int i = windowCursor; i < segments.size(); i++) {
      Segment x = segments.get(i);
      if (x.endOffset() >= need) {
        windowCursor = i; // the next segment needs at least as much: search on from here
        return x.state == Segment.State.ARRIVED && x.ackAt != Time.NEVER
            ? Math.max(start, x.ackAt) : Time.NEVER;
      }
    }
    throw new AssertionError("segment " + s.seq + " needs offset " + need + " acknowledged,"
        + " beyond every segment before it");
  }

  /**
   * The way back closed: acks stop, so the sender's window stays where the last ack it got
   * left it. Segments planned to leave later were planned on acks that will not come now, and a
   * segment on the wire that reaches past the frozen window (a message larger than the window,
   * which TCP streams through it piece by piece) cannot be complete: both wait in the queue
   * again, and leave only as far as the window allows (at the next plan or retransmission).
   */
  private void unplanFutureTransmissions(long now) {
    long edge = ackedOffset + params.receiveWindowBytes() - receiver.unreadBytes();
    int first = segments.size();
    for (int i = segments.size() - 1; i >= 0; i--) {
      Segment x = segments.get(i);
      boolean beyond = x.state == Segment.State.IN_FLIGHT
          && (x.txStart > now || x.endOffset() > edge);
      if (x.state != Segment.State.QUEUED && !beyond) {
        break;
      }
      first = i;
    }
    boolean any = false;
    for (int j = first; j < segments.size(); j++) {
      Segment x = segments.get(j);
      if (x.state != Segment.State.IN_FLIGHT) {
        continue;
      }
      any = true;
      sim.cancel(x.deliveryHandle);
      inflightBytes -= x.size;
      x.state = Segment.State.QUEUED;
      if (x.firstTx == x.txStart) {
        x.firstTx = -1;
      }
      nextToSend = Math.min(nextToSend, x.seq);
      if (x.seq <= lastSmallSeq) {
        lastSmallSeq = -1; // Nagle's small segment is unsent again: nothing small is out
        lastSmallEnd = 0;
      }
    }
    if (any) {
      Segment last = first > 0 ? segments.get(first - 1) : null;
      wireFree = last != null && last.state == Segment.State.IN_FLIGHT
          ? Math.max(now, last.txStart + wireTime(last.size)) : now;
    }
  }

  private boolean small(Segment s) {
    return !s.isFin() && s.size < TcpParams.MSS;
  }

  /**
   * Nagle's algorithm as Linux has it (tcp_nagle_check, Minshall's variant): the last segment
   * of the queue, if smaller than one MSS, waits while the last small segment sent is
   * unacknowledged. QEMU's migration socket keeps Nagle on (only multifd's channels set
   * TCP_NODELAY), so a PONG written right after another waits for the first one's (delayed)
   * ack. Arms a wake-up at that ack.
   */
  private boolean heldByNagle(Segment s) {
    // Only the queue's last segment can wait (tcp_write_xmit pushes every other one: a small
    // write followed by more data coalesces into full segments).
    if (!small(s) || s.seq != nextSeq - 1 || ackedOffset >= lastSmallEnd) {
      return false;
    }
    armNagle();
    return true;
  }

  /**
   * (Re)arms the wake-up of a segment Nagle holds at the ack of the last small segment sent,
   * or disarms it while that ack cannot come (a retransmission or a path change plans again).
   * Never transmits: an ack that moves under a piggyback must not re-enter a flow mid-plan.
   */
  private void armNagle() {
    long at = Time.NEVER;
    Segment x = segments.bySeq(lastSmallSeq);
    if (x != null) {
      at = x.state == Segment.State.ARRIVED ? x.ackAt
          : x.state == Segment.State.IN_FLIGHT && reverseOpen()
              ? ackTimeAfterDelivery(x) : Time.NEVER;
    }
    at = at == Time.NEVER ? Time.NEVER : Math.max(at, sim.now());
    if (nagleHandle >= 0 && sim.isPending(nagleHandle) && nagleAt == at) {
      return;
    }
    cancel(nagleHandle);
    nagleHandle = -1;
    nagleAt = at;
    if (at != Time.NEVER) {
      nagleHandle = sim.scheduleAt(at, sender.host().id().kernelId(), nagleLabel,
          nagleReleased, 0);
    }
  }

  /**
   * Serialization time of a segment of {@code bytes}. Nearly every segment is a page of one
   * size, and the exact rate division costs four long divisions, so the last answer is kept.
   */
  private long wireTime(long bytes) {
    if (bytes != wireTimeBytes) {
      wireTimeBytes = bytes;
      wireTimeNanos = params.transmission(bytes);
    }
    return wireTimeNanos;
  }

  /** When the ack of a segment still in flight would come, if nothing changes. */
  private long ackTimeAfterDelivery(Segment x) {
    return x.arrival + params.latencyNanos() + (small(x) ? params.delayedAckNanos() : 0);
  }

  private void transmit(Segment s, long start) {
    s.txStart = start;
    if (s.firstTx < 0) {
      s.firstTx = start;
    }
    long end = start + wireTime(s.size);
    wireFree = end;
    s.arrival = end + params.latencyNanos();
    s.state = Segment.State.IN_FLIGHT;
    inflightBytes += s.size;
    Flow in = sender.incoming();
    if (in != null) {
      in.piggyback(start); // the first byte out carries the ack of what the sender received
    }
    int label = s.isFin() ? receiver.finLabel() : s.message.kind().recvLabel(receiver.host().id());
    s.deliveryHandle =
        sim.scheduleAt(s.arrival, receiver.host().id().kernelId(), label, deliver, s.seq);
  }

  private void deliver(long seq) {
    Segment s = segments.bySeq(seq);
    assert s != null && s.state == Segment.State.IN_FLIGHT : "delivery of segment " + seq;
    s.state = Segment.State.ARRIVED;
    inflightBytes -= s.size;
    lastArrivedSeq = Math.max(lastArrivedSeq, seq);
    if (receiver.acceptsData()) {
      s.ackAt = reverseOpen() ? ackTime(s) : Time.NEVER;
      if (!s.delivered) {
        s.delivered = true;
        receiver.receive(s.message);
      }
    } else {
      // The receiving process is gone but its machine is up: its kernel answers with RST.
      s.ackAt = Time.NEVER;
      receiver.answerWithReset();
    }
    collectAcked();
    if (!segments.isEmpty()) {
      plan();
      if (!pendingWrites.isEmpty()) {
        scheduleWriteWakeup();
      }
      if (s.ackAt == Time.NEVER) {
        armRetransmission();
      }
      if (giveUpHandle >= 0 || s.ackAt == Time.NEVER) {
        updateGiveUpTimer();
      }
    }
  }

  /**
   * When the ack of a segment arriving now reaches the sender: at once (one latency) for a
   * segment larger than one MSS, a FIN, a message a middlebox takes, or while the receiver's
   * own data is on the wire (its packets carry the ack), acknowledging every byte before it
   * too; else when the receiver's delayed-ACK timer, started by the first unacknowledged small
   * arrival, fires.
   */
  private long ackTime(Segment s) {
    long now = sim.now();
    long latency = params.latencyNanos();
    // A middlebox that takes the message (the lab's proxy) is a TCP peer of its own: relaying
    // the other way all along, it acknowledges at once.
    Flow back = receiver.outgoing();
    if (params.delayedAckNanos() == 0 || s.isFin() || s.size > TcpParams.MSS
        || receiver.host().middleboxWaiting() || back != null && back.transmitting()) {
      acknowledgeAll(now + latency);
      return now + latency;
    }
    if (delayedSince == Time.NEVER || now >= delayedAckFires()) {
      delayedSince = now; // the timer before this one has fired: a new one starts
    }
    long at = Time.plus(delayedAckFires(), latency);
    acknowledgeUpTo(at); // cumulative: the delayed ack covers what came before it too
    return at;
  }

  private long delayedAckFires() {
    return params.timerFires(delayedSince, delayedSince + params.delayedAckNanos());
  }

  /** Whether bytes are on the wire now: every packet of them carries the latest ack. */
  boolean transmitting() {
    return wireFree > sim.now();
  }

  /**
   * The receiver sends data at {@code at}: its first segment acknowledges everything that has
   * arrived, so a delayed ack still pending goes with it.
   */
  void piggyback(long at) {
    if (delayedSince != Time.NEVER && at < delayedAckFires()) {
      acknowledgeAll(at + params.latencyNanos());
    }
  }

  /**
   * A cumulative ack leaves at {@code ackAt - latency}: every arrived byte is acknowledged, and
   * no delayed ack is pending any more.
   */
  private void acknowledgeAll(long ackAt) {
    acknowledgeUpTo(ackAt);
    delayedSince = Time.NEVER;
  }

  /**
   * Every arrived segment is acknowledged by {@code ackAt} at the latest (lost acks too: a later
   * ack is cumulative). Ack times never decrease along the buffer, so the walk back stops at
   * the first segment already acknowledged by then.
   */
  private void acknowledgeUpTo(long ackAt) {
    Segment first = segments.first();
    int from = first == null ? -1
        : (int) Math.min(segments.size() - 1, lastArrivedSeq - first.seq);
    for (int i = from; i >= 0; i--) { // from the last arrival: what follows is still on its way
      Segment x = segments.get(i);
      if (x.state == Segment.State.ARRIVED && x.ackAt <= ackAt) {
        break;
      }
      if (x.state == Segment.State.ARRIVED) {
        x.ackAt = ackAt;
      }
    }
    if (nagleHandle >= 0) {
      armNagle(); // the held segment's wake-up moves to the new ack
    }
  }

  /** Drops the send buffer's acknowledged head. Acks are not events; see the class comment. */
  private void collectAcked() {
    long now = sim.now();
    while (!segments.isEmpty() && segments.first().ackAt <= now) {
      Segment s = segments.pollFirst();
      ackedOffset = s.endOffset();
    }
  }

  // ---- partitions, crashes, healing ----

  /** Re-reads the path and the hosts after a partition started or healed or a host died. */
  void pathChanged() {
    collectAcked();
    long now = sim.now();
    boolean forward = forwardOpen();
    boolean reverse = reverseOpen();
    boolean senderAlive = sender.host().machineUp();
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      boolean onTheWire = s.state == Segment.State.IN_FLIGHT;
      // A dead sender machine still lets fully serialized bytes fly; a cut path drops them all.
      boolean survives = senderAlive ? forward : (s.arrival - params.latencyNanos() <= now
          && receiver.host().machineUp() && !network.blocked(sender.host().id()));
      if (onTheWire && !survives) {
        sim.cancel(s.deliveryHandle);
        s.state = Segment.State.LOST;
        inflightBytes -= s.size;
      }
      if (!reverse && s.ackAt != Time.NEVER && s.ackAt > now) {
        s.ackAt = Time.NEVER; // the ack was in flight when the way back closed
      }
    }
    if (!reverse && forward && senderAlive && params.ackClockedWindow()) {
      unplanFutureTransmissions(now);
    }
    if (!forward) {
      wireFree = now;
    }
    if (needsRetransmission()) {
      armRetransmission();
    }
    plan();
    updateGiveUpTimer();
    scheduleWriteWakeup();
  }

  private boolean needsRetransmission() {
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (s.state == Segment.State.LOST || s.state == Segment.State.ARRIVED
          && s.ackAt == Time.NEVER) {
        return true;
      }
    }
    return false;
  }

  private boolean retransmitArmed() {
    return retransmitHandle >= 0 && sim.isPending(retransmitHandle);
  }

  /**
   * Arms the RTO at the next expiry of the oldest unacknowledged segment's backoff schedule. It
   * stays armed, expiry after expiry, while anything needs resending: the sender cannot tell a
   * cut path from a slow one.
   */
  private void armRetransmission() {
    if (retransmitArmed() || !senderTransmits() || segments.isEmpty()) {
      return;
    }
    Segment head = segments.first();
    long first = head.firstTx >= 0 ? head.firstTx : sim.now();
    long at = nextRetransmission(first, sim.now() + 1);
    retransmitHandle =
        sim.scheduleAt(at, sender.host().id().kernelId(), retransmitLabel, retransmit, 0);
  }

  /** The RTO fired: everything unacknowledged goes out again; it lands if the path is open. */
  private void retransmit() {
    retransmitHandle = -1;
    if (!senderTransmits()) {
      return;
    }
    if (forwardOpen()) {
      long t = Math.max(sim.now(), wireFree);
      for (int i = 0; i < segments.size(); i++) {
        Segment s = segments.get(i);
        if (s.state == Segment.State.ARRIVED && s.ackAt == Time.NEVER) {
          // A duplicate: the receiver drops it and acknowledges.
          s.txStart = t;
          t += wireTime(s.size);
          s.ackAt = reverseOpen() && receiver.acceptsData()
              ? t + 2 * params.latencyNanos() : Time.NEVER;
          if (!receiver.acceptsData()) {
            receiver.answerWithReset();
          }
        } else if (s.state == Segment.State.LOST || s.state == Segment.State.QUEUED) {
          if (s.state == Segment.State.QUEUED && params.ackClockedWindow()) {
            windowCursor = 0;
            if (windowOpens(s, t) != t) {
              break; // new data goes only within the window the sender has heard of
            }
          }
          s.state = Segment.State.QUEUED;
          transmit(s, t);
          t = wireFree;
          nextToSend = Math.max(nextToSend, s.seq + 1);
        }
      }
      wireFree = Math.max(wireFree, t);
    }
    if (needsRetransmission()) {
      armRetransmission();
    }
    plan();
    updateGiveUpTimer();
    scheduleWriteWakeup();
  }

  /**
   * Arms the abort when some unacknowledged byte cannot be acknowledged under the current plan;
   * disarms it when everything will be. Linux measures from the oldest unacknowledged byte's
   * first transmission: to TCP_USER_TIMEOUT exactly, or to the first RTO expiry past the give-up.
   */
  private void updateGiveUpTimer() {
    Segment head = segments.first();
    boolean stuck = head != null && head.firstTx >= 0 && senderTransmits()
        && (!forwardOpen() || !reverseOpen() || needsRetransmission());
    if (!stuck) {
      cancel(giveUpHandle);
      giveUpHandle = -1;
      return;
    }
    long deadline = Math.max(giveUpDeadline(head.firstTx), sim.now());
    if (giveUpHandle >= 0 && sim.isPending(giveUpHandle) && giveUpAt == deadline) {
      return; // already armed for the same oldest byte
    }
    cancel(giveUpHandle);
    giveUpAt = deadline;
    giveUpHandle = deadline == Time.NEVER ? -1 // a give-up beyond 292 years never comes
        : sim.scheduleAt(deadline, sender.host().id().kernelId(), giveUpLabel, giveUp, 0);
  }

  /** {@link TcpParams#nextRetransmission}, resuming the walk of the last call when it can. */
  private long nextRetransmission(long first, long at) {
    if (backoff == null || !backoff.answers(first, at)) {
      backoff = new RtoBackoff(params, first);
    }
    return backoff.atOrAfter(at);
  }

  /**
   * When data first sent at {@code firstTx} is given up on, if never acknowledged. Asked after
   * every delivery and expiry while the path is cut, for the same oldest byte: kept.
   */
  private long giveUpDeadline(long firstTx) {
    if (firstTx != giveUpFor) {
      giveUpFor = firstTx;
      giveUpDeadline = params.userTimeoutNanos() > 0
          ? Time.plus(firstTx, params.userTimeoutNanos())
          : params.nextRetransmission(firstTx,
              Time.plus(firstTx, params.retransmitGiveUpNanos()));
    }
    return giveUpDeadline;
  }

  private void giveUp() {
    giveUpHandle = -1;
    collectAcked();
    if (segments.isEmpty() || !senderTransmits()) {
      return;
    }
    sender.abort(SocketError.ETIMEDOUT);
  }

  // ---- the sending application's blocked writes ----

  private void scheduleWriteWakeup() {
    long at = pendingWrites.isEmpty()
        ? Time.NEVER : timeAcked(pendingWrites.get(0).ackedOffsetNeeded());
    if (at != Time.NEVER) {
      at = Math.max(at, sim.now());
    }
    if (at == writableAt && (at == Time.NEVER || sim.isPending(writableHandle))) {
      return; // unchanged: spare the queue a cancel and a push per delivery
    }
    cancel(writableHandle);
    writableHandle = -1;
    writableAt = at;
    if (at != Time.NEVER) {
      writableHandle =
          sim.scheduleAt(at, sender.host().id().kernelId(), writableLabel, writable, 0);
    }
  }

  /**
   * When byte {@code offset} will have been acknowledged under the current plan (NEVER if not
   * planned): within a segment its bytes leave at the bandwidth, and no byte is acknowledged
   * before the bytes ahead of it.
   */
  private long timeAcked(long offset) {
    if (offset <= ackedOffset) {
      return sim.now();
    }
    long bound = sim.now();
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      long whole;
      if (s.state == Segment.State.ARRIVED) {
        whole = s.ackAt;
      } else if (s.state == Segment.State.IN_FLIGHT && reverseOpen()) {
        whole = s.arrival + params.latencyNanos();
      } else {
        return Time.NEVER;
      }
      if (whole == Time.NEVER) {
        return Time.NEVER;
      }
      if (s.endOffset() >= offset) {
        long partial = s.txStart + params.transmission(offset - s.startOffset)
            + 2 * params.latencyNanos();
        return Math.max(bound, Math.min(partial, whole));
      }
      bound = Math.max(bound, whole);
    }
    return Time.NEVER;
  }

  /**
   * The wake-up was scheduled for the first blocked write and is rescheduled whenever the plan
   * changes, so when it fires that write is due; later ones are due if their time has come too.
   */
  private void wakeWriters() {
    writableHandle = -1;
    writableAt = Time.NEVER;
    collectAcked();
    boolean first = true;
    while (!pendingWrites.isEmpty()
        && (first || timeAcked(pendingWrites.get(0).ackedOffsetNeeded()) <= sim.now())) {
      first = false;
      PendingWrite w = pendingWrites.remove(0);
      if (w.listener() != null && sender.canWrite()) {
        w.listener().written(w.token());
      }
    }
    scheduleWriteWakeup();
  }

  // ---- teardown ----

  /** The sending socket is gone (abort, reset, machine death): nothing more leaves it. */
  void dropSender(boolean keepSerialized) {
    long now = sim.now();
    SegmentRing kept = null; // made only when something is kept: most drops keep nothing
    while (!segments.isEmpty()) {
      Segment s = segments.pollFirst();
      boolean serialized = s.state == Segment.State.IN_FLIGHT
          && s.arrival - params.latencyNanos() <= now;
      if (keepSerialized && serialized) {
        if (kept == null || kept.get(kept.size() - 1).seq + 1 == s.seq) {
          kept = kept == null ? new SegmentRing() : kept;
          kept.addLast(s); // still on the wire: it lands, and nobody will retransmit it
          continue;
        }
      }
      if (s.state == Segment.State.IN_FLIGHT) {
        sim.cancel(s.deliveryHandle);
        inflightBytes -= s.size;
      }
    }
    while (kept != null && !kept.isEmpty()) {
      segments.addLast(kept.pollFirst());
    }
    nextToSend = nextSeq; // nothing more is transmitted
    pendingWrites.clear();
    cancel(retransmitHandle);
    cancel(giveUpHandle);
    cancel(writableHandle);
    cancel(nagleHandle);
    retransmitHandle = giveUpHandle = writableHandle = nagleHandle = -1;
    writableAt = Time.NEVER;
  }

  private void cancel(long handle) {
    if (handle >= 0) {
      sim.cancel(handle);
    }
  }
}
