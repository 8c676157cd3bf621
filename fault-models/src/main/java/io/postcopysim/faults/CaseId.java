package io.postcopysim.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code VARIANT/KIND@POINT} or {@code VARIANT/KIND@P+KIND@Q} (docs/DESIGN.md §4). The first point is
 * an event index of the variant's failure-free run; a second point is an event index of the run
 * with the first fault, at or after the first (at the same point, of another kind: both strike
 * before that event, in the ID's order). A first point may be {@code EVENT.GAP}: the
 * GAP-th point inside the quiet gap before EVENT ({@code faults.gap-points}). A case ID replays
 * the same case forever.
 */
public record CaseId(String variant, List<Fault> faults) implements Comparable<CaseId> {
  public CaseId {
    faults = List.copyOf(faults);
    if (faults.isEmpty() || faults.size() > 2) {
      throw new IllegalArgumentException("a case has one or two faults");
    }
    if (faults.size() == 2) {
      Fault a = faults.get(0);
      Fault b = faults.get(1);
      // Two faults before one event strike in the ID's order (the lab's proxy takes a message,
      // then acts); the enumerator plans one order only (Enumerator.secondMayStrike).
      if (b.point() < a.point() || b.point() == a.point() && b.kind() == a.kind()) {
        throw new IllegalArgumentException("the second fault must come after the first: " + b);
      }
      if (a.gap() != 0 || b.gap() != 0) {
        throw new IllegalArgumentException("points inside gaps are for single faults: " + b);
      }
    }
  }

  public static CaseId single(String variant, FaultKind kind, long point) {
    return new CaseId(variant, List.of(new Fault(kind, point)));
  }

  /** A single fault at the {@code gap}-th point inside the gap before event {@code point}. */
  public static CaseId single(String variant, FaultKind kind, long point, int gap) {
    return new CaseId(variant, List.of(new Fault(kind, point, gap)));
  }

  public CaseId then(FaultKind kind, long point) {
    List<Fault> both = new ArrayList<>(faults);
    both.add(new Fault(kind, point));
    return new CaseId(variant, both);
  }

  public Fault first() {
    return faults.get(0);
  }

  /** Parses a case ID; the message says what is wrong. */
  public static CaseId parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("case ID '" + text + "' is not VARIANT/KIND@POINT");
    }
    List<Fault> faults = new ArrayList<>();
    for (String part : text.substring(slash + 1).split("\\+", -1)) {
      int at = part.indexOf('@');
      if (at <= 0) {
        throw new IllegalArgumentException("case ID '" + text + "': '" + part
            + "' is not KIND@POINT");
      }
      FaultKind kind;
      try {
        kind = FaultKind.valueOf(part.substring(0, at));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("case ID '" + text + "': unknown fault kind '"
            + part.substring(0, at) + "'");
      }
      String where = part.substring(at + 1);
      int dot = where.indexOf('.');
      long point;
      int gap;
      try {
        point = Long.parseLong(dot < 0 ? where : where.substring(0, dot));
        gap = dot < 0 ? 0 : Integer.parseInt(where.substring(dot + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("case ID '" + text + "': point '" + where
            + "' is not a number (or EVENT.GAP)");
      }
      if (point < 0 || gap < 0 || dot >= 0 && gap == 0) {
        throw new IllegalArgumentException("case ID '" + text + "': point '" + where
            + "' is not an event index (or EVENT.GAP with GAP >= 1)");
      }
      faults.add(new Fault(kind, point, gap));
    }
    return new CaseId(text.substring(0, slash), faults);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(variant).append('/');
    for (int i = 0; i < faults.size(); i++) {
      if (i > 0) {
        b.append('+');
      }
      b.append(faults.get(i));
    }
    return b.toString();
  }

  /** Variant (by the caller's order), then points, then kinds: a stable output order. */
  @Override
  public int compareTo(CaseId o) {
    int c = variant.compareTo(o.variant);
    for (int i = 0; c == 0 && i < Math.min(faults.size(), o.faults.size()); i++) {
      Fault a = faults.get(i);
      Fault b = o.faults.get(i);
      c = Long.compare(a.point(), b.point());
      if (c == 0) {
        c = Integer.compare(a.gapOrder(), b.gapOrder());
      }
      if (c == 0) {
        c = a.kind().compareTo(b.kind());
      }
    }
    return c != 0 ? c : Integer.compare(faults.size(), o.faults.size());
  }
}
