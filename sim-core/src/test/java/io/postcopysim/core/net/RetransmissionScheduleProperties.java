package io.postcopysim.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The RTO schedule (1, 3, 7, ... x RTO, doubling to TCP_RTO_MAX, then every TCP_RTO_MAX) is
 * computed in closed form past the doubling; it must equal the expiry-by-expiry walk, and a
 * give-up of years must neither hang nor overflow.
 */
class RetransmissionScheduleProperties {
  /** The reference: every expiry, one at a time. */
  private static long walk(TcpParams p, long first, long at) {
    long interval = p.initialRto();
    long t = first + interval;
    while (t < at) {
      interval = Math.min(interval * 2, p.rtoMaxNanos());
      t += interval;
    }
    return t;
  }

  @Property(tries = 500)
  void closedFormEqualsTheWalk(@ForAll @LongRange(min = 0, max = 10_000) long firstMs,
      @ForAll @LongRange(min = 0, max = 20_000_000) long afterMs,
      @ForAll @LongRange(min = 1, max = 100_000) long latencyUs) {
    TcpParams p = TcpParams.defaults().withLatency(Time.micros(latencyUs));
    long first = Time.millis(firstMs);
    long at = first + Time.millis(afterMs);
    assertThat(p.nextRetransmission(first, at)).isEqualTo(walk(p, first, at));
  }

  @Test
  void aGiveUpOfCenturiesSaturatesInsteadOfOverflowing() {
    TcpParams p = TcpParams.defaults().withRetransmitGiveUp(Long.MAX_VALUE / 2);
    long t = p.nextRetransmission(Time.seconds(1), Time.plus(Time.seconds(1), Long.MAX_VALUE / 2));
    assertThat(t).isPositive().isGreaterThanOrEqualTo(Long.MAX_VALUE / 2);
    assertThat(p.nextRetransmission(Time.seconds(1), Time.NEVER)).isEqualTo(Time.NEVER);
  }

  @Test
  void linuxGivesUpAtTheSixthExpiryWithTcpRetries2At5() {
    // tcp_retries2=5: tcp_model_timeout = 63 x TCP_RTO_MIN = 12.6 s; the check runs at RTO
    // expiries. On a CONFIG_HZ=250 kernel the RTO rounds up to 51 jiffies (204 ms): the sixth
    // expiry, 63 x 204 ms = 12.852 s after the head's first transmission, is the give-up.
    TcpParams p = new TcpParams(10_000_000_000L, 0, 4 << 20, Time.millis(12_600), 0,
        TcpParams.Keepalive.OFF, Time.millis(204), Time.seconds(120));
    assertThat(p.nextRetransmission(0, p.retransmitGiveUpNanos())).isEqualTo(Time.millis(12_852));
  }
}
