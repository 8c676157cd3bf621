package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationResult;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.Enumerator;
import io.postcopysim.faults.FailurePoint;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Outcome;
import io.postcopysim.faults.StuckWindow;
import io.postcopysim.faults.Study;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs every case of a scenario over a thread pool. The unit of work is a failure point: its
 * single faults and, with max-faults 2, the double faults that start there. Results land in
 * slots fixed by the enumeration order, so the output does not depend on threads or timing.
 * Finished points go to a checkpoint; a rerun with the same checkpoint skips them.
 */
public final class BatchRunner {
  /**
   * Progress: cases finished so far and in all; {@code total} is -1 while unknown (double
   * faults: how many a single case spawns is known only once it ran).
   */
  public interface Progress {
    void update(long done, long total);

    Progress NONE = (d, t) -> { };
  }

  /**
   * @param threads worker threads (1 or more)
   * @param shard this run's part, or null for all
   * @param checkpoint file recording finished points, or null
   */
  public record Options(int threads, Shard shard, Path checkpoint, Progress progress,
      boolean fork) {
    /** Forking on (the fast way); {@code fork=false} replays every prefix (the reference). */
    public Options(int threads, Shard shard, Path checkpoint, Progress progress) {
      this(threads, shard, checkpoint, progress, true);
    }

    public Options {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      if (progress == null) {
        progress = Progress.NONE;
      }
    }
  }

  /** One failure point's work. */
  private record Task(int variant, FailurePoint point, List<CaseId> singles, String key) {}

  /**
   * Work units per thread and variant when forking. Each unit walks the failure-free run up to
   * its points once; a few units per thread balance the load without walking the run often.
   */
  static final int UNITS_PER_THREAD = 4;

  private BatchRunner() {}

  public static Results run(Scenario scenario, Options options)
      throws IOException, InterruptedException {
    Study study = scenario.study();
    Enumerator enumerator = new Enumerator(study);
    CaseRunner runner = new CaseRunner(study);
    List<GoldenRun> goldens = new ArrayList<>();
    List<Task> tasks = new ArrayList<>();
    long ordinal = 0;
    for (int vi = 0; vi < study.variants().size(); vi++) {
      Variant v = study.variants().get(vi);
      GoldenRun g = GoldenRun.of(study, v);
      goldens.add(g);
      Map<Long, List<CaseId>> byPoint = new TreeMap<>();
      for (CaseId id : enumerator.singles(g)) {
        byPoint.computeIfAbsent(id.first().point(), k -> new ArrayList<>()).add(id);
      }
      for (Map.Entry<Long, List<CaseId>> e : byPoint.entrySet()) {
        if (options.shard() == null || options.shard().takes(ordinal)) {
          tasks.add(new Task(vi, g.point(e.getKey()), e.getValue(), v.name() + "@" + e.getKey()));
        }
        ordinal++;
      }
    }
    Checkpoint checkpoint = options.checkpoint() == null ? null
        : Checkpoint.open(options.checkpoint(), fingerprint(scenario, options.shard()));
    Map<String, List<CaseResult>> done = checkpoint == null ? Map.of() : checkpoint.finished();
    List<List<CaseResult>> slots = new ArrayList<>();
    long total = 0;
    AtomicLong finished = new AtomicLong();
    // Work units: runs of pending points of one variant. With forking, a unit walks the
    // failure-free run once and forks it at each of its points; naive units are single points.
    // A unit walks the failure-free run from its start to its last point, so a variant's
    // points are cut into a few contiguous units (enough to keep every thread busy), not many.
    List<List<Integer>> pendingByVariant = new ArrayList<>();
    for (int vi = 0; vi < goldens.size(); vi++) {
      pendingByVariant.add(new ArrayList<>());
    }
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      List<CaseResult> previous = done.get(t.key());
      slots.add(previous);
      if (previous != null) {
        finished.addAndGet(previous.size());
        total += previous.size();
        continue;
      }
      total += t.singles().size();
      pendingByVariant.get(t.variant()).add(i);
    }
    List<List<Integer>> units = new ArrayList<>();
    for (List<Integer> pending : pendingByVariant) {
      int size = options.fork()
          ? Math.max(1, -Math.floorDiv(-pending.size(), UNITS_PER_THREAD * options.threads()))
          : 1;
      for (int from = 0; from < pending.size(); from += size) {
        units.add(pending.subList(from, Math.min(pending.size(), from + size)));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "pcsim-case");
      t.setDaemon(true);
      return t;
    });
    List<Future<List<List<CaseResult>>>> futures = new ArrayList<>();
    try {
      for (List<Integer> u : units) {
        GoldenRun g = goldens.get(tasks.get(u.get(0)).variant());
        futures.add(pool.submit(() -> {
          CaseRunner.Walker walker = options.fork() ? runner.walker(g.variant().name()) : null;
          List<List<CaseResult>> out = new ArrayList<>();
          for (int i : u) {
            Task t = tasks.get(i);
            List<CaseResult> rs = runPoint(t, g, enumerator, runner, study.maxFaults(),
                walker == null ? null : walker.at(t.point().index()));
            if (checkpoint != null) {
              checkpoint.record(t.key(), rs);
            }
            finished.addAndGet(rs.size());
            out.add(rs);
          }
          return out;
        }));
      }
      long estimate = study.maxFaults() == 1 ? total : -1;
      for (int f = 0; f < futures.size(); f++) {
        List<List<CaseResult>> out;
        while (true) {
          try {
            out = futures.get(f).get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            break;
          } catch (java.util.concurrent.TimeoutException e) {
            options.progress().update(finished.get(), estimate);
          }
        }
        List<Integer> u = units.get(f);
        for (int j = 0; j < u.size(); j++) {
          slots.set(u.get(j), out.get(j));
        }
        options.progress().update(finished.get(), estimate);
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re; // a model invariant broke: it names the case
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
      if (checkpoint != null) {
        checkpoint.close();
      }
    }
    options.progress().update(finished.get(), finished.get());
    List<Results.VariantResults> variants = new ArrayList<>();
    for (int vi = 0; vi < goldens.size(); vi++) {
      GoldenRun g = goldens.get(vi);
      List<CaseResult> cases = new ArrayList<>();
      long stuck = 0;
      Map<String, Long> stuckByKind = new LinkedHashMap<>();
      for (FaultKind k : study.kinds()) {
        stuckByKind.put(k.name(), 0L);
      }
      for (int i = 0; i < tasks.size(); i++) {
        if (tasks.get(i).variant() != vi) {
          continue;
        }
        boolean anyStuck = false;
        for (CaseResult r : slots.get(i)) {
          cases.add(r);
          if (r.id().faults().size() == 1 && r.outcome() == Outcome.STUCK_PAUSED) {
            anyStuck |= StuckWindow.timed(r.id().first().kind());
            stuckByKind.merge(r.faultKind(), tasks.get(i).point().width(), Long::sum);
          }
        }
        if (anyStuck) {
          stuck += tasks.get(i).point().width();
        }
      }
      variants.add(new Results.VariantResults(g.variant().name(), golden(g), stuck, stuckByKind,
          cases));
    }
    return new Results(Results.TOOL, Results.VERSION, scenario.resolved(),
        options.shard() == null ? null : options.shard().toString(), variants);
  }

  /**
   * One failure point's cases. With {@code world} (the failure-free run stopped just before the
   * point) single faults fork it; without, every case replays its prefix. Both give the same.
   */
  private static List<CaseResult> runPoint(Task t, GoldenRun g, Enumerator enumerator,
      CaseRunner runner, int maxFaults, io.postcopysim.core.migration.Migration world) {
    List<CaseResult> out = new ArrayList<>();
    for (CaseId single : t.singles()) {
      CaseResult first = world == null ? runner.run(single, g) : runner.runFrom(world, single, g);
      out.add(first);
      if (maxFaults == 2 && world != null) {
        out.addAll(runner.pairsFrom(world, single, first, g, enumerator.kindsInOrder()));
      } else if (maxFaults == 2) {
        for (Enumerator.Planned p : enumerator.pairs(g, single, true)) {
          out.add(p.pruned() ? first.as(p.id()) : runner.run(p.id(), g));
        }
      }
    }
    return out;
  }

  static Map<String, Object> golden(GoldenRun g) {
    MigrationResult r = g.result();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", g.outcome().name());
    m.put("events", r.events());
    m.put("total_time_ms", ResultsFiles.millis(r.totalTime()));
    m.put("downtime_ms", ResultsFiles.millis(r.downtime()));
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("p50", ResultsFiles.millis(r.faultLatencyP50()));
    lat.put("p99", ResultsFiles.millis(r.faultLatencyP99()));
    lat.put("max", ResultsFiles.millis(r.faultLatencyMax()));
    m.put("fault_latency_ms", lat);
    m.put("fault_latency_histogram_ms", histogram(g.faultLatencies()));
    m.put("pages_pushed", r.pagesPushed());
    m.put("pages_requested", r.pagesRequested());
    m.put("trace_hash", CasesCsv.hex(r.traceHash()));
    return m;
  }

  /** Upper bounds in ms of the fault-latency histogram's buckets; the last is unbounded. */
  static final double[] LATENCY_BUCKETS_MS = {0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  /** Page faults per latency bucket, keyed "≤ bound" in ms ("more" for the rest). */
  static Map<String, Object> histogram(long[] latencies) {
    long[] counts = new long[LATENCY_BUCKETS_MS.length + 1];
    for (long l : latencies) {
      int b = 0;
      while (b < LATENCY_BUCKETS_MS.length && l > LATENCY_BUCKETS_MS[b] * 1e6) {
        b++;
      }
      counts[b]++;
    }
    Map<String, Object> h = new LinkedHashMap<>();
    for (int b = 0; b < LATENCY_BUCKETS_MS.length; b++) {
      h.put(String.valueOf(LATENCY_BUCKETS_MS[b]), counts[b]);
    }
    h.put("more", counts[LATENCY_BUCKETS_MS.length]);
    return h;
  }

  /** What a checkpoint must match to be resumed: the resolved scenario and the shard. */
  static String fingerprint(Scenario s, Shard shard) {
    return CasesCsv.hex(io.postcopysim.core.kernel.Hashing.text(
        s.resolved().toString() + "|" + shard + "|" + Results.VERSION));
  }
}
