package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.Outcome;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * cases.csv rows (docs/DESIGN.md §4, then {@code point_time_ms}: the virtual time of the event the
 * first fault struck before). Times in milliseconds with microsecond resolution. Checkpoints
 * store the case columns alone (the point time comes from the failure-free run).
 */
public final class CasesCsv {
  public static final String CASE_COLUMNS = "case_id,variant,fault_kind,point,point_label,phase,"
      + "outcome,downtime_ms,detection_ms,status_mismatch,trace_hash";
  public static final String HEADER = CASE_COLUMNS + ",point_time_ms";
  private static final int CASE_FIELDS = 11;

  private CasesCsv() {}

  /** A row read back: the case and the virtual time of its point. */
  public record Row(CaseResult result, long pointTimeNanos) {}

  public static String row(CaseResult r, long pointTimeNanos) {
    return caseColumns(r) + "," + millis(pointTimeNanos);
  }

  /** The docs/DESIGN.md §4 columns of a case (checkpoints, replay). */
  public static String caseColumns(CaseResult r) {
    return String.join(",", r.id().toString(), r.variant(), r.faultKind(),
        Long.toString(r.point()), r.pointLabel(), r.phase().name(), r.outcome().name(),
        millis(r.downtimeNanos()), r.detectionNanos() < 0 ? "" : millis(r.detectionNanos()),
        Boolean.toString(r.statusMismatch()), hex(r.traceHash()));
  }

  /** A cases.csv row; a malformed one throws {@link MalformedRow} saying what is wrong. */
  public static Row parseRow(String line) {
    String[] f = line.split(",", -1);
    if (f.length != CASE_FIELDS + 1) {
      throw new MalformedRow("expected " + (CASE_FIELDS + 1) + " columns, found " + f.length);
    }
    return new Row(parse(f), field(() -> nanos(f[CASE_FIELDS]), "point_time_ms"));
  }

  /** A checkpoint row (the case columns alone). */
  public static CaseResult parseCase(String line) {
    String[] f = line.split(",", -1);
    if (f.length != CASE_FIELDS) {
      throw new MalformedRow("expected " + CASE_FIELDS + " columns, found " + f.length);
    }
    return parse(f);
  }

  private static CaseResult parse(String[] f) {
    CaseId id = field(() -> CaseId.parse(f[0]), "case_id");
    if (!id.variant().equals(f[1])) {
      throw new MalformedRow("variant '" + f[1] + "' is not the case's");
    }
    return new CaseResult(id, f[2], field(() -> Long.parseLong(f[3]), "point"), f[4],
        field(() -> MigrationStatus.valueOf(f[5]), "phase"),
        field(() -> Outcome.valueOf(f[6]), "outcome"), field(() -> nanos(f[7]), "downtime_ms"),
        f[8].isEmpty() ? -1 : field(() -> nanos(f[8]), "detection_ms"),
        field(() -> bool(f[9]), "status_mismatch"),
        field(() -> Long.parseUnsignedLong(f[10], 16), "trace_hash"));
  }

  private static boolean bool(String s) {
    if (!s.equals("true") && !s.equals("false")) {
      throw new IllegalArgumentException(s);
    }
    return s.equals("true");
  }

  private static <T> T field(java.util.function.Supplier<T> parse, String column) {
    try {
      return parse.get();
    } catch (RuntimeException e) {
      throw new MalformedRow("bad " + column + " (" + e.getMessage() + ")");
    }
  }

  /** A row that is not a cases.csv row; the reader adds file and line. */
  public static final class MalformedRow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedRow(String message) {
      super(message);
    }
  }

  public static String millis(long nanos) {
    return new BigDecimal(nanos).movePointLeft(6).setScale(3, RoundingMode.HALF_EVEN)
        .toPlainString();
  }

  static long nanos(String millis) {
    return new BigDecimal(millis).movePointRight(6).longValueExact();
  }

  public static String hex(long hash) {
    return String.format(Locale.ROOT, "%016x", hash);
  }
}
