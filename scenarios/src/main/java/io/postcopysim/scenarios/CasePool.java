package io.postcopysim.scenarios;

import io.postcopysim.core.migration.Migration;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.Enumerator;
import io.postcopysim.faults.Enumerator.Planned;
import io.postcopysim.faults.GoldenRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a plan's pending points over a thread pool. Results land in slots fixed by the plan's
 * order, so the output does not depend on threads or timing.
 */
final class CasePool {
  /**
   * Work units per thread and variant when forking. Each unit walks the failure-free run up to
   * its points once; a few units per thread balance the load without walking the run often.
   */
  static final int UNITS_PER_THREAD = 4;

  private CasePool() {}

  /**
   * @param done results of points a checkpoint already holds, by task key
   * @return per task of the plan, its cases
   */
  static List<List<CaseResult>> run(RunPlan plan, BatchRunner.Options options,
      Map<String, List<CaseResult>> done, Checkpoint checkpoint) throws InterruptedException {
    List<RunPlan.Task> tasks = plan.tasks();
    List<List<CaseResult>> slots = new ArrayList<>();
    AtomicLong finished = new AtomicLong();
    long total = 0;
    List<List<Integer>> pendingByVariant = new ArrayList<>();
    for (int vi = 0; vi < plan.goldens().size(); vi++) {
      pendingByVariant.add(new ArrayList<>());
    }
    for (int i = 0; i < tasks.size(); i++) {
      RunPlan.Task t = tasks.get(i);
      List<CaseResult> previous = done.get(t.key());
      slots.add(previous);
      if (previous != null) {
        finished.addAndGet(previous.size());
        total += previous.size();
      } else {
        total += t.singles().size();
        pendingByVariant.get(t.variant()).add(i);
      }
    }
    List<List<Integer>> units = units(pendingByVariant, options);
    Enumerator enumerator = new Enumerator(plan.study());
    CaseRunner runner = new CaseRunner(plan.study());
    int maxFaults = plan.study().maxFaults();
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "pcsim-case");
      t.setDaemon(true);
      return t;
    });
    List<Future<List<List<CaseResult>>>> futures = new ArrayList<>();
    try {
      for (List<Integer> u : units) {
        GoldenRun g = plan.goldens().get(tasks.get(u.get(0)).variant());
        futures.add(pool.submit(() -> {
          CaseRunner.Walker walker = options.fork() ? runner.walker(g.variant().name()) : null;
          List<List<CaseResult>> out = new ArrayList<>();
          for (int i : u) {
            RunPlan.Task t = tasks.get(i);
            List<CaseResult> rs = runPoint(t, g, enumerator, runner, maxFaults,
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
      // Double faults: how many a single case spawns is known only once it ran.
      long estimate = maxFaults == 1 ? total : -1;
      for (int f = 0; f < futures.size(); f++) {
        List<List<CaseResult>> out = await(futures.get(f), options.progress(), finished,
            estimate);
        List<Integer> u = units.get(f);
        for (int j = 0; j < u.size(); j++) {
          slots.set(u.get(j), out.get(j));
        }
        options.progress().update(finished.get(), estimate);
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re; // a model invariant broke (it names the case), or an unrunnable scenario
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
    options.progress().update(finished.get(), finished.get());
    return slots;
  }

  /**
   * Work units: runs of pending points of one variant. With forking, a unit walks the
   * failure-free run once and forks it at each of its points, so a variant's points are cut
   * into a few contiguous units (enough to keep every thread busy), not many; naive units are
   * single points.
   */
  private static List<List<Integer>> units(List<List<Integer>> pendingByVariant,
      BatchRunner.Options options) {
    List<List<Integer>> units = new ArrayList<>();
    for (List<Integer> pending : pendingByVariant) {
      int size = options.fork()
          ? Math.max(1, -Math.floorDiv(-pending.size(), UNITS_PER_THREAD * options.threads()))
          : 1;
      for (int from = 0; from < pending.size(); from += size) {
        units.add(pending.subList(from, Math.min(pending.size(), from + size)));
      }
    }
    return units;
  }

  private static <T> T await(Future<T> future, BatchRunner.Progress progress, AtomicLong finished,
      long estimate) throws InterruptedException, ExecutionException {
    while (true) {
      try {
        return future.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        progress.update(finished.get(), estimate);
      }
    }
  }

  /**
   * One failure point's cases. With {@code world} (the failure-free run stopped just before the
   * point) single faults fork it; without, every case replays its prefix. Both give the same.
   */
  private static List<CaseResult> runPoint(RunPlan.Task t, GoldenRun g, Enumerator enumerator,
      CaseRunner runner, int maxFaults, Migration world) {
    List<CaseResult> out = new ArrayList<>();
    for (CaseId single : t.singles()) {
      CaseResult first = world == null ? runner.run(single, g) : runner.runFrom(world, single, g);
      out.add(first);
      if (maxFaults == 2 && world != null) {
        out.addAll(runner.pairsFrom(world, single, first, g, enumerator.kindsInOrder()));
      } else if (maxFaults == 2) {
        for (Planned p : enumerator.pairs(g, single, true)) {
          out.add(p.pruned() ? first.as(p.id()) : runner.run(p.id(), g));
        }
      }
    }
    return out;
  }
}
