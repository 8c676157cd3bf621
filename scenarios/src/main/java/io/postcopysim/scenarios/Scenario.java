package io.postcopysim.scenarios;

import io.postcopysim.core.migration.Variant;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.Study;
import java.util.List;
import java.util.Map;

/**
 * A loaded, validated scenario: the study it describes plus its name and where it came from.
 *
 * @param source the file name, or {@code builtin:NAME}
 */
public record Scenario(String name, String source, Study study) {

  public Scenario withOverrides(List<Variant> variants, List<FaultKind> kinds, Integer maxFaults) {
    Study s = study;
    if (maxFaults != null && maxFaults == 2 && s.gapNanos() != 0) {
      throw new io.postcopysim.core.kernel.UnrunnableScenario("scenario " + name + ": points"
          + " inside gaps (faults.gap-points) are for single faults, not --max-faults 2");
    }
    for (Variant v : variants == null ? List.<Variant>of() : variants) {
      String why = s.params().qemuVersion().refuses(v);
      if (why != null) {
        throw new io.postcopysim.core.kernel.UnrunnableScenario("scenario " + name + ": " + why);
      }
    }
    return new Scenario(name, source, new Study(s.seed(), s.horizonNanos(), s.params(), s.tcp(),
        variants == null ? s.variants() : variants, kinds == null ? s.kinds() : kinds,
        s.phases(), maxFaults == null ? s.maxFaults() : maxFaults, s.partitionHealNanos(),
        s.gapNanos(), s.ratesPerYear()));
  }

  /** The same scenario with points every {@code gapNanos} inside quiet gaps (0: none). */
  public Scenario withGapPoints(long gapNanos) {
    Study s = study;
    return new Scenario(name, source, new Study(s.seed(), s.horizonNanos(), s.params(), s.tcp(),
        s.variants(), s.kinds(), s.phases(), s.maxFaults(), s.partitionHealNanos(), gapNanos,
        s.ratesPerYear()));
  }

  /**
   * The scenario again from its resolved parameters (results.json "scenario" is itself a valid
   * scenario: JSON is YAML), so a merged result can still replay its cases.
   */
  public static Scenario fromResolved(Map<String, Object> resolved) {
    try {
      String text = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(resolved);
      return ScenarioLoader.parse(text, "results.json#scenario");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The resolved parameters, in the scenario file's own terms (results.json "scenario"): every
   * key of {@link ScenarioKeys#ALL}, in its order.
   */
  public Map<String, Object> resolved() {
    return ScenarioKeys.resolved(this);
  }
}
