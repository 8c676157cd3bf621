package io.postcopysim.faults;

import io.postcopysim.core.migration.MigrationStatus;

/** One case's row of cases.csv (DESIGN.md §4). */
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
