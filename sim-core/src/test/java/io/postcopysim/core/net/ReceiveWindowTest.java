package io.postcopysim.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TCP's advertised window, ack-clocked ({@link TcpParams#receiveWindowBytes}): a sender has at
 * most a window of bytes sent and unacknowledged, learns of room only from acks, and so stops
 * where the last ack left it when the way back is cut (real QEMU 7.2 and 11.1 in the lab: the
 * package queued behind a full send buffer never reaches a destination whose acks are lost).
 */
class ReceiveWindowTest {
  private static final MessageKind DATA = MessageKind.of("DATA");
  private static final MessageKind PONG = MessageKind.of("MIG_RP_MSG_PONG");
  private static final long KIB = 1L << 10;
  /** 32 KiB at 1 Gbit/s. */
  private static final long WIRE = 262_144;

  private Simulation sim;
  private Network net;
  private Recorder atSrc;
  private Recorder atDst;

  @BeforeEach
  void setUp() {
    sim = new Simulation(1, TraceMode.FULL);
    net = new Network(sim);
    atSrc = new Recorder(sim);
    atDst = new Recorder(sim);
  }

  /** 1 Gbit/s, 1 ms one way, 4 MiB socket buffers, a 20 s user timeout. */
  private Endpoint source(long window) {
    TcpParams p = TcpParams.defaults().withBandwidth(1_000_000_000L)
        .withLatency(Time.millis(1)).withUserTimeout(Time.seconds(20)).withReceiveWindow(window);
    TcpConnection c = net.connect("main", p);
    c.endpoint(HostId.SOURCE).setListener(atSrc);
    c.endpoint(HostId.DESTINATION).setListener(atDst);
    return c.endpoint(HostId.SOURCE);
  }

  private static void writeSixteen(Endpoint src) {
    for (int i = 0; i < 16; i++) {
      src.write(Message.of(DATA, 32 * KIB), null);
    }
  }

  private long arrivals() {
    return atDst.seen.stream().filter(s -> s.what().equals("DATA")).count();
  }

  @Test
  void aWindowBelowTheBandwidthDelayProductPacesTheStreamByRoundTrips() {
    writeSixteen(source(64 * KIB));
    sim.run(Time.HOUR);
    // Two 32 KiB messages per window: the third leaves when the first's ack is back (its last
    // byte out at WIRE, there 1 ms later, acked on arrival, back 1 ms later), and so on: a pair
    // every WIRE + 2 ms. The sixteenth is the second of the eighth pair.
    long pair = WIRE + Time.millis(2);
    assertThat(arrivals()).isEqualTo(16);
    assertThat(atDst.seen.get(15).time()).isEqualTo(7 * pair + 2 * WIRE + Time.millis(1));
  }

  @Test
  void withoutTheWindowTheSocketBufferAloneBoundsTheStream() {
    writeSixteen(source(0));
    sim.run(Time.HOUR);
    // The older approximation: 512 KiB fit the 4 MiB buffer, back to back on the wire.
    assertThat(atDst.seen.get(15).time()).isEqualTo(16 * WIRE + Time.millis(1));
  }

  @Test
  void aCutOfTheWayBackFreezesTheWindowWhereTheLastAckLeftIt() {
    writeSixteen(source(64 * KIB));
    sim.advanceTo(Time.micros(600)); // the first window (two messages) is on the wire
    net.partition(false, true, Time.NEVER);
    sim.run(Time.HOUR);
    // The two land, their acks are lost, and nothing more ever leaves: the sender gives up.
    assertThat(arrivals()).isEqualTo(2);
    assertThat(atSrc.timeOf("ETIMEDOUT")).isEqualTo(Time.seconds(20));
  }

  @Test
  void theOlderApproximationDeliversPastACutOfTheWayBack() {
    // Why the window matters: without it every queued message was already planned on the
    // wire, and a cut of the acks does not stop it.
    writeSixteen(source(0));
    sim.advanceTo(Time.micros(600));
    net.partition(false, true, Time.NEVER);
    sim.run(Time.HOUR);
    assertThat(arrivals()).isEqualTo(16);
  }

  @Test
  void aPlanMadeOnAnAckThatTheCutLosesIsUndone() {
    writeSixteen(source(64 * KIB));
    // At 1.5 ms the first message has landed and its ack (due at WIRE + 2 ms) is on its way:
    // the third message is planned to leave then. The cut loses that ack, and the plan.
    sim.advanceTo(Time.micros(1_500));
    net.partition(false, true, Time.NEVER);
    sim.run(Time.HOUR);
    assertThat(arrivals()).isEqualTo(2);
  }

  @Test
  void whenTheWayBackHealsTheRestFollows() {
    writeSixteen(source(64 * KIB));
    sim.advanceTo(Time.micros(600));
    net.partition(false, true, Time.seconds(5));
    sim.run(Time.HOUR);
    assertThat(arrivals()).isEqualTo(16);
    assertThat(atDst.seen.get(2).time()).isGreaterThan(Time.seconds(5));
    assertThat(atSrc.saw("ETIMEDOUT")).isFalse();
  }

  @Test
  void aMessageLargerThanTheWindowDoesNotWaitForTheDelayedAckOfASmallOneBeforeIt() {
    Endpoint src = source(64 * KIB);
    src.write(Message.of(PONG, 125), null); // acknowledged 40 ms after it lands, alone
    src.write(Message.of(DATA, 1L << 20), null);
    sim.run(Time.HOUR);
    // TCP streams the large message through the window right behind the small one; its own
    // segments' acks cover the small one's. 125 B take 1 us on the wire, 1 MiB 8.388608 ms.
    assertThat(atDst.timeOf("DATA")).isEqualTo(1_000 + 8_388_608L + Time.millis(1));
  }
}
