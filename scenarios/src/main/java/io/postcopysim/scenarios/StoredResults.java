package io.postcopysim.scenarios;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A results folder as written, read back for merge and replay: results.json's text and fields,
 * and cases.csv's (or cases.csv.gz's) rows. Nothing here is trusted yet: {@link Merge}
 * recomputes every figure from the rows and compares.
 *
 * @param json the text of results.json, byte for byte
 */
public record StoredResults(Path dir, String json, JsonNode root, List<CasesCsv.Row> rows) {

  /** The folder (checked against its manifest), or a ScenarioException naming what is wrong. */
  public static StoredResults read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new ScenarioException(dir.toString(), 0, 0, "", "not a directory (merge takes the"
          + " --out folders of shard runs)");
    }
    List<String> files = OutputFolder.verify(dir);
    if (!files.contains(ResultsFiles.JSON)) {
      throw new ScenarioException(dir.toString(), 0, 0, "", "no " + ResultsFiles.JSON);
    }
    String csvName = files.contains(ResultsFiles.CSV) ? ResultsFiles.CSV
        : files.contains(ResultsFiles.CSV_GZ) ? ResultsFiles.CSV_GZ : null;
    if (csvName == null) {
      throw new ScenarioException(dir.toString(), 0, 0, "", "no " + ResultsFiles.CSV + " or "
          + ResultsFiles.CSV_GZ);
    }
    String json = Files.readString(dir.resolve(ResultsFiles.JSON), StandardCharsets.UTF_8);
    return new StoredResults(dir, json, parseJson(dir.resolve(ResultsFiles.JSON), json),
        rows(dir.resolve(csvName)));
  }

  /** results.json alone (replay needs only its scenario). */
  public static JsonNode readJson(Path file) throws IOException {
    return parseJson(file, Files.readString(file, StandardCharsets.UTF_8));
  }

  private static JsonNode parseJson(Path file, String text) {
    try {
      JsonNode root = ResultsFiles.MAPPER.readTree(text);
      for (String key : List.of("tool", "version", "scenario", "variants", "results_hash")) {
        if (root == null || !root.has(key)) {
          throw new ScenarioException(file.toString(), 0, 0, key, "missing: not a pcsim"
              + " results.json");
        }
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new ScenarioException(file.toString(), e.getLocation() == null ? 0
          : e.getLocation().getLineNr(), e.getLocation() == null ? 0
          : e.getLocation().getColumnNr(), "", "not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static List<CasesCsv.Row> rows(Path csv) throws IOException {
    List<CasesCsv.Row> rows = new ArrayList<>();
    InputStream raw = Files.newInputStream(csv);
    InputStream in = csv.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.UTF_8), 1 << 16)) {
      String header = r.readLine();
      if (!CasesCsv.HEADER.equals(header)) {
        throw new ScenarioException(csv.toString(), 1, 1, "", "not the cases.csv header of"
            + " this pcsim (" + CasesCsv.HEADER + ")");
      }
      int n = 1;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        n++;
        try {
          rows.add(CasesCsv.parseRow(line));
        } catch (CasesCsv.MalformedRow e) {
          throw new ScenarioException(csv.toString(), n, 1, "", e.getMessage());
        }
      }
    }
    return rows;
  }

  public String text(String key) {
    JsonNode n = root.get(key);
    return n == null || n.isNull() ? null : n.asText();
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> scenario() {
    return ResultsFiles.MAPPER.convertValue(root.get("scenario"), LinkedHashMap.class);
  }

  /** Per variant named in results.json, in its order, the rows of that variant. */
  public Map<String, List<CasesCsv.Row>> rowsByVariant() {
    Map<String, List<CasesCsv.Row>> out = new LinkedHashMap<>();
    for (JsonNode v : root.get("variants")) {
      out.put(v.path("variant").asText(), new ArrayList<>());
    }
    for (CasesCsv.Row row : rows) {
      List<CasesCsv.Row> list = out.get(row.result().variant());
      if (list == null) {
        throw new ScenarioException(dir.toString(), 0, 0, "", "cases.csv has cases of "
            + row.result().variant() + ", which results.json does not list");
      }
      list.add(row);
    }
    return out;
  }
}
