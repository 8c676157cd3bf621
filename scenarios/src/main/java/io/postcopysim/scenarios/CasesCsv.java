package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.Outcome;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** cases.csv rows (DESIGN.md §4). Times in milliseconds with microsecond resolution. */
public final class CasesCsv {
  public static final String HEADER = "case_id,variant,fault_kind,point,point_label,phase,outcome,"
      + "downtime_ms,detection_ms,status_mismatch,trace_hash";

  private CasesCsv() {}

  public static String row(CaseResult r) {
    return String.join(",", r.id().toString(), r.variant(), r.faultKind(),
        Long.toString(r.point()), r.pointLabel(), r.phase().name(), r.outcome().name(),
        millis(r.downtimeNanos()), r.detectionNanos() < 0 ? "" : millis(r.detectionNanos()),
        Boolean.toString(r.statusMismatch()), hex(r.traceHash()));
  }

  public static CaseResult parse(String line) {
    String[] f = line.split(",", -1);
    if (f.length != 11) {
      throw new IllegalArgumentException("expected 11 columns, found " + f.length + ": " + line);
    }
    return new CaseResult(CaseId.parse(f[0]), f[2], Long.parseLong(f[3]), f[4],
        MigrationStatus.valueOf(f[5]), Outcome.valueOf(f[6]), nanos(f[7]),
        f[8].isEmpty() ? -1 : nanos(f[8]), Boolean.parseBoolean(f[9]),
        Long.parseUnsignedLong(f[10], 16));
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
