package io.postcopysim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.Enumerator;
import io.postcopysim.faults.Fault;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Study;
import io.postcopysim.scenarios.ResultsFiles;
import io.postcopysim.scenarios.Scenario;
import io.postcopysim.scenarios.ScenarioException;
import io.postcopysim.scenarios.StoredResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where replay finds its scenario, and which case IDs belong to it. A scenario file or built-in
 * may have been run with --variants and --faults, so any variant and kind is taken from it; a
 * run's results.json records the resolved scenario, so its variants and kinds are the limit.
 * Either way the fault must be able to strike where the ID says (the kind applies at that
 * point, the point is in faults.points, a second fault is one the enumeration makes).
 */
record ReplaySource(Scenario scenario, boolean resolved, String label) {

  static ReplaySource of(String arg) throws IOException {
    Path p = Path.of(arg);
    Path json = Files.isDirectory(p) && Files.isRegularFile(p.resolve(ResultsFiles.JSON))
        ? p.resolve(ResultsFiles.JSON) : arg.endsWith(".json") ? p : null;
    if (json == null) {
      return new ReplaySource(ScenarioArgs.one(arg).scenario(), false, arg);
    }
    if (!Files.isRegularFile(json)) {
      throw new ScenarioException(json.toString(), 0, 0, "", "no such results file");
    }
    JsonNode root = StoredResults.readJson(json);
    @SuppressWarnings("unchecked")
    Map<String, Object> resolved = new com.fasterxml.jackson.databind.ObjectMapper()
        .convertValue(root.get("scenario"), java.util.LinkedHashMap.class);
    return new ReplaySource(Scenario.fromResolved(resolved), true, json.toString());
  }

  /** The study to replay {@code id} in. */
  Study study(CaseId id, Flags flags) {
    Variant variant = flags.variant(id.variant(), scenario.study().variants());
    if (!resolved) {
      // The run may have had --faults and --max-faults: the ID's kinds join the file's.
      java.util.Set<io.postcopysim.faults.FaultKind> kinds =
          new java.util.TreeSet<>(scenario.study().kinds());
      id.faults().forEach(f -> kinds.add(f.kind()));
      return scenario.withOverrides(List.of(variant), List.copyOf(kinds),
          Math.max(scenario.study().maxFaults(), id.faults().size())).study();
    }
    Study s = scenario.study();
    if (s.variants().stream().noneMatch(v -> v.name().equals(variant.name()))) {
      throw flags.error("case " + id + " is not in " + label + ": its variants are "
          + s.variants().stream().map(Variant::name).toList());
    }
    for (Fault f : id.faults()) {
      if (!s.kinds().contains(f.kind())) {
        throw flags.error("case " + id + " is not in " + label + ": its fault kinds are "
            + s.kinds());
      }
    }
    if (id.faults().size() > s.maxFaults()) {
      throw flags.error("case " + id + " is not in " + label + ": it has max-faults "
          + s.maxFaults());
    }
    return s;
  }

  /** Refuses an ID the enumeration of this scenario would never produce. */
  void requireEnumerated(CaseId id, Study study, GoldenRun golden, Flags flags) {
    Fault first = id.first();
    MigrationStatus phase;
    try {
      phase = golden.point(first).phase();
    } catch (IllegalArgumentException e) {
      throw flags.error("case " + id + ": " + e.getMessage());
    }
    if (!golden.applies(first.kind(), first.point(), first.gap())) {
      throw flags.error("case " + id + " is not a case of " + label + ": " + first.kind()
          + " cannot strike before event " + first.point() + " of " + id.variant()
          + "'s failure-free run");
    }
    if (!study.phases().isEmpty() && !study.phases().contains(phase)) {
      throw flags.error("case " + id + " is not a case of " + label + ": event "
          + first.point() + " is in phase " + phase + ", outside faults.points "
          + study.phases());
    }
    if (id.faults().size() == 2) {
      CaseId single = CaseId.single(id.variant(), first.kind(), first.point());
      boolean planned = new Enumerator(study).pairs(golden, single, false).stream()
          .anyMatch(p -> p.id().equals(id));
      if (!planned) {
        throw flags.error("case " + id + " is not a case of " + label + ": its second fault"
            + " cannot strike there (past the end of the run, or a kind that does not apply)");
      }
    }
  }
}
