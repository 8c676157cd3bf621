package io.postcopysim.faults;

import io.postcopysim.core.migration.MigrationParams;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.net.TcpParams;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to explore: one migration setup, the variants to compare on identical randomness, the
 * fault kinds, where they may strike and how many per case. The scenarios module builds it
 * from YAML; tests build it directly.
 *
 * @param phases the source statuses at which faults strike; empty for every point
 * @param partitionHealNanos partitions heal after this, or {@link io.postcopysim.core.kernel.Time#NEVER}
 * @param gapNanos with a positive value, a quiet gap between two events longer than this gets
 *     a failure point every {@code gapNanos} inside it ({@code faults.gap-points}); 0 for none
 * @param ratesPerYear how often each fault kind strikes, per year ({@code faults.rates-per-year});
 *     empty when the scenario gives none (then no per-million figures)
 */
public record Study(
    long seed,
    long horizonNanos,
    MigrationParams params,
    TcpParams tcp,
    List<Variant> variants,
    List<FaultKind> kinds,
    Set<MigrationStatus> phases,
    int maxFaults,
    long partitionHealNanos,
    long gapNanos,
    Map<FaultKind, Double> ratesPerYear) {

  /** Without points inside gaps: a point per event. */
  public Study(long seed, long horizonNanos, MigrationParams params, TcpParams tcp,
      List<Variant> variants, List<FaultKind> kinds, Set<MigrationStatus> phases, int maxFaults,
      long partitionHealNanos) {
    this(seed, horizonNanos, params, tcp, variants, kinds, phases, maxFaults, partitionHealNanos,
        0);
  }

  /** Without fault rates. */
  public Study(long seed, long horizonNanos, MigrationParams params, TcpParams tcp,
      List<Variant> variants, List<FaultKind> kinds, Set<MigrationStatus> phases, int maxFaults,
      long partitionHealNanos, long gapNanos) {
    this(seed, horizonNanos, params, tcp, variants, kinds, phases, maxFaults, partitionHealNanos,
        gapNanos, Map.of());
  }

  /**
   * The most events one run may process (prefix included), whatever the horizon: a run that has
   * not settled by then is cut. The default scenario's failure-free runs take about 2,000.
   */
  public static final long MAX_EVENTS = 2_000_000;

  public Study {
    variants = List.copyOf(variants);
    kinds = List.copyOf(kinds);
    phases = Set.copyOf(phases);
    ratesPerYear = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(
        ratesPerYear.isEmpty() ? new java.util.EnumMap<FaultKind, Double>(FaultKind.class)
            : ratesPerYear));
    if (ratesPerYear.values().stream().anyMatch(r -> !(r >= 0) || r.isInfinite())) {
      throw new IllegalArgumentException("fault rates are finite and not negative");
    }
    if (variants.isEmpty() || kinds.isEmpty()) {
      throw new IllegalArgumentException("a study needs at least one variant and one fault kind");
    }
    if (maxFaults < 1 || maxFaults > 2) {
      throw new IllegalArgumentException("max-faults is 1 or 2");
    }
    if (gapNanos < 0) {
      throw new IllegalArgumentException("gap points need a positive spacing (0 = off)");
    }
    if (gapNanos > 0 && maxFaults == 2) {
      throw new IllegalArgumentException("points inside gaps are for single faults only");
    }
    if (horizonNanos <= 0) {
      throw new IllegalArgumentException("horizon must be positive");
    }
  }

  public Variant variant(String name) {
    return variants.stream().filter(v -> v.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("variant " + name + " is not in "
            + variants.stream().map(Variant::name).toList()));
  }
}
