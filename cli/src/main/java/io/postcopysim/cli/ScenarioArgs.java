package io.postcopysim.cli;

import io.postcopysim.scenarios.Catalog;
import io.postcopysim.scenarios.Scenario;
import io.postcopysim.scenarios.ScenarioException;
import io.postcopysim.scenarios.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Turns command-line scenario arguments into scenarios: a file, a directory of them, a built-in. */
final class ScenarioArgs {
  private ScenarioArgs() {}

  /** A scenario with the argument that names it (for replay commands in reports). */
  record Named(String arg, Scenario scenario) {}

  static List<Named> resolve(List<String> args) {
    List<Named> out = new ArrayList<>();
    if (args == null || args.isEmpty()) {
      out.add(new Named("default", Catalog.load("default")));
      return out;
    }
    for (String a : args) {
      Path p = Path.of(a);
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.list(p)) {
          List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")
              || f.toString().endsWith(".yml")).sorted().toList();
          if (yaml.isEmpty()) {
            throw new ScenarioException(a, 0, 0, "", "no .yaml scenario in this directory");
          }
          for (Path f : yaml) {
            out.add(new Named(f.toString(), ScenarioLoader.load(f)));
          }
        } catch (IOException e) {
          throw new ScenarioException(a, 0, 0, "", "cannot list: " + e.getMessage());
        }
      } else if (Files.exists(p)) {
        out.add(new Named(a, ScenarioLoader.load(p)));
      } else if (Catalog.text(a).isPresent()) {
        out.add(new Named(a, Catalog.load(a)));
      } else {
        throw new ScenarioException(a, 0, 0, "", "no such file, and no built-in scenario of that"
            + " name (built-in: " + String.join(", ", Catalog.names()) + ")");
      }
    }
    return out;
  }

  /**
   * Several scenarios write to one subdirectory each, named by the scenario: two of one name
   * would overwrite each other.
   */
  static void requireDistinctNames(List<Named> named) {
    java.util.Map<String, Named> seen = new java.util.HashMap<>();
    for (Named n : named) {
      Named before = seen.putIfAbsent(n.scenario().name(), n);
      if (before != null && named.size() > 1) {
        throw new ScenarioException(n.arg(), 0, 0, "name", "'" + n.scenario().name()
            + "' is also the name of " + before.arg() + ": each scenario of a run writes to"
            + " the folder of its name, so names must differ");
      }
    }
  }

  static Named one(String arg) {
    return resolve(List.of(arg)).get(0);
  }
}
