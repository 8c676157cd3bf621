package io.postcopysim.scenarios;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.postcopysim.core.kernel.Hashing;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * results.json and cases.csv (DESIGN.md §4), written atomically (a temp file in the same
 * directory, then a rename), and read back for merges.
 */
public final class ResultsFiles {
  public static final String JSON = "results.json";
  public static final String CSV = "cases.csv";
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsFiles() {}

  public static String csv(Results r) {
    StringBuilder b = new StringBuilder(CasesCsv.HEADER).append('\n');
    for (Results.VariantResults v : r.variants()) {
      for (CaseResult c : v.cases()) {
        b.append(CasesCsv.row(c)).append('\n');
      }
    }
    return b.toString();
  }

  /** A hash of every case row and every golden trace: equal results, equal hash. */
  public static String resultsHash(Results r) {
    long h = Hashing.text(csv(r));
    for (Results.VariantResults v : r.variants()) {
      h = Hashing.fold(h, Hashing.text(v.variant() + "=" + v.golden().get("trace_hash")));
    }
    return CasesCsv.hex(h);
  }

  public static Map<String, Object> json(Results r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tool", r.tool());
    out.put("version", r.version());
    out.put("scenario", r.scenario());
    if (r.shard() != null) {
      out.put("shard", r.shard());
    }
    List<Object> variants = new ArrayList<>();
    for (Results.VariantResults v : r.variants()) {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("variant", v.variant());
      vm.put("golden", v.golden());
      vm.put("cases", v.cases().size());
      vm.put("outcomes", outcomes(v.cases()));
      Map<String, Object> byKind = new LinkedHashMap<>();
      Map<MigrationStatus, List<CaseResult>> phases = new EnumMap<>(MigrationStatus.class);
      Map<String, List<CaseResult>> kinds = new LinkedHashMap<>();
      for (CaseResult c : v.cases()) {
        kinds.computeIfAbsent(c.faultKind(), k -> new ArrayList<>()).add(c);
        phases.computeIfAbsent(c.phase(), k -> new ArrayList<>()).add(c);
      }
      kinds.forEach((k, cs) -> byKind.put(k, outcomes(cs)));
      vm.put("by_fault_kind", byKind);
      Map<String, Object> byPhase = new LinkedHashMap<>();
      phases.forEach((p, cs) -> byPhase.put(p.name(), outcomes(cs)));
      vm.put("by_phase", byPhase);
      vm.put("stuck_window_ms", millis(v.stuckNanos()));
      vm.put("stuck_window_ns", v.stuckNanos());
      Map<String, Object> stuckKinds = new LinkedHashMap<>();
      v.stuckByKindNanos().forEach((k, ns) -> stuckKinds.put(k, ns));
      vm.put("stuck_window_by_kind_ns", stuckKinds);
      variants.add(vm);
    }
    out.put("variants", variants);
    out.put("results_hash", resultsHash(r));
    return out;
  }

  /** Milliseconds with microsecond resolution, as a JSON number that reads back the same. */
  public static double millis(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }

  private static Map<String, Object> outcomes(List<CaseResult> cases) {
    Map<String, Object> out = new LinkedHashMap<>();
    CaseResult.countByOutcome(cases).forEach((o, n) -> out.put(o.name(), (long) n));
    return out;
  }


  public static String jsonText(Results r) {
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return MAPPER.writer(pp).writeValueAsString(json(r)) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes both files, each atomically. */
  public static void write(Path dir, Results r) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(dir.resolve(CSV), csv(r));
    writeAtomically(dir.resolve(JSON), jsonText(r));
  }

  public static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(),
        "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        // createTempFile makes the file private; results are ordinary files (rw-r--r--).
        Files.setPosixFilePermissions(tmp,
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads a results directory back (for merges). */
  @SuppressWarnings("unchecked")
  public static Results read(Path dir) throws IOException {
    JsonNode root = MAPPER.readTree(dir.resolve(JSON).toFile());
    List<String> lines = Files.readAllLines(dir.resolve(CSV), StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(CasesCsv.HEADER)) {
      throw new IOException(dir.resolve(CSV) + " does not start with the cases.csv header");
    }
    Map<String, List<CaseResult>> byVariant = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isEmpty()) {
        CaseResult c = CasesCsv.parse(line);
        byVariant.computeIfAbsent(c.variant(), k -> new ArrayList<>()).add(c);
      }
    }
    List<Results.VariantResults> variants = new ArrayList<>();
    for (JsonNode v : root.get("variants")) {
      String name = v.get("variant").asText();
      Map<String, Long> stuckKinds = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.get("stuck_window_by_kind_ns").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        stuckKinds.put(e.getKey(), e.getValue().asLong());
      }
      variants.add(new Results.VariantResults(name,
          MAPPER.convertValue(v.get("golden"), LinkedHashMap.class),
          v.get("stuck_window_ns").asLong(), stuckKinds,
          byVariant.getOrDefault(name, List.of())));
    }
    JsonNode shard = root.get("shard");
    return new Results(root.get("tool").asText(), root.get("version").asText(),
        MAPPER.convertValue(root.get("scenario"), LinkedHashMap.class),
        shard == null ? null : shard.asText(), variants);
  }
}
