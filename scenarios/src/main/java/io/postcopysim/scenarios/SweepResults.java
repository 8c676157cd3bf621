package io.postcopysim.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.postcopysim.faults.Exposure;
import io.postcopysim.faults.Outcome;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's result: per cell and variant, the cell's values, the variant's case count and
 * exposures, and the cell's results hash (DESIGN §6: {@code sweep.csv}). Everything here is
 * what sweep.csv holds, so a merge of shards, which reads it back, gives the same bytes.
 *
 * @param shard "I/N", or null for every cell
 * @param fingerprint {@link Sweep#fingerprint()}: shards of one sweep share it
 * @param scenarios every cell's resolved scenario (results.json's "scenario" block, itself a
 *     scenario file: save one and {@code pcsim run} it to rerun that cell), all cells in shards too
 */
public record SweepResults(String name, String model, String fingerprint, List<String> paths,
    int cellCount, String shard, List<Row> rows, List<Map<String, Object>> scenarios) {
  public static final String CSV = "sweep.csv";
  public static final String JSON = "sweep.json";
  public static final String HTML = "sweep.html";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public SweepResults {
    paths = List.copyOf(paths);
    rows = List.copyOf(rows);
    scenarios = List.copyOf(scenarios);
  }

  /** One row of sweep.csv; times in ms as written (microsecond resolution). */
  public record Row(int cell, List<String> values, String variant, long cases,
      double migrationMs, Map<Outcome, Double> exposureMs, Map<Outcome, Double> probability,
      double sharedLossMs, Map<Outcome, Double> perMillion, String resultsHash) {
    public Row {
      values = List.copyOf(values);
      exposureMs = new EnumMap<>(exposureMs);
      probability = new EnumMap<>(probability);
      perMillion = perMillion.isEmpty() ? Map.of() : new EnumMap<>(perMillion);
    }

    /** A variant's row of a finished cell. */
    public static Row of(Sweep.Cell cell, Results.VariantResults v, String hash) {
      Exposure e = v.exposure();
      Map<Outcome, Double> ms = new EnumMap<>(Outcome.class);
      e.total().forEach((o, ns) -> ms.put(o, ResultsFiles.millis(ns)));
      Map<Outcome, Double> p = new EnumMap<>(Outcome.class);
      e.probability().forEach((o, x) -> p.put(o, Math.round(x * 1e9) / 1e9));
      Map<Outcome, Double> pm = new EnumMap<>(Outcome.class);
      e.perMillion().forEach((o, x) -> pm.put(o, Math.round(x * 1e6) / 1e6));
      return new Row(cell.index(), cell.values(), v.variant(), v.cases().size(),
          ResultsFiles.millis(e.migrationNanos()), ms, p,
          ResultsFiles.millis(e.sharedLossNanos()), pm, hash);
    }
  }

  /** The header: cell, each varied key, variant, cases, the exposure columns, results_hash. */
  public String header() {
    List<String> h = new ArrayList<>(List.of("cell"));
    h.addAll(paths);
    h.addAll(List.of("variant", "cases", "migration_ms"));
    for (Outcome o : Outcome.values()) {
      h.add(ResultsFiles.key(o) + "_exposure_ms");
    }
    for (Outcome o : Outcome.values()) {
      h.add(ResultsFiles.key(o) + "_probability");
    }
    h.add("vm_lost_shared_exposure_ms");
    for (Outcome o : Outcome.values()) {
      h.add(ResultsFiles.key(o) + "_per_million"); // empty without faults.rates-per-year
    }
    h.add("results_hash");
    return String.join(",", h.stream().map(SweepResults::quote).toList());
  }

  static String row(Row r) {
    List<String> f = new ArrayList<>(List.of(Integer.toString(r.cell())));
    r.values().forEach(v -> f.add(quote(v)));
    f.addAll(List.of(quote(r.variant()), Long.toString(r.cases()), number(r.migrationMs())));
    for (Outcome o : Outcome.values()) {
      f.add(number(r.exposureMs().get(o)));
    }
    for (Outcome o : Outcome.values()) {
      f.add(number(r.probability().get(o)));
    }
    f.add(number(r.sharedLossMs()));
    for (Outcome o : Outcome.values()) {
      f.add(r.perMillion().isEmpty() ? "" : number(r.perMillion().get(o)));
    }
    f.add(r.resultsHash());
    return String.join(",", f);
  }

  /** Plain decimal, no exponent: 0.000000001, not 1.0E-9. */
  static String number(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** RFC 4180: a field with a comma, quote or line break is quoted. */
  static String quote(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0
        && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  public String csv() {
    StringBuilder b = new StringBuilder(header()).append('\n');
    rows.forEach(r -> b.append(row(r)).append('\n'));
    return b.toString();
  }

  public String jsonText() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tool", Results.TOOL);
    m.put("version", Results.VERSION);
    m.put("model", model);
    m.put("sweep", name);
    m.put("fingerprint", fingerprint);
    m.put("vary", paths);
    m.put("cells", cellCount);
    if (shard != null) {
      m.put("shard", shard);
    }
    m.put("scenarios", scenarios);
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same results as read back from their csv: what a merge sees. */
  public SweepResults reread() {
    return new SweepResults(name, model, fingerprint, paths, cellCount, shard,
        parseRows(csv(), paths.size(), CSV), scenarios);
  }

  /** Reads a sweep folder's sweep.json and sweep.csv (after checking its manifest). */
  public static SweepResults read(Path dir) throws IOException {
    List<String> files = OutputFolder.verify(dir); // throws unless complete and unaltered
    if (!files.contains(CSV) || !files.contains(JSON)) {
      throw new ScenarioException(dir.toString(), 0, 0, "", "not a sweep's output (no "
          + CSV + " and " + JSON + " in its manifest)");
    }
    JsonNode j = MAPPER.readTree(Files.readString(dir.resolve(JSON), StandardCharsets.UTF_8));
    List<String> paths = new ArrayList<>();
    j.get("vary").forEach(p -> paths.add(p.asText()));
    String csv = Files.readString(dir.resolve(CSV), StandardCharsets.UTF_8);
    return new SweepResults(j.get("sweep").asText(), j.get("model").asText(),
        j.get("fingerprint").asText(), paths, j.get("cells").asInt(),
        j.has("shard") ? j.get("shard").asText() : null,
        parseRows(csv, paths.size(), dir.resolve(CSV).toString()), scenarios(j));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> scenarios(JsonNode j) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (j.has("scenarios")) {
      j.get("scenarios").forEach(n -> out.add(MAPPER.convertValue(n, LinkedHashMap.class)));
    }
    return out;
  }

  static List<Row> parseRows(String csv, int axes, String file) {
    List<String> lines = csv.lines().toList();
    List<Row> rows = new ArrayList<>();
    int outcomes = Outcome.values().length;
    for (int i = 1; i < lines.size(); i++) {
      List<String> f = split(lines.get(i));
      int fields = 1 + axes + 3 + 3 * outcomes + 2;
      if (f.size() != fields) {
        throw new ScenarioException(file, i + 1, 1, "", "expected " + fields
            + " fields, found " + f.size());
      }
      try {
        int k = 1 + axes;
        Map<Outcome, Double> ms = new EnumMap<>(Outcome.class);
        Map<Outcome, Double> p = new EnumMap<>(Outcome.class);
        Map<Outcome, Double> pm = new EnumMap<>(Outcome.class);
        int perMillion = k + 3 + 2 * outcomes + 1;
        for (int o = 0; o < outcomes; o++) {
          ms.put(Outcome.values()[o], Double.parseDouble(f.get(k + 3 + o)));
          p.put(Outcome.values()[o], Double.parseDouble(f.get(k + 3 + outcomes + o)));
          if (!f.get(perMillion + o).isEmpty()) {
            pm.put(Outcome.values()[o], Double.parseDouble(f.get(perMillion + o)));
          }
        }
        rows.add(new Row(Integer.parseInt(f.get(0)), f.subList(1, k), f.get(k),
            Long.parseLong(f.get(k + 1)), Double.parseDouble(f.get(k + 2)), ms, p,
            Double.parseDouble(f.get(k + 3 + 2 * outcomes)), pm, f.get(f.size() - 1)));
      } catch (NumberFormatException e) {
        throw new ScenarioException(file, i + 1, 1, "", "not a number: " + e.getMessage());
      }
    }
    return rows;
  }

  /** One RFC 4180 line into fields. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        cur.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** Writes sweep.csv, sweep.json and (when given) sweep.html as one set, with a manifest. */
  public void write(Path dir, String html) throws IOException {
    Map<String, OutputFolder.Content> files = new LinkedHashMap<>();
    files.put(CSV, out -> out.write(csv().getBytes(StandardCharsets.UTF_8)));
    files.put(JSON, out -> out.write(jsonText().getBytes(StandardCharsets.UTF_8)));
    if (html != null) {
      files.put(HTML, out -> out.write(html.getBytes(StandardCharsets.UTF_8)));
    }
    OutputFolder.commit(dir, files, html == null ? List.of(HTML) : List.of());
  }
}
