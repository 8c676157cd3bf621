package io.postcopysim.faults;

import io.postcopysim.core.kernel.Trace.TraceEvent;
import io.postcopysim.core.migration.MigrationRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * One case's story in order: each event of its run, each fault just before the event it stood
 * before (at the time it struck, even if it cancelled that event), each status and disk lock
 * change just after the event that made it. {@code pcsim replay} prints it and the report's
 * sequence chart draws it: one timeline, two renderings.
 */
public record Timeline(List<Entry> entries) {
  public Timeline {
    entries = List.copyOf(entries);
  }

  /** What an entry is. */
  public enum Kind { EVENT, FAULT, STATUS, LOCK }

  /**
   * @param index the event's index (for a fault: the index of the event it stood before; -1
   *     for status and lock changes)
   * @param label the event's label parsed once ({@link Label})
   */
  public record Entry(Kind kind, long index, long timeNanos, Label label) {}

  /**
   * A trace label, FATE-style {@code host:step:detail} ({@code dst:recv:MIG_CMD_PACKAGED}),
   * parsed in one place.
   */
  public record Label(String host, String step, String detail) {
    public static Label parse(String text) {
      String[] p = text.split(":", 3);
      return new Label(p[0], p.length > 1 ? p[1] : "", p.length > 2 ? p[2] : "");
    }

    /** The step and its detail as words: {@code recv MIG_CMD_PACKAGED}. */
    public String text() {
      return detail.isEmpty() ? step : step + " " + detail.replace(':', ' ');
    }
  }

  public static Timeline of(CaseId id, CaseRunner.Run run) {
    MigrationRecord rec = run.migration().record();
    List<Entry> out = new ArrayList<>();
    for (MigrationRecord.StatusChange s : rec.statuses()) {
      if (s.afterEvent() < 0) {
        out.add(status(s));
      }
    }
    for (TraceEvent e : run.trace().events()) {
      for (int i = 0; i < id.faults().size(); i++) {
        Fault f = id.faults().get(i);
        if (f.point() == e.index()) {
          out.add(new Entry(Kind.FAULT, e.index(), run.faultTimes().get(i),
              new Label("FAULT", f.kind().name(), "")));
        }
      }
      out.add(new Entry(Kind.EVENT, e.index(), e.time(), Label.parse(e.label())));
      for (MigrationRecord.StatusChange s : rec.statuses()) {
        if (s.afterEvent() == e.index()) {
          out.add(status(s));
        }
      }
      for (MigrationRecord.LockEvent l : rec.lockEvents()) {
        if (l.afterEvent() == e.index()) {
          out.add(new Entry(Kind.LOCK, -1, l.time(),
              new Label(l.host().shortName(), "disk", l.what())));
        }
      }
    }
    return new Timeline(out);
  }

  private static Entry status(MigrationRecord.StatusChange s) {
    return new Entry(Kind.STATUS, -1, s.time(),
        new Label(s.host().shortName(), "status", s.status().qapiName()));
  }
}
