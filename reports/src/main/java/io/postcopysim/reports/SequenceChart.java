package io.postcopysim.reports;

import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.Timeline;
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
    List<Timeline.Entry> entries = Timeline.of(id, run).entries();
    int events = (int) entries.stream().filter(e -> e.kind() == Timeline.Kind.EVENT).count();
    int from = firstShown(entries, id.first().point());
    List<String> body = new ArrayList<>();
    Fold fold = new Fold();
    for (int i = from; i < entries.size() && body.size() < MAX_LINES; i++) {
      Timeline.Entry e = entries.get(i);
      switch (e.kind()) {
        case FAULT -> {
          fold.flush(body);
          body.add("== " + e.label().step() + " at " + ms(e.timeNanos()) + " ==");
        }
        case EVENT -> {
          boolean writable = e.label().step().equals("tcp")
              && e.label().detail().equals("writable");
          boolean touch = e.label().step().equals("guest") && e.label().detail().equals("touch");
          if (!writable && !touch) {
            fold.add(body, e);
          }
        }
        case STATUS -> {
          fold.flush(body);
          body.add("hnote over " + e.label().host() + " : " + e.label().detail());
        }
        case LOCK -> {
          fold.flush(body);
          body.add("note over " + e.label().host() + " : disk " + e.label().detail());
        }
        default -> throw new AssertionError(e.kind());
      }
    }
    fold.flush(body);
    if (body.size() >= MAX_LINES) {
      body.add("... " + events + " events in all: see ./pcsim replay ...");
    }
    StringBuilder b = new StringBuilder("@startuml\n")
        .append("skinparam shadowing false\nskinparam defaultFontName SansSerif\n")
        .append("skinparam defaultFontSize 11\nskinparam sequenceMessageAlign center\n")
        .append("participant \"source QEMU\" as src\nparticipant \"network\" as net\n")
        .append("participant \"destination QEMU\" as dst\n");
    long earlier = entries.subList(0, from).stream()
        .filter(e -> e.kind() == Timeline.Kind.EVENT).count();
    if (earlier > 0) {
      b.append("... ").append(earlier).append(" earlier events ...\n");
    }
    for (String l : body) {
      b.append(l).append('\n');
    }
    return b.append("@enduml\n").toString();
  }

  /**
   * Where the chart starts: a few meaningful events before the first fault (within a bounded
   * number of events), so the chart shows the context of the counterexample, not the whole run.
   */
  private static int firstShown(List<Timeline.Entry> entries, long faultIndex) {
    int at = 0;
    while (at < entries.size() && !(entries.get(at).kind() != Timeline.Kind.STATUS
        && entries.get(at).index() >= faultIndex)) {
      at++;
    }
    int meaningful = 0;
    int walked = 0;
    while (at > 0 && meaningful < CONTEXT && walked < 4 * CONTEXT) {
      at--;
      Timeline.Entry e = entries.get(at);
      if (e.kind() == Timeline.Kind.EVENT) {
        walked++;
        if (!noise(e.label())) {
          meaningful++;
        }
      }
    }
    return at;
  }

  /** Consecutive events with the same label become one line ("RAM x12"). */
  private static final class Fold {
    Timeline.Label label;
    int count;
    long first;
    long last;

    void add(List<String> body, Timeline.Entry e) {
      if (!e.label().equals(label)) {
        flush(body);
        label = e.label();
        first = e.timeNanos();
      }
      count++;
      last = e.timeNanos();
    }

    void flush(List<String> body) {
      if (count > 0) {
        String when = count == 1 ? ms(first) : ms(first) + " to " + ms(last);
        body.add(line(label, count > 1 ? " x" + count : "", " (" + when + ")"));
      }
      label = null;
      count = 0;
    }
  }

  private static boolean noise(Timeline.Label l) {
    return l.step().equals("tcp") && l.detail().equals("writable")
        || l.step().equals("recv") && l.detail().equals("RAM")
        || l.step().equals("guest") && l.detail().equals("touch");
  }

  private static String line(Timeline.Label l, String times, String at) {
    String host = l.host();
    if (l.step().equals("recv") && (host.equals("src") || host.equals("dst"))) {
      String from = host.equals("dst") ? "src" : "dst";
      return from + " -> " + host + " : " + l.detail() + times + at;
    }
    if (host.equals("src") || host.equals("dst")) {
      return "note over " + host + " : " + l.step() + " " + l.detail() + times + at;
    }
    return "note over net : " + host + " " + l.step()
        + (l.detail().isEmpty() ? "" : " " + l.detail()) + times + at;
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
