package io.postcopysim.bench;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.core.net.TcpParams;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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

/**
 * One failure-free migration of the default scenario, from {@code migrate} to completion:
 * runs per second, and (the "events" counter) simulated events per second. Compare the events
 * rate with HoldModelBenchmark's bare kernel and TransportBenchmark's transport in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MigrationRunBenchmark {
  @Param({"LEGACY", "POSTCOPY_SETUP", "PRECOPY"})
  public String variant;

  private Variant v;

  /** Events processed, reported by JMH as a rate next to the runs. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Events {
    public long events;

    @Setup(Level.Iteration)
    public void reset() {
      events = 0;
    }
  }

  @Setup
  public void setup() {
    v = Variants.byName(variant).orElseThrow();
  }

  @Benchmark
  public long run(Events counter) {
    Simulation sim = new Simulation(42, TraceMode.HASH_ONLY);
    new Migration(sim, MigrationParams.defaults(), TcpParams.defaults(), v).start();
    sim.run(Time.HOUR);
    counter.events += sim.processed();
    return sim.trace().hash();
  }
}
