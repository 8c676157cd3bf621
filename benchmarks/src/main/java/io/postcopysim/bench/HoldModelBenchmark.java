package io.postcopysim.bench;

import io.postcopysim.core.kernel.EventQueue;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import umontreal.ssj.simevents.Event;
import umontreal.ssj.simevents.Simulator;
import umontreal.ssj.simevents.eventlist.BinaryTree;
import umontreal.ssj.simevents.eventlist.EventList;
import umontreal.ssj.simevents.eventlist.Henriksen;
import umontreal.ssj.simevents.eventlist.SplayTree;

/**
 * The classic hold model of event-list studies: with {@code size} events pending, one operation
 * pops the earliest and pushes one at its time plus an exponential increment (mean 1 ms).
 *
 * <p>The increments are drawn once in setup and replayed from an array: drawing them inside the
 * timed region would measure the RNG, which at small sizes costs as much as the queue
 * (JMHSample_38_PerInvokeSetup). The array (2^16 entries) is far longer than any queue's memory of
 * recent increments, and every queue sees the same sequence.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class HoldModelBenchmark {
  private static final int INCREMENTS = 1 << 16;
  private static final double MEAN_INCREMENT_NS = 1_000_000.0;

  @Param({"pcsim", "jdk-priorityqueue", "ssj-binarytree", "ssj-splaytree", "ssj-henriksen"})
  public String queue;

  @Param({"100", "10000", "1000000"})
  public int size;

  private long[] increments;
  private int cursor;
  private HoldQueue hold;

  @Setup(Level.Trial)
  public void setup() {
    ExponentialDistribution exp =
        new ExponentialDistribution(new Well19937c(20261127), MEAN_INCREMENT_NS);
    increments = new long[INCREMENTS];
    for (int i = 0; i < INCREMENTS; i++) {
      increments[i] = 1 + (long) exp.sample();
    }
    hold = switch (queue) {
      case "pcsim" -> new PcsimQueue();
      case "jdk-priorityqueue" -> new JdkQueue();
      case "ssj-binarytree" -> new SsjQueue(new BinaryTree());
      case "ssj-splaytree" -> new SsjQueue(new SplayTree());
      case "ssj-henriksen" -> new SsjQueue(new Henriksen());
      default -> throw new IllegalArgumentException("unknown queue " + queue);
    };
    for (int i = 0; i < size; i++) {
      hold.add(increments[i & (INCREMENTS - 1)]);
    }
    // Reach the steady state of the time distribution before measuring.
    for (int i = 0; i < 4 * size; i++) {
      hold.hold(increments[i & (INCREMENTS - 1)]);
    }
  }

  @Benchmark
  public long hold() {
    long increment = increments[cursor];
    cursor = (cursor + 1) & (INCREMENTS - 1);
    return hold.hold(increment);
  }

  /** One queue under test: pop the earliest entry, push one at its time + increment. */
  interface HoldQueue {
    void add(long time);

    long hold(long increment);
  }

  static final class PcsimQueue implements HoldQueue {
    private final EventQueue q = new EventQueue(1 << 10);

    @Override
    public void add(long time) {
      q.push(time);
    }

    @Override
    public long hold(long increment) {
      int slot = q.pop();
      long time = q.lastPoppedTime();
      q.release(slot);
      q.push(time + increment);
      return time;
    }
  }

  /** PriorityQueue with the same (time, sequence) order, popped objects reused. */
  static final class JdkQueue implements HoldQueue {
    static final class Entry {
      long time;
      long seq;
    }

    private final PriorityQueue<Entry> q = new PriorityQueue<>(
        Comparator.<Entry>comparingLong(e -> e.time).thenComparingLong(e -> e.seq));
    private long seq;

    @Override
    public void add(long time) {
      Entry e = new Entry();
      e.time = time;
      e.seq = seq++;
      q.add(e);
    }

    @Override
    public long hold(long increment) {
      Entry e = q.poll();
      long time = e.time;
      e.time = time + increment;
      e.seq = seq++;
      q.add(e);
      return time;
    }
  }

  /** An SSJ event list; SSJ keeps equal times FIFO itself. Popped events are reused. */
  static final class SsjQueue implements HoldQueue {
    static final class Hold extends Event {
      Hold(Simulator owner) {
        super(owner);
      }

      /** Sets the key directly: setTime refuses events it believes scheduled. */
      void at(double time) {
        eventTime = time;
      }

      @Override
      public void actions() {}
    }

    private final EventList list;
    /** Events must name a simulator; this one is never run, the list is driven directly. */
    private final Simulator owner = new Simulator();

    SsjQueue(EventList list) {
      this.list = list;
    }

    @Override
    public void add(long time) {
      Hold e = new Hold(owner);
      e.at(time);
      list.add(e);
    }

    @Override
    public long hold(long increment) {
      Hold e = (Hold) list.removeFirst();
      double time = e.time();
      e.at(time + increment);
      list.add(e);
      return (long) time;
    }
  }
}
