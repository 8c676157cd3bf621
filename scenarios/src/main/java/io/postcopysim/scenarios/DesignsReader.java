package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variant.AckPoint;
import io.postcopysim.core.migration.Variant.Gate;
import io.postcopysim.core.migration.VariantSpec;
import io.postcopysim.core.migration.VariantSpec.GateTimeout;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.scenarios.YamlTree.Entry;
import io.postcopysim.scenarios.YamlTree.MapNode;
import io.postcopysim.scenarios.YamlTree.Node;
import io.postcopysim.scenarios.YamlTree.Scalar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code migration.designs} (../shared/DESIGN.md §6, "Designs as data"): each entry is a design
 * name and its row of decisions, either every decision spelled or {@code like:} a built-in with
 * the decisions that differ. Errors name file, line, column and key, with "did you mean"; a
 * combination the state machines cannot honour is refused with {@link VariantSpec}'s reason.
 */
public final class DesignsReader {
  /** The decision keys, in the order a row is written. */
  public static final List<String> DECISIONS = List.of("postcopy", "run-in-package", "gate",
      "gate-timeout", "ack", "status-after-package", "dest-status-after-listen",
      "precopy-handshake");
  private static final List<String> GATES = List.of("none", "pong-3", "pong-packaged-loaded",
      "run-ack");
  private static final List<String> ACKS = List.of("none", "after-load", "after-activate");
  private static final List<String> STATUSES = Arrays.stream(MigrationStatus.values())
      .map(MigrationStatus::qapiName).toList();
  private static final List<String> BUILT_INS = Variants.all().stream().map(Variant::name)
      .toList();

  private DesignsReader() {}

  /**
   * The designs a scenario's {@code migration.variants} may name: the built-ins, then the
   * file's own designs, in the file's order.
   */
  static Map<String, Variant> read(Section mig) {
    Map<String, Variant> known = new LinkedHashMap<>();
    Variants.all().forEach(v -> known.put(v.name(), v));
    Node raw = mig.raw("designs");
    if (raw == null) {
      return known;
    }
    if (!(raw instanceof MapNode map)) {
      throw mig.error(raw, "designs", "expected a mapping of design names to their decisions,"
          + " like {MY_DESIGN: {like: POSTCOPY_SETUP, gate: pong-3}}");
    }
    Section designs = mig.section("designs");
    for (Entry e : map.entries().values()) {
      VariantSpec d = design(designs, e);
      known.put(d.name(), d);
    }
    designs.done();
    return known;
  }

  private static VariantSpec design(Section designs, Entry e) {
    String name = e.key();
    Node at = new Scalar(name, e.line(), e.column());
    if (BUILT_INS.contains(name)) {
      throw designs.error(at, name, "redefines the built-in " + name + "; give the design a"
          + " name of its own (like: " + name + " starts from its row)");
    }
    if (!VariantSpec.NAME.matcher(name).matches()) {
      String upper = name.toUpperCase(Locale.ROOT).replace('-', '_');
      throw designs.error(at, name, "'" + name + "' is not a design name: 1 to 40 of A-Z 0-9 _,"
          + " starting with a letter (it appears in case IDs)"
          + (VariantSpec.NAME.matcher(upper).matches() ? ", did you mean '" + upper + "'?" : ""));
    }
    Section d = designs.section(name);
    String like = d.choice("like", null, BUILT_INS);
    if (like == null) {
      requireAll(d);
    }
    VariantSpec base = like == null ? Variants.LEGACY
        : Variants.byName(like).orElseThrow().spec();
    VariantSpec.Builder b = base.toBuilder().name(name)
        .postcopy(d.bool("postcopy", base.postcopy()))
        .runInPackage(d.bool("run-in-package", base.runInPackage()))
        .gate(Gate.valueOf(constant(d.choice("gate", text(base.gate()), GATES))))
        .gateTimeout(gateTimeout(d, base.gateTimeout()))
        .destinationAck(AckPoint.valueOf(constant(d.choice("ack", text(base.destinationAck()),
            ACKS))))
        .statusAfterPackage(status(d.choice("status-after-package",
            base.statusAfterPackage().qapiName(), STATUSES)))
        .destStatusAfterListen(status(d.choice("dest-status-after-listen",
            base.destStatusAfterListen().qapiName(), STATUSES)))
        .precopyHandshake(d.bool("precopy-handshake", base.precopyHandshake()));
    d.done();
    try {
      return b.build();
    } catch (IllegalArgumentException refused) {
      throw designs.error(at, name, "cannot be simulated: " + refused.getMessage());
    }
  }

  /** Without {@code like:}, a design spells every decision. */
  private static void requireAll(Section d) {
    List<String> missing = new ArrayList<>();
    for (String key : DECISIONS) {
      if (d.raw(key) == null) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      throw d.error(null, missing.get(0), "missing: without like:, a design spells every"
          + " decision (" + String.join(", ", DECISIONS) + "); missing here: "
          + String.join(", ", missing) + " (or start from a built-in with like:)");
    }
  }

  /** {@code none}, {@code ping3-timeout} (the scenario's knob), or a duration. */
  private static GateTimeout gateTimeout(Section d, GateTimeout fallback) {
    Node raw = d.raw("gate-timeout");
    if (raw == null) {
      return fallback;
    }
    if (raw instanceof Scalar s && s.value() instanceof String text) {
      if (text.equals("none")) {
        return GateTimeout.NONE;
      }
      if (text.equals("ping3-timeout")) {
        return GateTimeout.PING3_TIMEOUT;
      }
      if (Character.isLetter(text.charAt(0))) {
        String near = Suggest.closest(text, List.of("none", "ping3-timeout"));
        throw d.error(raw, "gate-timeout", "unknown value '" + text + "'"
            + (near == null ? "" : ", did you mean '" + near + "'?")
            + " (a duration like 2s, none, or ping3-timeout: migration.ping3-timeout)");
      }
    }
    return GateTimeout.of(d.duration("gate-timeout", 0, true));
  }

  private static String constant(String kebab) {
    return kebab.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String text(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static MigrationStatus status(String qapiName) {
    return Arrays.stream(MigrationStatus.values()).filter(s -> s.qapiName().equals(qapiName))
        .findFirst().orElseThrow();
  }

  /**
   * A row as a scenario spells it, every decision in {@link #DECISIONS} order (no like:): what
   * {@code pcsim list} and the report show, and what results.json records for a file's design.
   */
  public static Map<String, Object> decisions(Variant v) {
    VariantSpec s = v.spec();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("postcopy", s.postcopy());
    out.put("run-in-package", s.runInPackage());
    out.put("gate", text(s.gate()));
    out.put("gate-timeout", switch (s.gateTimeout().kind()) {
      case NONE -> "none";
      case PING3_TIMEOUT -> "ping3-timeout";
      case FIXED -> Units.formatDuration(s.gateTimeout().nanos());
    });
    out.put("ack", text(s.destinationAck()));
    out.put("status-after-package", s.statusAfterPackage().qapiName());
    out.put("dest-status-after-listen", s.destStatusAfterListen().qapiName());
    out.put("precopy-handshake", s.precopyHandshake());
    return out;
  }

  /** Whether {@code v} is one of the built-in rows (not a file's design). */
  public static boolean builtIn(Variant v) {
    return Variants.all().contains(v);
  }

  /** {@code key: value, ...} on one line. */
  public static String oneLine(Variant v) {
    StringBuilder b = new StringBuilder();
    decisions(v).forEach((k, val) -> b.append(b.length() == 0 ? "" : ", ").append(k)
        .append(": ").append(val));
    return b.toString();
  }
}
