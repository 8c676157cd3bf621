package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.Outcome;
import java.math.BigDecimal;

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
    return appendCaseColumns(new StringBuilder(160), r).append(',')
        .append(millis(pointTimeNanos)).toString();
  }

  /** The docs/DESIGN.md §4 columns of a case (checkpoints, replay). */
  public static String caseColumns(CaseResult r) {
    return appendCaseColumns(new StringBuilder(160), r).toString();
  }

  /** Built in one buffer: every case's row is made once for the file and once for the hash. */
  private static StringBuilder appendCaseColumns(StringBuilder b, CaseResult r) {
    b.append(r.id()).append(',').append(r.variant()).append(',').append(r.faultKind())
        .append(',').append(r.point()).append(',').append(r.pointLabel()).append(',')
        .append(r.phase().name()).append(',').append(r.outcome().name()).append(',')
        .append(millis(r.downtimeNanos())).append(',');
    if (r.detectionNanos() >= 0) {
      b.append(millis(r.detectionNanos()));
    }
    return b.append(',').append(r.statusMismatch()).append(',').append(hex(r.traceHash()));
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

  /**
   * Nanoseconds as milliseconds with three decimals, rounded half to even: what
   * {@code new BigDecimal(nanos).movePointLeft(6).setScale(3, HALF_EVEN).toPlainString()}
   * gives (a zero has no sign), in integers, since every row of cases.csv and of the results
   * hash formats two or three of them.
   */
  public static String millis(long nanos) {
    long micros = nanos / 1000;
    long rest = Math.abs(nanos % 1000);
    if (rest > 500 || rest == 500 && (micros & 1) != 0) {
      micros += nanos < 0 ? -1 : 1;
    }
    long magnitude = Math.abs(micros); // |nanos / 1000| + 1 at most: never Long.MIN_VALUE
    long fraction = magnitude % 1000;
    StringBuilder b = new StringBuilder(24);
    if (micros < 0) {
      b.append('-');
    }
    b.append(magnitude / 1000).append('.');
    if (fraction < 100) {
      b.append(fraction < 10 ? "00" : "0");
    }
    return b.append(fraction).toString();
  }

  static long nanos(String millis) {
    return new BigDecimal(millis).movePointRight(6).longValueExact();
  }

  /** {@code %016x}: 16 lower-case hex digits, without going through a Formatter. */
  public static String hex(long hash) {
    String digits = Long.toHexString(hash);
    return digits.length() == 16 ? digits : "0".repeat(16 - digits.length()) + digits;
  }
}
