package io.postcopysim.faults;

/**
 * A fault of {@code kind} striking just before event {@code point} of the run it is part of;
 * with {@code gap} > 0, at the gap-th of the points inside the quiet gap before that event
 * ({@link GoldenRun#point(Fault)}), earlier than the event itself.
 */
public record Fault(FaultKind kind, long point, int gap) {
  public Fault {
    if (kind == null || point < 0 || gap < 0) {
      throw new IllegalArgumentException("a fault needs a kind, a point >= 0 and a gap >= 0");
    }
  }

  public Fault(FaultKind kind, long point) {
    this(kind, point, 0);
  }

  /** Order in time within one event's gap: gap points first, then the event's own point. */
  int gapOrder() {
    return gap == 0 ? Integer.MAX_VALUE : gap;
  }

  @Override
  public String toString() {
    return kind + "@" + point + (gap == 0 ? "" : "." + gap);
  }
}
