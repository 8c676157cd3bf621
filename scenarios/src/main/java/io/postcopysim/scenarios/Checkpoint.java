package io.postcopysim.scenarios;

import io.postcopysim.faults.CaseResult;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The finished failure points of an interrupted run, as blocks of cases.csv rows:
 * {@code P key n}, n rows, {@code E key}. Only complete blocks count, so a kill in the middle
 * of a write loses at most the point being written, which is simply run again.
 */
final class Checkpoint implements Closeable {
  private static final String MAGIC = "pcsim-checkpoint ";

  private final Map<String, List<CaseResult>> finished;
  private final BufferedWriter out;

  private Checkpoint(Map<String, List<CaseResult>> finished, BufferedWriter out) {
    this.finished = finished;
    this.out = out;
  }

  static Checkpoint open(Path file, String fingerprint) throws IOException {
    Map<String, List<CaseResult>> done = new HashMap<>();
    StringBuilder kept = new StringBuilder(MAGIC).append(fingerprint).append('\n');
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals(MAGIC + fingerprint)) {
        throw new ScenarioException(file.toString(), 0, 0, "", "this checkpoint belongs to"
            + " another scenario, shard or build of the model; delete it to start over");
      }
      int i = 1;
      while (i < lines.size()) {
        String[] head = lines.get(i).split(" ");
        if (head.length != 3 || !head[0].equals("P")) {
          break;
        }
        int n;
        try {
          n = Integer.parseInt(head[2]);
        } catch (NumberFormatException e) {
          break; // torn header
        }
        if (i + n + 1 >= lines.size() || !lines.get(i + n + 1).equals("E " + head[1])) {
          break; // torn block: the run was killed while writing it
        }
        List<CaseResult> rows = new ArrayList<>(n);
        for (int r = i + 1; r < i + 1 + n; r++) {
          try {
            rows.add(CasesCsv.parseCase(lines.get(r)));
          } catch (CasesCsv.MalformedRow e) {
            throw new ScenarioException(file.toString(), r + 1, 1, "", "damaged checkpoint: "
                + e.getMessage() + "; delete it to start over");
          }
        }
        done.put(head[1], rows);
        for (String l : lines.subList(i, i + n + 2)) {
          kept.append(l).append('\n');
        }
        i += n + 2;
      }
    } else {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    ResultsFiles.writeAtomically(file, kept.toString());
    BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    return new Checkpoint(done, w);
  }

  Map<String, List<CaseResult>> finished() {
    return finished;
  }

  synchronized void record(String key, List<CaseResult> rows) {
    try {
      StringBuilder b = new StringBuilder("P ").append(key).append(' ').append(rows.size())
          .append('\n');
      for (CaseResult r : rows) {
        b.append(CasesCsv.caseColumns(r)).append('\n');
      }
      b.append("E ").append(key).append('\n');
      out.write(b.toString());
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
