package io.postcopysim.bench;

import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.Enumerator;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Study;
import io.postcopysim.scenarios.Catalog;
import io.postcopysim.scenarios.Scenario;
import io.postcopysim.scenarios.ScenarioLoader;
import java.util.ArrayList;
import java.util.List;
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
 * Complete cases per second of the default scenario (every variant and fault kind, single
 * faults) at several guest sizes: each invocation runs the next case of the enumeration, so
 * the mean covers the whole case mix. {@code ram=1GiB} is the baseline the others are compared
 * with: per-case cost should not follow the page count. Run with {@code -prof gc} for the
 * allocation per case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnumerationBenchmark {
  @Param({"1GiB", "4GiB", "16GiB", "64GiB"})
  public String ram;

  /** Only "naive" exists so far: every case replays its failure-free prefix. */
  @Param({"naive"})
  public String mode;

  private CaseRunner runner;
  private final List<CaseId> cases = new ArrayList<>();
  private final List<GoldenRun> goldens = new ArrayList<>();
  private int next;

  @Setup
  public void setup() {
    Scenario base = Catalog.load("default");
    String text = Catalog.text("default").orElseThrow()
        .replace("ram: 4GiB", "ram: " + ram)
        .replace("horizon: 1h", "horizon: 2h")
        .replace("precopy-time: 2s", "precopy-time: " + precopySeconds(ram) + "s");
    Scenario s = ram.equals("4GiB") ? base : ScenarioLoader.parse(text, "bench-" + ram);
    Study study = s.study();
    runner = new CaseRunner(study);
    Enumerator en = new Enumerator(study);
    for (var v : study.variants()) {
      GoldenRun g = GoldenRun.of(study, v);
      for (CaseId id : en.singles(g)) {
        cases.add(id);
        goldens.add(g);
      }
    }
  }

  /** Switch to postcopy after half the RAM streamed, as the 4 GiB default does (2 s). */
  private static int precopySeconds(String ram) {
    return Math.max(1, Integer.parseInt(ram.replace("GiB", "")) / 2);
  }

  @Benchmark
  public CaseResult nextCase() {
    int i = next;
    next = (next + 1) % cases.size();
    return runner.run(cases.get(i), goldens.get(i));
  }
}
