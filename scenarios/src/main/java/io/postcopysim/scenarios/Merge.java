package io.postcopysim.scenarios;

import io.postcopysim.faults.CaseResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code pcsim merge}: shard outputs back into the result of one unsharded run. Every shard
 * must come from the same scenario and version, and shards 1..N must all be there once.
 */
public final class Merge {
  private Merge() {}

  public static Results merge(List<Path> dirs) throws IOException {
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    List<Results> parts = new ArrayList<>();
    for (Path d : dirs) {
      parts.add(ResultsFiles.read(d));
    }
    Results first = parts.get(0);
    TreeSet<Integer> seen = new TreeSet<>();
    int count = -1;
    for (int i = 0; i < parts.size(); i++) {
      Results p = parts.get(i);
      if (p.shard() == null) {
        throw new IllegalArgumentException(dirs.get(i) + " is not a shard (no \"shard\" in "
            + ResultsFiles.JSON + ")");
      }
      Shard s = Shard.parse(p.shard());
      if (count >= 0 && s.count() != count) {
        throw new IllegalArgumentException("shards of different splits: " + p.shard() + " and ?/"
            + count);
      }
      count = s.count();
      if (!seen.add(s.index())) {
        throw new IllegalArgumentException("shard " + p.shard() + " given twice");
      }
      if (!p.scenario().equals(first.scenario()) || !p.version().equals(first.version())) {
        throw new IllegalArgumentException(dirs.get(i) + " comes from another scenario or"
            + " version than " + dirs.get(0));
      }
    }
    if (seen.size() != count) {
      List<Integer> missing = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        if (!seen.contains(i)) {
          missing.add(i);
        }
      }
      throw new IllegalArgumentException("missing shards " + missing + " of " + count);
    }
    List<Results.VariantResults> variants = new ArrayList<>();
    for (int vi = 0; vi < first.variants().size(); vi++) {
      Results.VariantResults v0 = first.variants().get(vi);
      List<CaseResult> cases = new ArrayList<>();
      long stuck = 0;
      Map<String, Long> byKind = new LinkedHashMap<>();
      for (Results p : parts) {
        Results.VariantResults v = p.variants().get(vi);
        cases.addAll(v.cases());
        stuck += v.stuckNanos();
        v.stuckByKindNanos().forEach((k, n) -> byKind.merge(k, n, Long::sum));
      }
      cases.sort(Comparator.comparing(CaseResult::id));
      variants.add(new Results.VariantResults(v0.variant(), v0.golden(), stuck, byKind, cases));
    }
    return new Results(first.tool(), first.version(), first.scenario(), null, variants);
  }
}
