package io.postcopysim.scenarios;

import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.GoldenRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code pcsim merge}: shard outputs back into the result of one unsharded run. Nothing in a
 * shard's files is taken on trust: every shard must come from this build of the model and the
 * same scenario, shards 1..N must all be there once, each shard's rows must be exactly the
 * single-fault cases of its points, and its results.json must be what its rows give. The merged
 * figures are then recomputed from the rows.
 */
public final class Merge {
  private Merge() {}

  public static Results merge(List<Path> dirs) throws IOException {
    if (dirs.isEmpty()) {
      throw new ScenarioException("merge", 0, 0, "", "nothing to merge");
    }
    List<StoredResults> parts = new ArrayList<>();
    for (Path d : dirs) {
      parts.add(StoredResults.read(d));
    }
    StoredResults first = parts.get(0);
    List<Shard> shards = checkSet(dirs, parts);
    Scenario scenario = Scenario.fromResolved(first.scenario());
    List<List<CaseResult>> merged = new ArrayList<>();
    List<GoldenRun> goldens = null;
    for (int i = 0; i < parts.size(); i++) {
      RunPlan plan = RunPlan.of(scenario, shards.get(i));
      goldens = plan.goldens();
      List<List<CaseResult>> rows = checkedRows(parts.get(i), plan);
      Results rebuilt = Aggregate.of(scenario, shards.get(i).toString(), goldens, rows);
      if (!ResultsFiles.jsonText(rebuilt).equals(parts.get(i).json())) {
        throw new ScenarioException(dirs.get(i).resolve(ResultsFiles.JSON).toString(), 0, 0, "",
            "does not match the shard's cases (a count, stuck window or hash differs): the"
                + " shard's files were changed");
      }
      for (int vi = 0; vi < rows.size(); vi++) {
        if (merged.size() <= vi) {
          merged.add(new ArrayList<>());
        }
        merged.get(vi).addAll(rows.get(vi));
      }
    }
    for (List<CaseResult> cases : merged) {
      cases.sort(Comparator.comparing(CaseResult::id));
    }
    return Aggregate.of(scenario, null, goldens, merged);
  }

  /** Same tool, build and scenario; one split; every shard once. */
  private static List<Shard> checkSet(List<Path> dirs, List<StoredResults> parts) {
    StoredResults first = parts.get(0);
    TreeSet<Integer> seen = new TreeSet<>();
    List<Shard> shards = new ArrayList<>();
    int count = -1;
    for (int i = 0; i < parts.size(); i++) {
      StoredResults p = parts.get(i);
      String where = dirs.get(i).resolve(ResultsFiles.JSON).toString();
      if (!ModelFingerprint.value().equals(p.text("model"))) {
        throw new ScenarioException(where, 0, 0, "model", "made by another build of the model ("
            + p.text("model") + ", this pcsim is " + ModelFingerprint.value() + "): rerun"
            + " the shard with this build");
      }
      if (p.text("shard") == null) {
        throw new ScenarioException(where, 0, 0, "shard", "not a shard (a whole run's result)");
      }
      Shard s;
      try {
        s = Shard.parse(p.text("shard"));
      } catch (IllegalArgumentException e) {
        throw new ScenarioException(where, 0, 0, "shard", e.getMessage());
      }
      if (count >= 0 && s.count() != count) {
        throw new ScenarioException(where, 0, 0, "shard", "shards of different splits: "
            + s + " and ?/" + count);
      }
      count = s.count();
      if (!seen.add(s.index())) {
        throw new ScenarioException(where, 0, 0, "shard", "shard " + s + " given twice");
      }
      if (!p.root().get("scenario").equals(first.root().get("scenario"))
          || !p.text("version").equals(first.text("version"))
          || !p.text("tool").equals(first.text("tool"))) {
        throw new ScenarioException(where, 0, 0, "scenario", "comes from another scenario or"
            + " version than " + dirs.get(0));
      }
      shards.add(s);
    }
    if (seen.size() != count) {
      List<Integer> missing = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        if (!seen.contains(i)) {
          missing.add(i);
        }
      }
      throw new ScenarioException("merge", 0, 0, "", "missing shards " + missing + " of "
          + count);
    }
    return shards;
  }

  /**
   * The shard's rows per variant, after checking that its single-fault cases are exactly
   * those of the points its plan takes, and that each row's point time and label are the
   * failure-free run's.
   */
  private static List<List<CaseResult>> checkedRows(StoredResults part, RunPlan plan) {
    Map<String, List<CasesCsv.Row>> byVariant = part.rowsByVariant();
    List<List<CaseResult>> out = new ArrayList<>();
    String csv = part.dir().resolve(ResultsFiles.CSV).toString();
    for (int vi = 0; vi < plan.goldens().size(); vi++) {
      GoldenRun g = plan.goldens().get(vi);
      String name = g.variant().name();
      List<CasesCsv.Row> rows = byVariant.getOrDefault(name, List.of());
      Set<CaseId> expected = new TreeSet<>();
      for (RunPlan.Task t : plan.tasks()) {
        if (t.variant() == vi) {
          expected.addAll(t.singles());
        }
      }
      Set<CaseId> singles = new TreeSet<>();
      List<CaseResult> cases = new ArrayList<>();
      for (CasesCsv.Row r : rows) {
        CaseResult c = r.result();
        if (c.point() < 0 || c.point() >= g.points().size()
            || c.id().first().gap() > g.gaps(c.point())
            || CasesCsv.nanos(CasesCsv.millis(g.point(c.id().first()).time()))
                != r.pointTimeNanos()
            || !g.point(c.point()).label().equals(c.pointLabel())) {
          throw new ScenarioException(csv, 0, 0, "", "case " + c.id() + " is not at a point of"
              + " " + name + "'s failure-free run (its time or label differs)");
        }
        if (c.id().faults().size() == 1 && !singles.add(c.id())) {
          throw new ScenarioException(csv, 0, 0, "", "case " + c.id() + " is listed twice");
        }
        cases.add(c);
      }
      if (!singles.equals(expected)) {
        Set<CaseId> lost = new TreeSet<>(expected);
        lost.removeAll(singles);
        throw new ScenarioException(csv, 0, 0, "", name + ": " + singles.size() + " single-fault"
            + " cases where the shard has " + expected.size() + (lost.isEmpty() ? ""
            : " (missing " + lost.iterator().next() + (lost.size() > 1 ? " and " + (lost.size()
            - 1) + " more" : "") + ")") + ": the file was cut short or changed");
      }
      out.add(cases);
    }
    return out;
  }
}
