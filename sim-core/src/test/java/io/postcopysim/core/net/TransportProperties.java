package io.postcopysim.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** TCP's promise under any mix of sizes and healing partitions: in order, exactly once. */
class TransportProperties {
  private static final MessageKind DATA = MessageKind.of("DATA");

  @Property(tries = 200)
  void healingPartitionsNeverLoseDuplicateOrReorder(
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 3_000_000) Integer> sizes,
      @ForAll @Size(max = 4) List<@LongRange(min = 0, max = 2_000) Long> cutAtMillis,
      @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 2) Integer> cutKind,
      @ForAll @LongRange(min = 1, max = 30_000) long healMillis) {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    Network net = new Network(sim);
    TcpConnection c = net.connect("main", TcpParams.defaults()
        .withBandwidth(1_000_000_000L).withSocketBuffer(1 << 20));
    List<Long> got = new ArrayList<>();
    List<SocketError> errors = new ArrayList<>();
    c.endpoint(HostId.DESTINATION).setListener(new SocketListener() {
      @Override
      public void onMessage(Message m) {
        got.add(((Numbered) m).n());
      }

      @Override
      public void onError(SocketError e) {
        errors.add(e);
      }
    });
    Endpoint src = c.endpoint(HostId.SOURCE);
    int[] next = new int[1];
    Runnable[] writer = new Runnable[1];
    writer[0] = () -> {
      while (next[0] < sizes.size()) {
        int n = next[0]++;
        if (!src.write(new Numbered(n, sizes.get(n)), writer[0])) {
          return;
        }
      }
    };
    writer[0].run();
    for (int i = 0; i < Math.min(cutAtMillis.size(), cutKind.size()); i++) {
      int kind = cutKind.get(i);
      sim.schedule(Time.millis(cutAtMillis.get(i)), 0,
          io.postcopysim.core.kernel.Labels.intern("test:cut"),
          a -> net.partition(kind != 2, kind != 1, Time.millis(healMillis)), 0);
    }
    sim.run(Time.HOUR);
    sim.advanceTo(sim.now() + Time.SECOND); // the last acks land one latency after the last event
    // Every partition heals within 30 s, far below the 924.6 s give-up.
    assertThat(errors).isEmpty();
    List<Long> expected = new ArrayList<>();
    for (long n = 0; n < sizes.size(); n++) {
      expected.add(n);
    }
    assertThat(got).isEqualTo(expected);
    assertThat(src.sendBuffered()).isZero();
  }

  /**
   * Small messages both ways (PONGs, page requests, commands), written at random instants,
   * with delayed ACKs, Nagle and partitions that heal: each direction delivers everything in
   * order, and once quiet every byte is acknowledged: Nagle never waits for an ack that will
   * not come.
   */
  @Property(tries = 200)
  void smallMessagesBothWaysAreDeliveredAndAcknowledged(
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 4000) Integer> sizes,
      @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 0, max = 300) Long> atMillis,
      @ForAll @Size(max = 3) List<@LongRange(min = 0, max = 300) Long> cutAtMillis,
      @ForAll @LongRange(min = 1, max = 3_000) long healMillis,
      @ForAll @LongRange(min = 0, max = 5_000) long latencyMicros) {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    Network net = new Network(sim);
    TcpConnection c = net.connect("main", TcpParams.defaults()
        .withLatency(Time.micros(latencyMicros)));
    List<List<Long>> got = List.of(new ArrayList<>(), new ArrayList<>());
    List<SocketError> errors = new ArrayList<>();
    for (HostId h : HostId.values()) {
      c.endpoint(h).setListener(new SocketListener() {
        @Override
        public void onMessage(Message m) {
          got.get(h.ordinal()).add(((Numbered) m).n());
        }

        @Override
        public void onError(SocketError e) {
          errors.add(e);
        }
      });
    }
    int n = Math.min(sizes.size(), atMillis.size());
    for (int i = 0; i < n; i++) {
      HostId from = i % 3 == 0 ? HostId.SOURCE : HostId.DESTINATION;
      Numbered m = new Numbered(i, sizes.get(i));
      sim.schedule(Time.millis(atMillis.get(i)) + i, 0,
          io.postcopysim.core.kernel.Labels.intern("test:write"),
          a -> c.endpoint(from).write(m, null), 0);
    }
    for (long cut : cutAtMillis) {
      sim.schedule(Time.millis(cut), 0, io.postcopysim.core.kernel.Labels.intern("test:cut"),
          a -> net.partition(true, true, Time.millis(healMillis)), 0);
    }
    sim.run(Time.HOUR);
    sim.advanceTo(sim.now() + Time.SECOND);
    assertThat(errors).isEmpty();
    for (HostId to : HostId.values()) {
      List<Long> expected = new ArrayList<>(); // in the order they were written
      for (long i = 0; i < n; i++) {
        if ((i % 3 == 0) == (to == HostId.DESTINATION)) {
          expected.add(i);
        }
      }
      expected.sort(java.util.Comparator.comparingLong(
          i -> Time.millis(atMillis.get((int) (long) i)) + i));
      assertThat(got.get(to.ordinal())).as("to %s", to).isEqualTo(expected);
      assertThat(c.endpoint(to).sendBuffered()).as("unacknowledged at %s", to).isZero();
    }
  }

  record Numbered(long n, long size) implements Message {
    @Override
    public MessageKind kind() {
      return DATA;
    }
  }
}
