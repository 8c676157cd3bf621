package io.postcopysim.faults;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How much of a migration's virtual time leads to each outcome if one fault strikes then: the
 * risk of a migration as a time, not a count of failure points (counts follow how many events a
 * phase has). A failure point before event k stands for a fault in (t(k-1), t(k)], so its case's
 * outcome is charged that span. Where a kind cannot strike (a load error outside the load, an
 * activation error once the disk is active) a fault changes nothing: that time is charged the
 * failure-free run's outcome, so each kind's exposures sum to the migration's length.
 *
 * <p>With {@code faults.points} restricted to some phases, the migration's length is the time
 * those phases cover: exposures and probabilities are then for a fault in those phases.
 *
 * @param migrationNanos the time faults may strike in: the failure-free run's length, or the
 *     span of the enumerated phases
 * @param byKind per fault kind, in the study's order, the time leading to each outcome
 */
public record Exposure(long migrationNanos, Map<FaultKind, Map<Outcome, Long>> byKind) {

  public Exposure {
    byKind = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byKind));
  }

  /** From a variant's failure-free run and its single-fault cases (double faults are ignored). */
  public static Exposure of(GoldenRun golden, Study study, Collection<CaseResult> cases) {
    List<FaultKind> kinds = study.kinds();
    long length = 0;
    for (FailurePoint p : golden.points()) {
      if (study.phases().isEmpty() || study.phases().contains(p.phase())) {
        length += p.width();
      }
    }
    Map<FaultKind, Map<Outcome, Long>> byKind = new java.util.LinkedHashMap<>();
    for (FaultKind k : kinds) {
      byKind.put(k, zero());
    }
    for (CaseResult r : cases) {
      if (r.id().faults().size() != 1) {
        continue;
      }
      Map<Outcome, Long> m = byKind.get(r.id().first().kind());
      if (m != null) {
        m.merge(r.outcome(), golden.point(r.id().first()).width(), Long::sum);
      }
    }
    for (Map<Outcome, Long> m : byKind.values()) {
      long covered = m.values().stream().mapToLong(Long::longValue).sum();
      m.merge(golden.outcome(), length - covered, Long::sum); // where the kind cannot strike
    }
    return new Exposure(length, byKind);
  }

  private static Map<Outcome, Long> zero() {
    Map<Outcome, Long> m = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      m.put(o, 0L);
    }
    return m;
  }

  /** Per outcome, summed over the fault kinds (DESIGN's {@code O_exposure_ms}). */
  public Map<Outcome, Long> total() {
    Map<Outcome, Long> t = zero();
    byKind.values().forEach(m -> m.forEach((o, ns) -> t.merge(o, ns, Long::sum)));
    return t;
  }

  /**
   * The probability of each outcome for one fault of a kind drawn uniformly from the scenario's
   * kinds, at an instant drawn uniformly from the migration.
   */
  public Map<Outcome, Double> probability() {
    Map<Outcome, Double> p = new EnumMap<>(Outcome.class);
    double denominator = (double) migrationNanos * byKind.size();
    total().forEach((o, ns) -> p.put(o, denominator == 0 ? 0.0 : ns / denominator));
    return p;
  }

  /** Time in which a fault of any kind leads to an unsafe outcome, summed over kinds. */
  public long unsafeNanos() {
    return total().entrySet().stream().filter(e -> e.getKey().unsafe())
        .mapToLong(Map.Entry::getValue).sum();
  }
}
