package io.postcopysim.core.net;

import io.postcopysim.core.kernel.Time;

/**
 * The retransmission expiries of one first transmission (see
 * {@link TcpParams#nextRetransmission}), walked forward and kept where the last question left
 * them. A flow whose path is cut asks for the next expiry each time the RTO fires; walking the
 * schedule from the first transmission every time made each firing cost a wheel rounding per
 * expiry so far, which was the largest single cost of a faulted case. The expiries strictly
 * increase and do not depend on the question, so resuming the walk gives the same answer.
 */
final class RtoBackoff {
  /** Past this many wheel-rounded steps (33 hours of RTO_MAX) the rounding is left out. */
  private static final int MAX_ROUNDED_STEPS = 1000;

  private final TcpParams params;
  private final long first;
  private long interval;
  /** The latest expiry walked to. */
  private long expiry;
  /** The expiry before {@link #expiry}; {@code Long.MIN_VALUE} while at the first one. */
  private long previous = Long.MIN_VALUE;
  private int steps;

  RtoBackoff(TcpParams params, long first) {
    this.params = params;
    this.first = first;
    this.interval = params.initialRto();
    this.expiry = params.timerFires(first, Time.plus(first, interval));
  }

  /** Whether {@link #atOrAfter} can answer for this first transmission and instant. */
  boolean answers(long first, long at) {
    return this.first == first && at > previous;
  }

  /**
   * The first expiry at or after {@code at}. The doubling phase takes at most 64 steps; then
   * expiries come every TCP_RTO_MAX, which is arithmetic, not a walk over every expiry of a
   * give-up of years.
   */
  long atOrAfter(long at) {
    assert at > previous : "the walk only goes forward";
    long rtoMax = params.rtoMaxNanos();
    while (expiry < at && (interval < rtoMax
        || params.timerHz() > 0 && steps < MAX_ROUNDED_STEPS)) {
      interval = Math.min(Time.plus(interval, interval), rtoMax);
      previous = expiry;
      expiry = params.timerFires(expiry, Time.plus(expiry, interval));
      steps++;
    }
    if (expiry >= at) {
      return expiry;
    }
    long n = (at - expiry + rtoMax - 1) / rtoMax;
    return n > (Time.NEVER - expiry) / rtoMax ? Time.NEVER : expiry + n * rtoMax;
  }
}
