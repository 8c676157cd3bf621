package io.postcopysim.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpConnectionTest {
  private static final MessageKind DATA = MessageKind.of("DATA");
  private static final MessageKind PONG = MessageKind.of("MIG_RP_MSG_PONG");
  private static final long GBIT = 1_000_000_000L;
  private static final long MIB = 1L << 20;

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

  private TcpConnection connect(TcpParams params) {
    TcpConnection c = net.connect("main", params);
    c.endpoint(HostId.SOURCE).setListener(atSrc);
    c.endpoint(HostId.DESTINATION).setListener(atDst);
    return c;
  }

  private static TcpParams gigabitMs() {
    return TcpParams.defaults().withBandwidth(GBIT).withLatency(Time.millis(1));
  }

  @Test
  void tenMibAtOneGbitWithOneMsLatencyArrivesAt84_886ms() {
    TcpConnection c = connect(gigabitMs());
    List<Long> writtenAt = new ArrayList<>();
    boolean now = c.endpoint(HostId.SOURCE).write(Message.of(DATA, 10 * MIB),
        () -> writtenAt.add(sim.now()));
    sim.run(Time.HOUR);
    // 10 MiB = 83,886,080 bits: 83.88608 ms on the wire, then 1 ms of propagation.
    assertThat(atDst.timeOf("DATA")).isEqualTo(Time.millis(1) + 83_886_080L);
    // With a 4 MiB send buffer the write returns when the first 6 MiB are acknowledged:
    // 50.331648 ms to serialize them, 1 ms there, 1 ms for the ack back.
    assertThat(now).isFalse();
    assertThat(writtenAt).containsExactly(50_331_648L + Time.millis(2));
  }

  @Test
  void smallWriteCompletesAtOnceAndMessagesArriveInOrderBackToBack() {
    TcpConnection c = connect(gigabitMs());
    Endpoint src = c.endpoint(HostId.SOURCE);
    assertThat(src.write(Message.of(DATA, MIB), null)).isTrue();
    assertThat(src.write(Message.of(PONG, 125), null)).isTrue();
    sim.advanceTo(Time.SECOND);
    // 1 MiB: 8.388608 ms; then 125 B: 1 us more on the wire.
    assertThat(atDst.seen).containsExactly(
        new Recorder.Seen(8_388_608L + Time.millis(1), "DATA"),
        new Recorder.Seen(8_388_608L + 1_000 + Time.millis(1), "MIG_RP_MSG_PONG"));
    assertThat(src.sendBuffered()).isZero();
  }

  /**
   * Linux's delayed ACK: a message of less than one MSS is acknowledged when the receiver's
   * 40 ms timer fires, a larger one on arrival. Armed at 1 ms (jiffy 0 at HZ=250) for 41 ms
   * (jiffy 11), the timer fires past it on the wheel, at jiffy 12 (48 ms); the ack lands at 49.
   */
  @Test
  void aSmallMessageIsAcknowledgedWhenTheDelayedAckTimerFires() {
    TcpConnection c = connect(gigabitMs());
    Endpoint dst = c.endpoint(HostId.DESTINATION);
    dst.write(Message.of(PONG, 8), null); // arrives at 1 ms
    sim.advanceTo(Time.millis(49) - 1);
    assertThat(dst.sendBuffered()).isEqualTo(8);
    sim.advanceTo(Time.millis(49));
    assertThat(dst.sendBuffered()).isZero();
    dst.write(Message.of(DATA, 100_000), null); // 0.8 ms on the wire: acked on arrival
    sim.advanceTo(Time.millis(49) + 800_000 + Time.millis(2));
    assertThat(dst.sendBuffered()).isZero();
  }

  /** Data the receiver sends before its delayed-ACK timer fires carries the ack. */
  @Test
  void theReceiversDataCarriesThePendingAck() {
    TcpConnection c = connect(gigabitMs());
    Endpoint dst = c.endpoint(HostId.DESTINATION);
    dst.write(Message.of(PONG, 8), null); // arrives at 1 ms
    sim.advanceTo(Time.millis(6));
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 125), null); // leaves at 6 ms
    sim.advanceTo(Time.millis(7));
    assertThat(dst.sendBuffered()).isZero();
  }

  /**
   * Real QEMU 7.2/10.0's destination paused at a cut in postcopy because its last PONGs were
   * still unacknowledged: its own TCP retransmits and gives up, though it has nothing else to
   * send. With every message acknowledged on arrival it would never learn of the cut.
   */
  @Test
  void aCutBeforeTheDelayedAckLeavesTheSmallSenderToGiveUp() {
    for (long delack : new long[] {Time.millis(40), 0}) {
      setUp();
      TcpConnection c = connect(gigabitMs().withDelayedAck(delack)
          .withRetransmitGiveUp(Time.millis(12_600)));
      c.endpoint(HostId.DESTINATION).write(Message.of(PONG, 8), null);
      sim.advanceTo(Time.millis(5));
      net.partition(true, true, Time.NEVER);
      sim.run(Time.HOUR);
      assertThat(atDst.seen.stream().anyMatch(x -> x.what().equals("ETIMEDOUT")))
          .as("delayed ack %d ns", delack).isEqualTo(delack > 0);
    }
  }

  @Test
  void partitionWithUserTimeoutGivesEtimedout20sAfterTheOldestUnacknowledgedByte() {
    TcpConnection c = connect(gigabitMs().withUserTimeout(Time.seconds(20)));
    net.partition(true, true, Time.NEVER);
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 1000), null);
    sim.run(Time.HOUR);
    assertThat(atSrc.seen).containsExactly(new Recorder.Seen(Time.seconds(20), "ETIMEDOUT"));
    // The idle destination, keepalive off, never learns anything.
    assertThat(atDst.seen).isEmpty();
  }

  @Test
  void partitionWithDefaultsGivesUpAtTheFirstRtoExpiryPast924_6s() {
    // exact timers; every message acknowledged on arrival
    TcpConnection c = connect(TcpParams.defaults().withTimerHz(0).withDelayedAck(0));
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 1000), null);
    sim.advanceTo(Time.millis(10));
    long sent = Time.millis(10);
    net.partition(true, true, Time.NEVER);
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 1000), null);
    sim.run(Time.HOUR);
    // RTO = 2 x 250 us + 200 ms = 200.5 ms; expiries at 200.5 ms x (2^k - 1) up to k = 10
    // (205.1115 s), then every 120 s: the first at or past 924.6 s is 925.1115 s.
    assertThat(atSrc.timeOf("ETIMEDOUT") - sent).isEqualTo(Time.micros(925_111_500));
  }

  @Test
  void partitionThatHealsBeforeTheTimeoutOnlyDelaysDeliveryToTheNextRetransmission() {
    TcpConnection c = connect(gigabitMs().withTimerHz(0)); // exact timers
    net.partition(true, true, Time.seconds(1));
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 125_000), null); // 1 ms on the wire
    sim.run(Time.HOUR);
    // RTO = 2 ms + 200 ms. Expiries after the first send at 0: 0.202, 0.606, 1.414 s. The heal
    // at 1 s waits for the 1.414 s retransmission, which lands 1 ms + 1 ms later.
    assertThat(atDst.seen).containsExactly(
        new Recorder.Seen(Time.millis(1414) + Time.millis(2), "DATA"));
    assertThat(atSrc.seen).isEmpty();
  }

  @Test
  void machineCrashWhileThePeerIsIdleAndKeepaliveOffIsNeverDetected() {
    TcpConnection c = connect(gigabitMs());
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 1000), null);
    sim.advanceTo(Time.SECOND);
    net.host(HostId.DESTINATION).crashMachine();
    sim.run(Time.HOUR * 24);
    assertThat(atSrc.seen).isEmpty();
    assertThat(sim.pending()).isZero();
  }

  @Test
  void machineCrashIsDetectedByKeepaliveWhenEnabled() {
    TcpParams.Keepalive k = TcpParams.Keepalive.on(Time.seconds(30), Time.seconds(5), 3);
    TcpConnection c = connect(gigabitMs().withKeepalive(k));
    c.endpoint(HostId.DESTINATION).write(Message.of(PONG, 125), null); // last received by src
    sim.advanceTo(Time.SECOND);
    long lastReceived = atSrc.timeOf("MIG_RP_MSG_PONG");
    net.host(HostId.DESTINATION).crashMachine();
    sim.run(Time.HOUR);
    assertThat(atSrc.timeOf("ETIMEDOUT")).isEqualTo(lastReceived + Time.seconds(30 + 3 * 5));
  }

  @Test
  void machineCrashIsDetectedByTheSenderOfUnacknowledgedData() {
    TcpConnection c = connect(gigabitMs().withUserTimeout(Time.seconds(10)));
    net.host(HostId.DESTINATION).crashMachine();
    sim.advanceTo(Time.seconds(5));
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 1000), null); // the next write
    sim.run(Time.HOUR);
    assertThat(atSrc.seen).containsExactly(new Recorder.Seen(Time.seconds(15), "ETIMEDOUT"));
  }

  @Test
  void processCrashIsSeenAsEofOneLatencyLater() {
    connect(gigabitMs());
    sim.advanceTo(Time.SECOND);
    net.host(HostId.DESTINATION).crashProcess();
    sim.run(Time.HOUR);
    assertThat(atSrc.seen).containsExactly(
        new Recorder.Seen(Time.SECOND + Time.millis(1), "EOF"));
  }

  @Test
  void processCrashWithUnreadDataSendsRstSeenOneLatencyLater() {
    TcpConnection c = connect(gigabitMs());
    c.endpoint(HostId.DESTINATION).setReading(false);
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 1000), null);
    sim.advanceTo(Time.SECOND);
    net.host(HostId.DESTINATION).crashProcess();
    sim.run(Time.HOUR);
    assertThat(atSrc.seen).containsExactly(
        new Recorder.Seen(Time.SECOND + Time.millis(1), "ECONNRESET"));
  }

  @Test
  void writingToAPeerWhoseProcessDiedGetsEconnresetOneRoundTripLater() {
    TcpConnection c = connect(gigabitMs());
    Endpoint src = c.endpoint(HostId.SOURCE);
    net.host(HostId.DESTINATION).crashProcess(); // FIN on its way
    sim.advanceTo(Time.micros(100));
    src.write(Message.of(DATA, 125), null); // 1 us on the wire
    sim.run(Time.HOUR);
    // The FIN arrives first (1 ms): EOF. The data reaches the dead socket at 1.101 ms and its
    // RST comes back at 2.101 ms, but the application was already told (once).
    assertThat(atSrc.seen).containsExactly(new Recorder.Seen(Time.millis(1), "EOF"));
    assertThat(src.failed()).isTrue();
  }

  @Test
  void oneWayPartitionLetsOneDirectionFlowWhileTheOtherStalls() {
    TcpConnection c = connect(gigabitMs().withUserTimeout(Time.seconds(20)));
    net.partition(false, true, Time.NEVER); // destination-to-source blackholed
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 125), null);
    c.endpoint(HostId.DESTINATION).write(Message.of(PONG, 125), null);
    sim.run(Time.HOUR);
    // The data arrives and is read; the PONG never does.
    assertThat(atDst.timeOf("DATA")).isEqualTo(Time.millis(1) + 1_000);
    assertThat(atSrc.saw("MIG_RP_MSG_PONG")).isFalse();
    // The acks of the data die on the way back too: both senders time out, 20 s after
    // each one's first transmission.
    assertThat(atSrc.timeOf("ETIMEDOUT")).isEqualTo(Time.seconds(20));
    assertThat(atDst.timeOf("ETIMEDOUT")).isEqualTo(Time.seconds(20));
  }

  @Test
  void lostReturnPathLeavesTheReceiverHappyAndTheSenderTimingOut() {
    // The SHUT case: the destination's last message is lost, the source's data was delivered.
    TcpConnection c = connect(gigabitMs().withUserTimeout(Time.seconds(20)));
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 125), null);
    sim.advanceTo(Time.millis(1)); // the data is on the wire, not yet acknowledged
    net.partition(false, true, Time.NEVER);
    sim.run(Time.HOUR);
    assertThat(atDst.saw("DATA")).isTrue();
    assertThat(atDst.saw("ETIMEDOUT")).isFalse();
    assertThat(atSrc.seen).containsExactly(new Recorder.Seen(Time.seconds(20), "ETIMEDOUT"));
  }

  @Test
  void middleboxResetGivesEconnresetAtBothEnds() {
    TcpConnection c = connect(gigabitMs());
    sim.advanceTo(Time.SECOND);
    c.reset();
    sim.run(Time.HOUR);
    long at = Time.SECOND;
    assertThat(atSrc.seen).containsExactly(new Recorder.Seen(at, "ECONNRESET"));
    assertThat(atDst.seen).containsExactly(new Recorder.Seen(at, "ECONNRESET"));
  }

  @Test
  void aReceiverThatDoesNotReadStopsTheSenderUntilItReadsAgain() {
    // 1 MiB buffers; the destination stops reading; 1 MiB messages, 8.4 ms each on the wire.
    TcpConnection c = connect(gigabitMs().withSocketBuffer(MIB));
    Endpoint src = c.endpoint(HostId.SOURCE);
    Endpoint dst = c.endpoint(HostId.DESTINATION);
    dst.setReading(false);
    List<Long> written = new ArrayList<>();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      written.add(sim.now());
      if (written.size() < 6 && src.write(Message.of(DATA, MIB), next[0])) {
        next[0].run();
      }
    };
    next[0].run();
    sim.advanceTo(Time.SECOND);
    // One message fills the receive buffer, one more sits in the send buffer: the writer is
    // blocked and nothing else moves.
    assertThat(dst.unreadBytes()).isEqualTo(MIB);
    assertThat(src.sendBuffered()).isEqualTo(MIB);
    assertThat(atDst.seen).isEmpty();
    int blockedAt = written.size();
    dst.setReading(true);
    sim.run(Time.HOUR);
    assertThat(written.size()).isGreaterThan(blockedAt);
    assertThat(atDst.seen).hasSize(5);
    assertThat(atDst.seen.get(0).time()).isEqualTo(Time.SECOND);
  }

  @Test
  void partitionHealingAfterGiveUpDoesNotRevive() {
    TcpConnection c = connect(gigabitMs().withUserTimeout(Time.seconds(5)));
    net.partition(true, true, Time.seconds(10));
    c.endpoint(HostId.SOURCE).write(Message.of(DATA, 125), null);
    sim.run(Time.HOUR);
    assertThat(atSrc.seen).containsExactly(new Recorder.Seen(Time.seconds(5), "ETIMEDOUT"));
    assertThat(atDst.saw("DATA")).isFalse();
  }

  @Test
  void preemptChannelIsASecondConnectionOnTheSameModel() {
    TcpConnection main = connect(gigabitMs());
    TcpConnection preempt = net.connect("preempt", gigabitMs());
    Recorder preemptDst = new Recorder(sim);
    preempt.endpoint(HostId.DESTINATION).setListener(preemptDst);
    main.endpoint(HostId.SOURCE).write(Message.of(DATA, 10 * MIB), null);
    preempt.endpoint(HostId.SOURCE).write(Message.of(PONG, 125), null);
    sim.run(Time.HOUR);
    // The urgent message does not wait behind the 84 ms bulk transfer.
    assertThat(preemptDst.timeOf("MIG_RP_MSG_PONG")).isEqualTo(Time.millis(1) + 1_000);
    assertThat(atDst.timeOf("DATA")).isEqualTo(Time.millis(1) + 83_886_080L);
  }
}
