package io.postcopysim.scenarios;

import io.postcopysim.core.migration.Variant;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.Enumerator;
import io.postcopysim.faults.FailurePoint;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Study;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run will do, before it does it: each variant's failure-free run and, per failure point
 * this run (or shard) takes, its single-fault cases. The unit of work is a point.
 */
public final class RunPlan {
  /** One failure point's work; {@code key} names it in checkpoints. */
  record Task(int variant, FailurePoint point, List<CaseId> singles, String key) {}

  private final Study study;
  private final List<GoldenRun> goldens;
  private final List<Task> tasks;
  private final long enumeratedSingles;

  private RunPlan(Study study, List<GoldenRun> goldens, List<Task> tasks, long singles) {
    this.study = study;
    this.goldens = goldens;
    this.tasks = tasks;
    this.enumeratedSingles = singles;
  }

  /** Runs each variant's failure-free migration and enumerates its points (all shards'). */
  public static RunPlan of(Scenario scenario, Shard shard) {
    Study study = scenario.study();
    Enumerator enumerator = new Enumerator(study);
    List<GoldenRun> goldens = new ArrayList<>();
    List<Task> tasks = new ArrayList<>();
    long ordinal = 0;
    long singles = 0;
    for (int vi = 0; vi < study.variants().size(); vi++) {
      Variant v = study.variants().get(vi);
      GoldenRun g = GoldenRun.of(study, v);
      goldens.add(g);
      // TreeMap: points in index order whatever order the enumerator lists them in.
      Map<Long, List<CaseId>> byPoint = new TreeMap<>();
      for (CaseId id : enumerator.singles(g)) {
        byPoint.computeIfAbsent(id.first().point(), k -> new ArrayList<>()).add(id);
        singles++;
      }
      for (Map.Entry<Long, List<CaseId>> e : byPoint.entrySet()) {
        if (shard == null || shard.takes(ordinal)) {
          tasks.add(new Task(vi, g.point(e.getKey()), e.getValue(), v.name() + "@" + e.getKey()));
        }
        ordinal++;
      }
    }
    return new RunPlan(study, goldens, List.copyOf(tasks), singles);
  }

  public Study study() {
    return study;
  }

  public List<GoldenRun> goldens() {
    return goldens;
  }

  List<Task> tasks() {
    return tasks;
  }

  /** Single-fault cases of the whole scenario (every shard): zero means nothing to judge. */
  public long enumeratedSingles() {
    return enumeratedSingles;
  }

  /**
   * How many rows this run writes: exact for single faults; for double faults an upper bound
   * (every later event of the failure-free run times every kind; pruning and runs that end
   * early or late make the real number differ).
   */
  public long estimatedRows() {
    long rows = 0;
    int kinds = study.kinds().size();
    for (Task t : tasks) {
      rows += t.singles().size();
      if (study.maxFaults() == 2) {
        long later = goldens.get(t.variant()).points().size() - t.point().index();
        rows += t.singles().size() * later * kinds;
      }
    }
    return rows;
  }
}
