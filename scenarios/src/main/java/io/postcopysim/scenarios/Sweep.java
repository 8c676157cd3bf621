package io.postcopysim.scenarios;

import io.postcopysim.scenarios.YamlTree.Entry;
import io.postcopysim.scenarios.YamlTree.ListNode;
import io.postcopysim.scenarios.YamlTree.MapNode;
import io.postcopysim.scenarios.YamlTree.Node;
import io.postcopysim.scenarios.YamlTree.Scalar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A sweep (DESIGN §6 "Sweeps"): a base scenario, a grid over any scenario keys ({@code vary},
 * the cells are the product of the lists, the last key varying fastest) and keys fixed in every
 * cell ({@code set}). Each value is placed into the base scenario's tree at its key's path and
 * the cell is read by the scenario loader, so every key of {@link ScenarioKeys} can be swept
 * and an error in a value names the sweep file, line and column.
 */
public final class Sweep {
  private static final String DIR = "/io/postcopysim/scenarios/sweeps/";
  /** More cells than this is a typo in a list, not a study. */
  public static final int MAX_CELLS = 10_000;

  /** A varied key and its values, as written. */
  public record Axis(String path, List<String> values) {}

  /** One cell: its values (one per axis, as written) and its scenario. */
  public record Cell(int index, List<String> values, Scenario scenario) {
    /** {@code network.latency=10ms, vm.ram=8GiB}. */
    public String describe(List<Axis> axes) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < axes.size(); i++) {
        parts.add(axes.get(i).path() + "=" + values.get(i));
      }
      return String.join(", ", parts);
    }
  }

  private final String name;
  private final String source;
  private final List<Axis> axes;
  private final List<Cell> cells;

  private Sweep(String name, String source, List<Axis> axes, List<Cell> cells) {
    this.name = name;
    this.source = source;
    this.axes = List.copyOf(axes);
    this.cells = List.copyOf(cells);
  }

  public String name() {
    return name;
  }

  /** The sweep file, or {@code builtin:NAME.yaml}. */
  public String source() {
    return source;
  }

  public List<Axis> axes() {
    return axes;
  }

  public List<Cell> cells() {
    return cells;
  }

  /** The built-in sweeps, in the order {@code pcsim list} shows them. */
  public static List<String> names() {
    return builtin("index.txt").orElseThrow().lines().filter(l -> !l.isBlank()).toList();
  }

  /** The first sentence of a built-in sweep's leading comment. */
  public static String summary(String name) {
    String comment = String.join(" ", builtin(name + ".yaml").orElseThrow().lines()
        .takeWhile(l -> l.startsWith("#")).map(l -> l.replaceFirst("^#\\s?", "")).toList())
        .replaceFirst("^" + name + ": ", "");
    int end = comment.indexOf(". ");
    return end < 0 ? comment : comment.substring(0, end + 1);
  }

  /** A sweep file, or the name of a built-in sweep. */
  public static Sweep load(String arg) {
    Path file = Path.of(arg);
    if (!Files.exists(file) && names().contains(arg)) {
      return parse(builtin(arg + ".yaml").orElseThrow(), "builtin:" + arg + ".yaml", null);
    }
    if (!Files.exists(file)) {
      throw new ScenarioException(arg, 0, 0, "", "no such sweep file, nor a built-in sweep"
          + " (there are " + String.join(", ", names()) + ")");
    }
    return parse(ScenarioLoader.readText(file), arg, file.toAbsolutePath().getParent());
  }

  private static Optional<String> builtin(String file) {
    try (InputStream in = Sweep.class.getResourceAsStream(DIR + file)) {
      return in == null ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a sweep's text and every cell of it.
   *
   * @param dir where a base file is looked up; null for a built-in sweep (built-in bases only)
   */
  public static Sweep parse(String text, String file, Path dir) {
    MapNode root = YamlTree.parse(text, file);
    Section top = new Section(file, "", root);
    Section sweep = top.section("sweep");
    if (top.raw("sweep") == null) {
      throw new ScenarioException(file, root.line(), root.column(), "sweep",
          "a sweep file is a mapping under 'sweep:' (name, base, vary, set)");
    }
    String name = sweep.text("name", Path.of(file).getFileName().toString()
        .replaceFirst("\\.ya?ml$", ""));
    Node baseNode = sweep.raw("base");
    String base = sweep.text("base", "default");
    List<Entry> vary = entries(sweep, "vary", true);
    List<Entry> set = entries(sweep, "set", false);
    sweep.done();
    top.done();
    List<Axis> axes = new ArrayList<>();
    for (Entry e : vary) {
      axes.add(new Axis(e.key(), values(file, e)));
    }
    check(file, vary, set, axes);
    Base b = base(file, baseNode, base, dir);
    MapNode fixed = b.tree();
    for (Entry e : set) {
      fixed = YamlTree.with(fixed, e.key(), YamlTree.rehome(e.value(), file));
    }
    List<Cell> cells = new ArrayList<>();
    int count = axes.stream().mapToInt(a -> a.values().size()).reduce(1, Math::multiplyExact);
    for (int c = 0; c < count; c++) {
      cells.add(cell(file, b.file(), fixed, vary, axes, c));
    }
    return new Sweep(name, file, axes, cells);
  }

  private record Base(MapNode tree, String file) {}

  private static Base base(String file, Node at, String base, Path dir) {
    boolean isFile = base.endsWith(".yaml") || base.endsWith(".yml") || base.contains("/");
    if (!isFile) {
      String text = Catalog.text(base).orElseThrow(() -> new ScenarioException(
          YamlTree.fileOf(at, file), at == null ? 0 : at.line(), at == null ? 0 : at.column(),
          "sweep.base", "no built-in scenario '" + base + "' (there are "
              + String.join(", ", Catalog.names()) + "; a file ends in .yaml)"));
      String label = "builtin:" + base + ".yaml";
      return new Base(YamlTree.parse(text, label), label);
    }
    if (dir == null) {
      throw new ScenarioException(file, at.line(), at.column(), "sweep.base",
          "a built-in sweep's base is a built-in scenario");
    }
    Path path = dir.resolve(base);
    if (!Files.exists(path)) {
      throw new ScenarioException(file, at.line(), at.column(), "sweep.base",
          "no such scenario file: " + path);
    }
    return new Base(YamlTree.parse(ScenarioLoader.readText(path), path.toString()),
        path.toString());
  }

  private static List<Entry> entries(Section sweep, String key, boolean required) {
    Node n = sweep.raw(key);
    if (n == null && !required) {
      return List.of();
    }
    if (!(n instanceof MapNode m) || m.entries().isEmpty()) {
      throw sweep.error(n, key, "expected a mapping of scenario keys (network.latency: ...)"
          + (required ? "; a sweep varies at least one key" : ""));
    }
    return List.copyOf(m.entries().values());
  }

  private static List<String> values(String file, Entry e) {
    if (!(e.value() instanceof ListNode list) || list.items().isEmpty()) {
      throw new ScenarioException(file, e.line(), e.column(), "sweep.vary." + e.key(),
          "expected a non-empty list of values, like [1ms, 10ms]");
    }
    List<String> texts = new ArrayList<>();
    for (Node item : list.items()) {
      String t = text(item);
      if (texts.contains(t)) {
        throw new ScenarioException(file, item.line(), item.column(), "sweep.vary." + e.key(),
            "'" + t + "' is listed twice");
      }
      texts.add(t);
    }
    return texts;
  }

  /** A value as written: a scalar's text, a list as {@code [a, b]}. */
  static String text(Node n) {
    if (n instanceof Scalar s) {
      return s.text();
    }
    if (n instanceof ListNode l) {
      return l.items().stream().map(Sweep::text).collect(Collectors.joining(", ", "[", "]"));
    }
    return ((MapNode) n).entries().values().stream().map(e -> e.key() + ": " + text(e.value()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** Every path a scenario key, none both varied and set, not too many cells. */
  private static void check(String file, List<Entry> vary, List<Entry> set, List<Axis> axes) {
    List<Entry> all = new ArrayList<>(vary);
    all.addAll(set);
    for (Entry e : all) {
      String where = (vary.contains(e) ? "sweep.vary." : "sweep.set.") + e.key();
      if (ScenarioKeys.find(e.key()) == null) {
        String near = Suggest.closest(e.key(), ScenarioKeys.paths());
        throw new ScenarioException(file, e.line(), e.column(), where, "not a scenario key"
            + (near == null ? "" : ", did you mean '" + near + "'?")
            + " (a dotted path such as network.latency; see docs/DESIGN.md §4)");
      }
      if (set.contains(e) && vary.stream().anyMatch(v -> v.key().equals(e.key()))) {
        throw new ScenarioException(file, e.line(), e.column(), where, "both varied and set");
      }
    }
    long count = 1;
    for (Axis a : axes) {
      count *= a.values().size();
      if (count > MAX_CELLS) {
        throw new ScenarioException(file, vary.get(0).line(), vary.get(0).column(),
            "sweep.vary", "more than " + MAX_CELLS + " cells");
      }
    }
  }

  /** Cell {@code c}: the base with the set keys and the cell's values, read as a scenario. */
  private static Cell cell(String file, String baseFile, MapNode fixed, List<Entry> vary,
      List<Axis> axes, int c) {
    MapNode tree = fixed;
    List<String> values = new ArrayList<>();
    int rest = c;
    int[] pick = new int[axes.size()];
    for (int i = axes.size() - 1; i >= 0; i--) {
      int n = axes.get(i).values().size();
      pick[i] = rest % n;
      rest /= n;
    }
    for (int i = 0; i < axes.size(); i++) {
      Node v = ((ListNode) vary.get(i).value()).items().get(pick[i]);
      tree = YamlTree.with(tree, axes.get(i).path(), YamlTree.rehome(v, file));
      values.add(axes.get(i).values().get(pick[i]));
    }
    Cell draft = new Cell(c, values, null);
    try {
      return new Cell(c, values, ScenarioLoader.parse(tree, baseFile));
    } catch (ScenarioException e) {
      throw new ScenarioException(e.file(), e.line(), e.column(), e.key(), "in sweep cell " + c
          + " (" + draft.describe(axes) + "): " + e.getMessage());
    } catch (io.postcopysim.core.kernel.UnrunnableScenario e) {
      throw new io.postcopysim.core.kernel.UnrunnableScenario(file + ": sweep cell " + c + " ("
          + draft.describe(axes) + "): " + e.getMessage());
    }
  }

  /** What a checkpoint or a shard must match: every cell's resolved scenario, and the grid. */
  public String fingerprint() {
    StringBuilder b = new StringBuilder(name).append('|');
    for (Axis a : axes) {
      b.append(a.path()).append('=').append(a.values()).append('|');
    }
    for (Cell c : cells) {
      Map<String, Object> r = c.scenario().resolved();
      b.append(r).append('|');
    }
    return CasesCsv.hex(io.postcopysim.core.kernel.Hashing.text(b.toString()));
  }
}
