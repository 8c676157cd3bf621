package io.postcopysim.bench;

import io.postcopysim.core.migration.Migration;
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
import java.util.Map;
import java.util.TreeMap;
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
 * Complete cases per second of the default scenario (every variant and fault kind, single
 * faults) at several guest sizes: each invocation takes the next 24 failure points and runs
 * all their cases, either replaying each case's failure-free prefix ({@code naive}, the
 * reference) or forking the failure-free run, walked once per variant, at each point
 * ({@code fast}), as the batch runner does. The "cases" counter is the rate to compare; both
 * modes give the same results (BatchRunnerTest). Run with {@code -prof gc} for the allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnumerationBenchmark {
  static final int UNIT = 24;

  @Param({"1GiB", "4GiB", "16GiB", "64GiB"})
  public String ram;

  @Param({"naive", "fast"})
  public String mode;

  private CaseRunner runner;
  /** Units of points: the golden run, then for each point its single-fault cases. */
  private final List<GoldenRun> unitGolden = new ArrayList<>();
  private final List<List<List<CaseId>>> units = new ArrayList<>();
  private int next;
  private CaseRunner.Walker walker;
  private GoldenRun walkerGolden;
  private long walkerAt;

  /** Cases run, reported as a rate next to the units. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Cases {
    public long cases;

    @Setup(Level.Iteration)
    public void reset() {
      cases = 0;
    }
  }

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
      Map<Long, List<CaseId>> byPoint = new TreeMap<>();
      for (CaseId id : en.singles(g)) {
        byPoint.computeIfAbsent(id.first().point(), k -> new ArrayList<>()).add(id);
      }
      List<List<CaseId>> unit = new ArrayList<>();
      for (List<CaseId> point : byPoint.values()) {
        unit.add(point);
        if (unit.size() == UNIT) {
          units.add(unit);
          unitGolden.add(g);
          unit = new ArrayList<>();
        }
      }
      if (!unit.isEmpty()) {
        units.add(unit);
        unitGolden.add(g);
      }
    }
  }

  /** Switch to postcopy after half the RAM streamed, as the 4 GiB default does (2 s). */
  private static int precopySeconds(String ram) {
    return Math.max(1, Integer.parseInt(ram.replace("GiB", "")) / 2);
  }

  @Benchmark
  public long nextUnit(Cases counter) {
    int u = next;
    next = (next + 1) % units.size();
    GoldenRun g = unitGolden.get(u);
    long hash = 0;
    // Fast mode keeps walking one failure-free run while the units go through a variant, as a
    // batch unit does; a new walk starts at the next variant or when the cycle wraps.
    if (mode.equals("fast")) {
      long first = units.get(u).get(0).get(0).first().point();
      if (walker == null || walkerGolden != g || walkerAt > first) {
        walker = runner.walker(g.variant().name());
        walkerGolden = g;
      }
    }
    for (List<CaseId> point : units.get(u)) {
      long at = point.get(0).first().point();
      Migration world = mode.equals("fast") ? walker.at(at) : null;
      walkerAt = at;
      for (CaseId id : point) {
        CaseResult r = world == null ? runner.run(id, g) : runner.runFrom(world, id, g);
        hash ^= r.traceHash();
        counter.cases++;
      }
    }
    return hash;
  }
}
