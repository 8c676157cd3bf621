package io.postcopysim.faults;

/** A fault of {@code kind} striking just before event {@code point} of the run it is part of. */
public record Fault(FaultKind kind, long point) {
  public Fault {
    if (kind == null || point < 0) {
      throw new IllegalArgumentException("a fault needs a kind and a point >= 0");
    }
  }

  @Override
  public String toString() {
    return kind + "@" + point;
  }
}
