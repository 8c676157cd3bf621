package io.postcopysim.core.net;

import io.postcopysim.core.kernel.Time;

/**
 * One written message (or the FIN) as the sending kernel tracks it until it is acknowledged.
 * Mutable, owned by one {@link Flow}.
 */
final class Segment {
  enum State {
    /** In the send buffer, not yet transmitted. */
    QUEUED,
    /** Transmitted; its delivery event is scheduled. */
    IN_FLIGHT,
    /** Dropped by a partition or a dead receiver; needs retransmission. */
    LOST,
    /** Reached the receiver's kernel (possibly more than once after retransmission). */
    ARRIVED
  }

  final long seq;
  final Message message; // null for the FIN
  final long size;
  final long startOffset;
  State state = State.QUEUED;
  long firstTx = -1;
  long txStart = -1;
  long arrival = Time.NEVER;
  long ackAt = Time.NEVER;
  long deliveryHandle = -1;
  boolean delivered;

  Segment(long seq, Message message, long size, long startOffset) {
    this.seq = seq;
    this.message = message;
    this.size = size;
    this.startOffset = startOffset;
  }

  Segment copy() {
    Segment c = new Segment(seq, message, size, startOffset);
    c.state = state;
    c.firstTx = firstTx;
    c.txStart = txStart;
    c.arrival = arrival;
    c.ackAt = ackAt;
    c.deliveryHandle = deliveryHandle;
    c.delivered = delivered;
    return c;
  }

  boolean isFin() {
    return message == null;
  }

  long endOffset() {
    return startOffset + size;
  }
}
