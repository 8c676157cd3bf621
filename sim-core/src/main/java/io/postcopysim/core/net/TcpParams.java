package io.postcopysim.core.net;

import io.postcopysim.core.kernel.Time;

/**
 * One TCP connection's parameters (both directions alike).
 *
 * @param bandwidthBitsPerSecond serialization rate of each direction
 * @param latencyNanos one-way propagation delay
 * @param socketBufferBytes send and receive buffer size of each socket
 * @param retransmitGiveUpNanos time after the oldest unacknowledged byte was first sent at which
 *     Linux gives up (tcp_retries2=15 with a 200 ms RTO gives 924.6 s)
 * @param userTimeoutNanos TCP_USER_TIMEOUT; 0 = off. When set it replaces the give-up time
 * @param keepalive keepalive settings; {@link Keepalive#OFF} unless the application enables it
 * @param rtoMinNanos Linux's TCP_RTO_MIN (200 ms): the first retransmission timeout is RTT + this
 * @param rtoMaxNanos Linux's TCP_RTO_MAX (120 s): the backoff stops doubling there
 * @param delayedAckNanos Linux's delayed ACK (TCP_DELACK_MIN, 40 ms): a message no larger than
 *     one {@link #MSS} is acknowledged this long after it arrived, or with the next data the
 *     receiver sends, whichever is first; 0 = every message acknowledged on arrival
 * @param timerHz the kernel's CONFIG_HZ when its timer wheel rounds the retransmission
 *     timers up to the wheel's granularity (Debian: 250); 0 = exact timers
 * @param receiveWindowBytes the receiver's advertised window, ack-clocked as in TCP: a sender
 *     has at most this many bytes sent and unacknowledged (and unread by the receiver), and
 *     learns of room only from acks, so a cut of the way back freezes the window where the
 *     last ack left it; 0 = the older approximation (the window is the socket buffer, bytes
 *     count until they arrive, room is learnt at once)
 */
public record TcpParams(
    long bandwidthBitsPerSecond,
    long latencyNanos,
    long socketBufferBytes,
    long retransmitGiveUpNanos,
    long userTimeoutNanos,
    Keepalive keepalive,
    long rtoMinNanos,
    long rtoMaxNanos,
    long delayedAckNanos,
    int timerHz,
    long receiveWindowBytes) {

  /** Ethernet's MSS: messages no larger than this are acknowledged late (delayed ACK). */
  public static final long MSS = 1448;

  public TcpParams {
    require(bandwidthBitsPerSecond > 0 && bandwidthBitsPerSecond <= Time.MAX_RATE, "bandwidth");
    require(latencyNanos >= 0, "latency");
    require(socketBufferBytes > 0, "socket buffer");
    require(retransmitGiveUpNanos > 0, "retransmit give-up");
    require(userTimeoutNanos >= 0, "user timeout");
    require(rtoMinNanos > 0 && rtoMaxNanos >= rtoMinNanos, "RTO bounds");
    require(delayedAckNanos >= 0, "delayed ack");
    require(timerHz == 0 || timerHz >= 100 && timerHz <= 1000, "timer-hz (0, or 100..1000)");
    require(receiveWindowBytes == 0 || receiveWindowBytes >= MSS, "receive window (0, or >= MSS)");
    if (keepalive == null) {
      throw new IllegalArgumentException("keepalive");
    }
  }

  /**
   * Linux defaults on a 10 Gbit/s LAN with 250 us one-way latency and 4 MiB buffers: delayed
   * ACKs of 40 ms, and Debian's kernel timer wheel (CONFIG_HZ=250).
   */
  public static TcpParams defaults() {
    return new TcpParams(10_000_000_000L, Time.micros(250), 4L << 20, Time.millis(924_600), 0,
        Keepalive.OFF, Time.millis(200), Time.seconds(120), Time.millis(40), 250, 0);
  }

  public TcpParams withBandwidth(long bitsPerSecond) {
    return new TcpParams(bitsPerSecond, latencyNanos, socketBufferBytes, retransmitGiveUpNanos,
        userTimeoutNanos, keepalive, rtoMinNanos, rtoMaxNanos,
        delayedAckNanos, timerHz, receiveWindowBytes);
  }

  public TcpParams withLatency(long nanos) {
    return new TcpParams(bandwidthBitsPerSecond, nanos, socketBufferBytes, retransmitGiveUpNanos,
        userTimeoutNanos, keepalive, rtoMinNanos, rtoMaxNanos,
        delayedAckNanos, timerHz, receiveWindowBytes);
  }

  public TcpParams withSocketBuffer(long bytes) {
    return new TcpParams(bandwidthBitsPerSecond, latencyNanos, bytes, retransmitGiveUpNanos,
        userTimeoutNanos, keepalive, rtoMinNanos, rtoMaxNanos,
        delayedAckNanos, timerHz, receiveWindowBytes);
  }

  public TcpParams withUserTimeout(long nanos) {
    return new TcpParams(bandwidthBitsPerSecond, latencyNanos, socketBufferBytes,
        retransmitGiveUpNanos, nanos, keepalive, rtoMinNanos, rtoMaxNanos,
        delayedAckNanos, timerHz, receiveWindowBytes);
  }

  public TcpParams withRetransmitGiveUp(long nanos) {
    return new TcpParams(bandwidthBitsPerSecond, latencyNanos, socketBufferBytes, nanos,
        userTimeoutNanos, keepalive, rtoMinNanos, rtoMaxNanos,
        delayedAckNanos, timerHz, receiveWindowBytes);
  }

  public TcpParams withKeepalive(Keepalive k) {
    return new TcpParams(bandwidthBitsPerSecond, latencyNanos, socketBufferBytes,
        retransmitGiveUpNanos, userTimeoutNanos, k, rtoMinNanos, rtoMaxNanos,
        delayedAckNanos, timerHz, receiveWindowBytes);
  }

  public TcpParams withDelayedAck(long nanos) {
    return new TcpParams(bandwidthBitsPerSecond, latencyNanos, socketBufferBytes,
        retransmitGiveUpNanos, userTimeoutNanos, keepalive, rtoMinNanos, rtoMaxNanos, nanos,
        timerHz, receiveWindowBytes);
  }

  public TcpParams withTimerHz(int hz) {
    return new TcpParams(bandwidthBitsPerSecond, latencyNanos, socketBufferBytes,
        retransmitGiveUpNanos, userTimeoutNanos, keepalive, rtoMinNanos, rtoMaxNanos,
        delayedAckNanos, hz, receiveWindowBytes);
  }

  public TcpParams withReceiveWindow(long bytes) {
    return new TcpParams(bandwidthBitsPerSecond, latencyNanos, socketBufferBytes,
        retransmitGiveUpNanos, userTimeoutNanos, keepalive, rtoMinNanos, rtoMaxNanos,
        delayedAckNanos, timerHz, bytes);
  }

  /** Whether the receive window is ack-clocked ({@link #receiveWindowBytes} set). */
  public boolean ackClockedWindow() {
    return receiveWindowBytes > 0;
  }

  /** Serialization time of {@code bytes} on one direction. */
  public long transmission(long bytes) {
    return Time.transmission(bytes, bandwidthBitsPerSecond);
  }

  /** Linux's RTO on an idle-variance path: srtt + max(4 rttvar, TCP_RTO_MIN). */
  public long initialRto() {
    return 2 * latencyNanos + rtoMinNanos;
  }

  /**
   * How long unacknowledged data may stay unacknowledged before the sender aborts: the user
   * timeout when set, else the retransmission give-up time.
   */
  public long abortAfter() {
    return userTimeoutNanos > 0 ? userTimeoutNanos : retransmitGiveUpNanos;
  }

  /**
   * The first retransmission instant at or after {@code at} for data first sent at {@code first}:
   * expiries at first + rto (1, 3, 7, ...) doubling up to TCP_RTO_MAX, then every TCP_RTO_MAX;
   * each armed when the one before fired, so with a timer wheel each is rounded up from the
   * one before ({@link #timerFires}).
   */
  public long nextRetransmission(long first, long at) {
    return new RtoBackoff(this, first).atOrAfter(at);
  }

  /**
   * When a kernel timer armed at {@code armed} for {@code due} fires. With exact timers, at
   * {@code due}. With Linux's timer wheel (kernel/time/timer.c, calc_wheel_index and
   * calc_index): the expiry in jiffies (rounded up) is put in the level its distance selects
   * (level n holds distances below 63 x 8^n jiffies, with a granularity of 8^n jiffies) and
   * rounded up past the next multiple of that granularity, on a grid shared by every timer of
   * the machine: at HZ=250, an RTO of 6.4 s fires up to 256 ms late, and two sockets' timers
   * due 100 ms apart can fire in the same tick.
   */
  public long timerFires(long armed, long due) {
    if (timerHz == 0 || due == Time.NEVER) {
      return due;
    }
    long jiffy = Time.SECOND / timerHz;
    long now = armed / jiffy;
    long expires = (due + jiffy - 1) / jiffy;
    long delta = expires - now;
    int shift = 0;
    while (shift < 24 && delta >= 63L << shift) {
      shift += 3;
    }
    long bucket = ((expires >> shift) + 1) << shift;
    return bucket > Time.NEVER / jiffy ? Time.NEVER : bucket * jiffy;
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("invalid TCP parameter: " + what);
    }
  }

  /**
   * TCP keepalive: after {@code idle} without receiving anything, a probe every {@code interval};
   * {@code count} unanswered probes abort with ETIMEDOUT.
   */
  public record Keepalive(boolean enabled, long idleNanos, long intervalNanos, int count) {
    /** Linux's default values, but off, as QEMU leaves it unless keep-alive is set. */
    public static final Keepalive OFF =
        new Keepalive(false, Time.seconds(7200), Time.seconds(75), 9);

    public static Keepalive on(long idleNanos, long intervalNanos, int count) {
      return new Keepalive(true, idleNanos, intervalNanos, count);
    }

    /** Time from the last received byte to ETIMEDOUT when no probe is answered. */
    public long deadAfter() {
      long probes = intervalNanos > (Time.NEVER - idleNanos) / Math.max(1, count)
          ? Time.NEVER - idleNanos : intervalNanos * count;
      return Time.plus(idleNanos, probes);
    }
  }
}
