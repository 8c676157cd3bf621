package io.postcopysim.bench;

import io.postcopysim.scenarios.BatchRunner;
import io.postcopysim.scenarios.Results;
import io.postcopysim.scenarios.ResultsFiles;
import io.postcopysim.scenarios.Scenario;
import io.postcopysim.scenarios.Sweep;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One sweep cell as {@code pcsim sweep} runs it: every single-fault case of the cell's scenario
 * (forking), aggregated, hashed; no case files, no report. The cell is {@code default} with its
 * five variants at the given one-way latency, with or without 1 ms gap points. Seconds per cell,
 * on {@code threads} workers: times 100 is a 100-cell sweep of default.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class SweepCellBenchmark {
  @Param({"250us", "10ms"})
  public String latency;

  @Param({"0s", "1ms"})
  public String gapPoints;

  @Param({"2"})
  public int threads;

  private Scenario cell;

  @Setup
  public void setup() {
    cell = Sweep.parse("sweep:\n  base: default\n  vary:\n    network.latency: [" + latency
        + "]\n  set:\n    faults.gap-points: " + gapPoints + "\n", "bench.yaml", null)
        .cells().get(0).scenario();
  }

  @Benchmark
  public String cell() throws Exception {
    Results r = BatchRunner.run(cell, new BatchRunner.Options(threads, null, null, null, true));
    return ResultsFiles.resultsHash(r);
  }
}
