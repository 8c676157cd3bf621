package io.postcopysim.scenarios;

import io.postcopysim.faults.CaseResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs every case of a scenario: a {@link RunPlan} (failure-free runs, the points this run
 * takes), a {@link CasePool} (the cases, resumed from a checkpoint when there is one), then
 * {@link Aggregate} (every figure from the rows).
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

  private BatchRunner() {}

  public static Results run(Scenario scenario, Options options)
      throws IOException, InterruptedException {
    return run(scenario, RunPlan.of(scenario, options.shard()), options);
  }

  /** Runs a plan made beforehand (the CLI looks at it first: an empty one is refused). */
  public static Results run(Scenario scenario, RunPlan plan, Options options)
      throws IOException, InterruptedException {
    List<List<CaseResult>> slots;
    if (options.checkpoint() == null) {
      slots = CasePool.run(plan, options, Map.of(), null);
    } else {
      try (Checkpoint checkpoint = Checkpoint.open(options.checkpoint(),
          fingerprint(scenario, options.shard()))) {
        slots = CasePool.run(plan, options, checkpoint.finished(), checkpoint);
      }
    }
    List<List<CaseResult>> rows = new ArrayList<>();
    for (int vi = 0; vi < plan.goldens().size(); vi++) {
      rows.add(new ArrayList<>());
    }
    List<RunPlan.Task> tasks = plan.tasks();
    for (int i = 0; i < tasks.size(); i++) {
      rows.get(tasks.get(i).variant()).addAll(slots.get(i));
    }
    return Aggregate.of(scenario, options.shard() == null ? null : options.shard().toString(),
        plan.goldens(), rows);
  }

  /**
   * What a checkpoint must match to be resumed: the resolved scenario, the shard, and the
   * build's model fingerprint (a rebuilt model would mix two models' cases in one result).
   */
  static String fingerprint(Scenario s, Shard shard) {
    return CasesCsv.hex(io.postcopysim.core.kernel.Hashing.text(
        s.resolved().toString() + "|" + shard + "|" + Results.VERSION + "|"
            + ModelFingerprint.value()));
  }
}
