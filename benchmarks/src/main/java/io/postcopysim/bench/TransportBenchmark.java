package io.postcopysim.bench;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.Message;
import io.postcopysim.core.net.MessageKind;
import io.postcopysim.core.net.Network;
import io.postcopysim.core.net.SocketError;
import io.postcopysim.core.net.SocketListener;
import io.postcopysim.core.net.TcpConnection;
import io.postcopysim.core.net.TcpParams;
import io.postcopysim.core.net.Endpoint;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages per second through one simulated TCP connection, against the bare kernel doing the
 * same number of events. Each invocation builds a fresh world and streams {@link #MESSAGES}
 * messages of 4 KiB (a page) from the source, the writer refilling its send buffer as it drains.
 * The gap between the two rows is the transport's own cost per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransportBenchmark {
  static final int MESSAGES = 10_000;
  private static final MessageKind PAGE = MessageKind.of("MIG_PAGE");
  private static final Message PAGE_4K = Message.of(PAGE, 4096);
  private static final int TICK = Labels.intern("bench:tick");

  @Param({"kernel", "transport"})
  public String mode;

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long stream() {
    return mode.equals("kernel") ? bareKernel() : throughTransport();
  }

  /** The baseline: one event per message, each scheduling the next after one page's time. */
  static long bareKernel() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    long perPage = Time.transmission(4096, 10_000_000_000L);
    EventHandler[] next = new EventHandler[1];
    next[0] = n -> {
      if (n < MESSAGES) {
        sim.schedule(perPage, 2, TICK, next[0], n + 1);
      }
    };
    sim.schedule(0, 2, TICK, next[0], 1);
    sim.run(Time.HOUR);
    return sim.trace().hash();
  }

  static long throughTransport() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    Network net = new Network(sim);
    TcpConnection c = net.connect("main", TcpParams.defaults());
    Endpoint src = c.endpoint(HostId.SOURCE);
    long[] received = new long[1];
    c.endpoint(HostId.DESTINATION).setListener(new SocketListener() {
      @Override
      public void onMessage(Message message) {
        received[0]++;
      }

      @Override
      public void onError(SocketError error) {}
    });
    int[] written = new int[1];
    Runnable[] writer = new Runnable[1];
    writer[0] = () -> {
      while (written[0] < MESSAGES) {
        written[0]++;
        if (!src.write(PAGE_4K, writer[0])) {
          return; // blocked: resumes when the buffer drains
        }
      }
    };
    writer[0].run();
    sim.run(Time.HOUR);
    if (received[0] != MESSAGES) {
      throw new AssertionError("received " + received[0]);
    }
    return sim.trace().hash();
  }
}
