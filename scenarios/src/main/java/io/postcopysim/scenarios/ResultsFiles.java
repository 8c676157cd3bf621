package io.postcopysim.scenarios;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.postcopysim.core.kernel.Hashing;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.Exposure;
import io.postcopysim.faults.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * results.json and cases.csv (docs/DESIGN.md §4): their text, and writing them with the report as
 * one commit ({@link OutputFolder}). {@link StoredResults} reads them back.
 */
public final class ResultsFiles {
  public static final String JSON = "results.json";
  public static final String CSV = "cases.csv";
  public static final String CSV_GZ = "cases.csv.gz";
  public static final String REPORT = "report.html";
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsFiles() {}

  public static String csv(Results r) {
    StringWriter w = new StringWriter();
    try {
      writeCsv(r, w);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return w.toString();
  }

  /** Row by row, so a run of millions of cases never holds the file as one string. */
  public static void writeCsv(Results r, Writer out) throws IOException {
    out.write(CasesCsv.HEADER);
    out.write('\n');
    for (Results.VariantResults v : r.variants()) {
      for (CaseResult c : v.cases()) {
        out.write(CasesCsv.row(c, v.pointTime(c)));
        out.write('\n');
      }
    }
  }

  /**
   * A hash of every case row, every golden trace, and every figure the headline shows that is
   * not a count of rows (the stuck windows): equal results, equal hash; a changed headline, a
   * changed hash.
   */
  public static String resultsHash(Results r) {
    long h = Hashing.text(CasesCsv.HEADER);
    for (Results.VariantResults v : r.variants()) {
      for (CaseResult c : v.cases()) {
        h = Hashing.fold(h, Hashing.text(CasesCsv.row(c, v.pointTime(c))));
      }
    }
    for (Results.VariantResults v : r.variants()) {
      h = Hashing.fold(h, Hashing.text(v.variant() + "=" + CasesCsv.hex(v.golden().traceHash())
          + " stuck=" + v.stuckNanos() + " " + v.stuckByKindNanos()));
    }
    return CasesCsv.hex(h);
  }

  public static Map<String, Object> json(Results r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tool", r.tool());
    out.put("version", r.version());
    out.put("model", r.model());
    out.put("scenario", r.scenario());
    if (r.shard() != null) {
      out.put("shard", r.shard());
    }
    List<Object> variants = new ArrayList<>();
    for (Results.VariantResults v : r.variants()) {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("variant", v.variant());
      vm.put("golden", v.golden().json());
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
      vm.put("stuck_window_by_kind_ns", new LinkedHashMap<>(v.stuckByKindNanos()));
      exposure(vm, v.exposure());
      variants.add(vm);
    }
    out.put("variants", variants);
    out.put("results_hash", resultsHash(r));
    return out;
  }

  /**
   * docs/DESIGN.md §4.7: per outcome {@code O_exposure_ms} and {@code O_probability} (O in lower
   * case), the migration's length they share, {@code exposure_by_kind_ms}, the part of VM_LOST
   * every postcopy design shares ({@code vm_lost_shared_exposure_ms}) and, with fault rates in
   * the scenario, {@code O_per_million}.
   */
  private static void exposure(Map<String, Object> vm, Exposure e) {
    vm.put("migration_ms", millis(e.migrationNanos()));
    e.total().forEach((o, ns) -> vm.put(key(o) + "_exposure_ms", millis(ns)));
    e.probability().forEach((o, p) -> vm.put(key(o) + "_probability",
        Math.round(p * 1e9) / 1e9));
    vm.put("vm_lost_shared_exposure_ms", millis(e.sharedLossNanos()));
    e.perMillion().forEach((o, x) -> vm.put(key(o) + "_per_million", Math.round(x * 1e6) / 1e6));
    Map<String, Object> byKind = new LinkedHashMap<>();
    e.byKind().forEach((k, m) -> {
      Map<String, Object> row = new LinkedHashMap<>();
      m.forEach((o, ns) -> row.put(key(o), millis(ns)));
      byKind.put(k.name(), row);
    });
    vm.put("exposure_by_kind_ms", byKind);
  }

  /** An outcome's name as a results.json key prefix: {@code stuck_paused}. */
  public static String key(Outcome o) {
    return o.name().toLowerCase(java.util.Locale.ROOT);
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

  /** results.json and cases.csv without a report (tests, tools), committed as one. */
  public static void write(Path dir, Results r) throws IOException {
    write(dir, r, false, null);
  }

  /**
   * results.json, cases.csv (gzip-compressed as cases.csv.gz when {@code compress}) and, when
   * given, report.html, committed as one set; the other form of cases.csv is removed with it.
   */
  public static void write(Path dir, Results r, boolean compress, String reportHtml)
      throws IOException {
    Map<String, OutputFolder.Content> files = new LinkedHashMap<>();
    files.put(compress ? CSV_GZ : CSV, out -> {
      OutputStream o = compress ? new GZIPOutputStream(out, 1 << 16) : out;
      Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
      writeCsv(r, w);
      w.flush();
      if (o instanceof GZIPOutputStream gz) {
        gz.finish();
      }
    });
    files.put(JSON, text(jsonText(r)));
    if (reportHtml != null) {
      files.put(REPORT, text(reportHtml));
    }
    List<String> stale = new ArrayList<>(List.of(compress ? CSV : CSV_GZ));
    if (reportHtml == null) {
      stale.add(REPORT); // a report of earlier results must not sit beside these
    }
    OutputFolder.commit(dir, files, stale);
  }

  private static OutputFolder.Content text(String s) {
    return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Kept for single files outside a result set (the checkpoint). */
  public static void writeAtomically(Path target, String text) throws IOException {
    OutputFolder.writeAtomically(target, text);
  }
}
