package io.postcopysim.faults;

import io.postcopysim.core.migration.MigrationStatus;

/** One case's row of cases.csv (docs/DESIGN.md §4). */
public record CaseResult(
    CaseId id,
    String faultKind,
    long point,
    String pointLabel,
    MigrationStatus phase,
    Outcome outcome,
    long downtimeNanos,
    long detectionNanos,
    boolean statusMismatch,
    long traceHash) {

  /** How many of {@code cases} ended in each outcome, every outcome present, in enum order. */
  public static java.util.EnumMap<Outcome, Integer> countByOutcome(
      java.util.Collection<CaseResult> cases) {
    java.util.EnumMap<Outcome, Integer> c = new java.util.EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      c.put(o, 0);
    }
    for (CaseResult r : cases) {
      c.merge(r.outcome(), 1, Integer::sum);
    }
    return c;
  }

  public String variant() {
    return id.variant();
  }

  /** The same result under another ID (a pruned case that provably runs as this one). */
  public CaseResult as(CaseId other) {
    String kinds = other.faults().stream().map(f -> f.kind().name())
        .collect(java.util.stream.Collectors.joining("+"));
    return new CaseResult(other, kinds, point, pointLabel, phase, outcome, downtimeNanos,
        detectionNanos, statusMismatch, traceHash);
  }
}
