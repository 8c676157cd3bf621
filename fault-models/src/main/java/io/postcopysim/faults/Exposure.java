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
 * <p>Part of {@code VM_LOST} is the loss every postcopy design shares: the destination already
 * runs the guest, the source is in postcopy-active, and the destination dies or loses its page
 * supply; the rest is the loss the protocol causes (a fallback the lock refuses, a destination
 * that starts when it should not). {@link #sharedLossNanos} is the shared part.
 *
 * @param migrationNanos the time faults may strike in: the failure-free run's length, or the
 *     span of the enumerated phases
 * @param byKind per fault kind, in the study's order, the time leading to each outcome
 * @param sharedLossByKind per fault kind, the part of its VM_LOST time that every postcopy
 *     design shares
 * @param ratesPerYear the study's fault rates (empty: no per-million figures)
 */
public record Exposure(long migrationNanos, Map<FaultKind, Map<Outcome, Long>> byKind,
    Map<FaultKind, Long> sharedLossByKind, Map<FaultKind, Double> ratesPerYear) {

  /** A year of 365.25 days, in nanoseconds: rates are per year, exposures in nanoseconds. */
  static final double YEAR_NANOS = 365.25 * 24 * 3600 * 1e9;

  public Exposure {
    byKind = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byKind));
    sharedLossByKind = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sharedLossByKind));
    ratesPerYear = Map.copyOf(ratesPerYear);
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
    Map<FaultKind, Long> shared = new java.util.LinkedHashMap<>();
    for (FaultKind k : kinds) {
      byKind.put(k, zero());
      shared.put(k, 0L);
    }
    for (CaseResult r : cases) {
      if (r.id().faults().size() != 1) {
        continue;
      }
      Map<Outcome, Long> m = byKind.get(r.id().first().kind());
      if (m != null) {
        FailurePoint p = golden.point(r.id().first());
        m.merge(r.outcome(), p.width(), Long::sum);
        if (r.outcome() == Outcome.VM_LOST && sharedLoss(golden, p)) {
          shared.merge(r.id().first().kind(), p.width(), Long::sum);
        }
      }
    }
    for (Map<Outcome, Long> m : byKind.values()) {
      long covered = m.values().stream().mapToLong(Long::longValue).sum();
      m.merge(golden.outcome(), length - covered, Long::sum); // where the kind cannot strike
    }
    return new Exposure(length, byKind, shared, study.ratesPerYear());
  }

  /**
   * Whether a VM lost at this point is the loss every postcopy design shares: the guest already
   * ran on the destination through the whole span, with the source in postcopy-active.
   */
  private static boolean sharedLoss(GoldenRun golden, FailurePoint p) {
    return p.phase() == io.postcopysim.core.migration.MigrationStatus.POSTCOPY_ACTIVE
        && golden.destinationStartedAt() <= p.previousTime();
  }

  /** The VM_LOST time every postcopy design shares, summed over the fault kinds. */
  public long sharedLossNanos() {
    return sharedLossByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Expected count of each outcome per million migrations, from the study's fault rates: for
   * single faults, rate x exposure per kind (a fault of kind k strikes a given instant with
   * probability rate_k dt), summed over the kinds that have a rate. Empty without rates.
   */
  public Map<Outcome, Double> perMillion() {
    if (ratesPerYear.isEmpty()) {
      return Map.of();
    }
    Map<Outcome, Double> out = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      out.put(o, 0.0);
    }
    byKind.forEach((k, m) -> {
      double rate = ratesPerYear.getOrDefault(k, 0.0);
      m.forEach((o, ns) -> out.merge(o, 1e6 * rate * ns / YEAR_NANOS, Double::sum));
    });
    return out;
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

  /** The unsafe time less the loss every postcopy design shares: what the protocol causes. */
  public long protocolUnsafeNanos() {
    return unsafeNanos() - sharedLossNanos();
  }

  /** Time in which a fault of any kind leads to an unsafe outcome, summed over kinds. */
  public long unsafeNanos() {
    return total().entrySet().stream().filter(e -> e.getKey().unsafe())
        .mapToLong(Map.Entry::getValue).sum();
  }
}
