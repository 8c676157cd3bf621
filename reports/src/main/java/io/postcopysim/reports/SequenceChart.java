package io.postcopysim.reports;

import io.postcopysim.core.kernel.Trace.TraceEvent;
import io.postcopysim.core.migration.MigrationRecord;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.Fault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sourceforge.plantuml.FileFormat;
import net.sourceforge.plantuml.FileFormatOption;
import net.sourceforge.plantuml.SourceStringReader;

/**
 * A counterexample as a message sequence chart (source, network, destination), written in
 * PlantUML's language and rendered to SVG by PlantUML. Bulk RAM and socket wake-ups are folded,
 * and the chart starts a few protocol steps before the fault.
 */
final class SequenceChart {
  private static final int CONTEXT = 8;
  private static final int MAX_LINES = 90;

  private SequenceChart() {}

  static String plantUml(CaseId id, CaseRunner.Run run) {
    List<TraceEvent> events = run.trace().events();
    MigrationRecord rec = run.migration().record();
    long faultAt = id.first().point();
    int start = (int) Math.min(faultAt, events.size());
    int meaningful = 0;
    while (start > 0 && meaningful < CONTEXT && faultAt - start < 4 * CONTEXT) {
      start--;
      if (!noise(events.get(start).label())) {
        meaningful++;
      }
    }
    List<String> body = new ArrayList<>();
    Fold fold = new Fold();
    for (int i = start; i < events.size() && body.size() < MAX_LINES; i++) {
      TraceEvent e = events.get(i);
      for (Fault f : id.faults()) {
        if (f.point() == e.index()) {
          fold.flush(body);
          body.add("== " + f.kind() + " at " + ms(e.time()) + " ==");
        }
      }
      if (!e.label().endsWith(":tcp:writable") && !e.label().endsWith(":guest:touch")) {
        if (!e.label().equals(fold.label)) {
          fold.flush(body);
          fold.label = e.label();
          fold.first = e.time();
        }
        fold.count++;
        fold.last = e.time();
      }
      boolean marks = false;
      for (MigrationRecord.StatusChange s : rec.statuses()) {
        marks |= s.afterEvent() == e.index();
      }
      for (MigrationRecord.LockEvent l : rec.lockEvents()) {
        marks |= l.afterEvent() == e.index();
      }
      if (marks) {
        fold.flush(body);
        for (MigrationRecord.StatusChange s : rec.statuses()) {
          if (s.afterEvent() == e.index()) {
            body.add("hnote over " + s.host().shortName() + " : " + s.status().qapiName());
          }
        }
        for (MigrationRecord.LockEvent l : rec.lockEvents()) {
          if (l.afterEvent() == e.index()) {
            body.add("note over " + l.host().shortName() + " : disk " + l.what());
          }
        }
      }
    }
    fold.flush(body);
    if (body.size() >= MAX_LINES) {
      body.add("... " + events.size() + " events in all: see ./pcsim replay ...");
    }
    StringBuilder b = new StringBuilder("@startuml\n")
        .append("skinparam shadowing false\nskinparam defaultFontName SansSerif\n")
        .append("skinparam defaultFontSize 11\nskinparam sequenceMessageAlign center\n")
        .append("participant \"source QEMU\" as src\nparticipant \"network\" as net\n")
        .append("participant \"destination QEMU\" as dst\n");
    if (start > 0) {
      b.append("... ").append(start).append(" earlier events ...\n");
    }
    for (String l : body) {
      b.append(l).append('\n');
    }
    return b.append("@enduml\n").toString();
  }

  /** Consecutive events with the same label become one line ("RAM x12"). */
  private static final class Fold {
    String label;
    int count;
    long first;
    long last;

    void flush(List<String> body) {
      if (count > 0) {
        String[] p = label.split(":", 3);
        String when = count == 1 ? ms(first) : ms(first) + " to " + ms(last);
        body.add(line(p, count > 1 ? " x" + count : "", " (" + when + ")"));
      }
      label = null;
      count = 0;
    }
  }

  private static boolean noise(String label) {
    return label.endsWith(":tcp:writable") || label.endsWith(":recv:RAM")
        || label.endsWith(":guest:touch");
  }

  private static String line(String[] p, String times, String at) {
    String host = p[0];
    String what = p.length > 1 ? p[1] : "";
    String detail = p.length > 2 ? p[2] : "";
    if (what.equals("recv") && (host.equals("src") || host.equals("dst"))) {
      String from = host.equals("dst") ? "src" : "dst";
      return from + " -> " + host + " : " + detail + times + at;
    }
    if (host.equals("src") || host.equals("dst")) {
      return "note over " + host + " : " + what + " " + detail + times + at;
    }
    return "note over net : " + host + " " + what + (detail.isEmpty() ? "" : " " + detail)
        + times + at;
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }

  /** Renders PlantUML source to an inline SVG element. */
  static String svg(String source) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new SourceStringReader(source).outputImage(out, new FileFormatOption(FileFormat.SVG));
      String svg = out.toString(StandardCharsets.UTF_8);
      return svg.replaceFirst("^<\\?xml[^>]*>", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
