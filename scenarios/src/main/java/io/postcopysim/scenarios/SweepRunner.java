package io.postcopysim.scenarios;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a sweep's cells one after the other (each over {@code threads} workers, as
 * {@code pcsim run} does, without case files or a report) and collects sweep.csv's rows. A
 * checkpoint records each finished cell's rows, so a killed sweep resumes where it stopped.
 */
public final class SweepRunner {
  private static final String MAGIC = "pcsim-sweep-checkpoint ";

  private SweepRunner() {}

  /** Told after each cell: its index, how many cells this run has, its case count. */
  public interface Progress {
    void cellDone(Sweep.Cell cell, int done, int total, long cases, boolean resumed);
  }

  /** Whether shard {@code shard} (null: all) takes cell {@code c}. */
  static boolean takes(Shard shard, int c) {
    return shard == null || shard.takes(c);
  }

  /**
   * @param checkpoint file recording finished cells, or null
   */
  public static SweepResults run(Sweep sweep, Shard shard, int threads, Path checkpoint,
      Progress progress) throws IOException, InterruptedException {
    String id = sweep.fingerprint() + " " + shard + " " + ModelFingerprint.value();
    Map<Integer, List<SweepResults.Row>> done = checkpoint == null ? new TreeMap<>()
        : resume(checkpoint, id, sweep.axes().size());
    List<Sweep.Cell> mine = sweep.cells().stream().filter(c -> takes(shard, c.index())).toList();
    List<SweepResults.Row> rows = new ArrayList<>();
    int n = 0;
    for (Sweep.Cell cell : mine) {
      List<SweepResults.Row> cellRows = done.get(cell.index());
      boolean resumed = cellRows != null;
      long cases = 0;
      if (!resumed) {
        Results r = BatchRunner.run(cell.scenario(), new BatchRunner.Options(threads, null,
            null, null, true));
        String hash = ResultsFiles.resultsHash(r);
        cellRows = new ArrayList<>();
        for (Results.VariantResults v : r.variants()) {
          cellRows.add(SweepResults.Row.of(cell, v, hash));
        }
        if (checkpoint != null) {
          record(checkpoint, cell.index(), cellRows);
        }
      }
      for (SweepResults.Row row : cellRows) {
        cases += row.cases();
      }
      rows.addAll(cellRows);
      progress.cellDone(cell, ++n, mine.size(), cases, resumed);
    }
    return new SweepResults(sweep.name(), ModelFingerprint.value(), sweep.fingerprint(),
        sweep.axes().stream().map(Sweep.Axis::path).toList(), sweep.cells().size(),
        shard == null ? null : shard.toString(), rows,
        sweep.cells().stream().map(c -> c.scenario().resolved()).toList()).reread();
  }

  /** Finished cells of an earlier run of the same sweep, shard and build; complete blocks only. */
  private static Map<Integer, List<SweepResults.Row>> resume(Path file, String id, int axes)
      throws IOException {
    Map<Integer, List<SweepResults.Row>> done = new TreeMap<>();
    if (!Files.exists(file)) {
      Files.writeString(file, MAGIC + id + "\n", StandardCharsets.UTF_8);
      return done;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(MAGIC + id)) {
      throw new ScenarioException(file.toString(), 0, 0, "", "this checkpoint belongs to"
          + " another sweep, shard or build of the model; delete it to start over");
    }
    StringBuilder kept = new StringBuilder(lines.get(0)).append('\n');
    int i = 1;
    while (i < lines.size()) {
      String[] head = lines.get(i).split(" ");
      int count = head.length == 3 && head[0].equals("C") ? Integer.parseInt(head[2]) : -1;
      if (count < 0 || i + count + 1 >= lines.size()
          || !lines.get(i + count + 1).equals("E " + head[1])) {
        break; // a block cut short by the kill: that cell runs again
      }
      List<String> block = lines.subList(i, i + count + 2);
      StringBuilder csv = new StringBuilder("header\n");
      block.subList(1, count + 1).forEach(l -> csv.append(l).append('\n'));
      done.put(Integer.parseInt(head[1]), SweepResults.parseRows(csv.toString(), axes,
          file.toString()));
      block.forEach(l -> kept.append(l).append('\n'));
      i += count + 2;
    }
    OutputFolder.writeAtomically(file, kept.toString());
    return done;
  }

  private static void record(Path file, int cell, List<SweepResults.Row> rows)
      throws IOException {
    StringBuilder b = new StringBuilder("C ").append(cell).append(' ').append(rows.size())
        .append('\n');
    rows.forEach(r -> b.append(SweepResults.row(r)).append('\n'));
    b.append("E ").append(cell).append('\n');
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.APPEND)) {
      w.write(b.toString());
    }
  }

  /** Shards of one sweep into exactly what one unsharded run writes. */
  public static SweepResults merge(List<Path> dirs) throws IOException {
    Map<Integer, SweepResults> parts = new TreeMap<>();
    SweepResults first = null;
    for (Path d : dirs) {
      SweepResults s = SweepResults.read(d);
      if (first == null) {
        first = s;
      }
      if (!s.fingerprint().equals(first.fingerprint()) || !s.model().equals(first.model())) {
        throw new ScenarioException(d.toString(), 0, 0, "", "a shard of another sweep or"
            + " build of the model than " + dirs.get(0));
      }
      if (!s.model().equals(ModelFingerprint.value())) {
        throw new ScenarioException(d.toString(), 0, 0, "", "written by another build of the"
            + " model (" + s.model() + ")");
      }
      if (s.shard() == null) {
        throw new ScenarioException(d.toString(), 0, 0, "", "not a shard (no \"shard\")");
      }
      Shard sh = Shard.parse(s.shard());
      if (parts.put(sh.index(), s) != null) {
        throw new ScenarioException(d.toString(), 0, 0, "", "shard " + sh + " given twice");
      }
      checkCells(d, s, sh);
    }
    int count = Shard.parse(first.shard()).count();
    if (parts.size() != count) {
      List<Integer> missing = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        if (!parts.containsKey(i)) {
          missing.add(i);
        }
      }
      throw new ScenarioException(dirs.get(0).toString(), 0, 0, "", "missing shards "
          + missing + " of " + count);
    }
    Map<Integer, List<SweepResults.Row>> byCell = new TreeMap<>();
    parts.values().forEach(p -> p.rows().forEach(r ->
        byCell.computeIfAbsent(r.cell(), c -> new ArrayList<>()).add(r)));
    List<SweepResults.Row> rows = new ArrayList<>();
    byCell.values().forEach(rows::addAll);
    return new SweepResults(first.name(), first.model(), first.fingerprint(), first.paths(),
        first.cellCount(), null, rows, first.scenarios());
  }

  /** A shard holds rows of exactly its cells, each with the same number of variants. */
  private static void checkCells(Path d, SweepResults s, Shard sh) {
    Map<Integer, Integer> perCell = new LinkedHashMap<>();
    s.rows().forEach(r -> perCell.merge(r.cell(), 1, Integer::sum));
    List<Integer> expected = new ArrayList<>();
    for (int c = 0; c < s.cellCount(); c++) {
      if (sh.takes(c)) {
        expected.add(c);
      }
    }
    if (!new ArrayList<>(perCell.keySet()).equals(expected)
        || perCell.values().stream().distinct().count() > 1) {
      throw new ScenarioException(d.resolve(SweepResults.CSV).toString(), 0, 0, "",
          "shard " + sh + " must hold every variant's row of cells " + expected + ", in order");
    }
  }
}
