package io.postcopysim.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The built-in scenarios, shipped as resources (each file says what it shows). */
public final class Catalog {
  private static final String DIR = "/io/postcopysim/scenarios/catalog/";

  private Catalog() {}

  public static List<String> names() {
    return read("index.txt").orElseThrow().lines().filter(l -> !l.isBlank()).toList();
  }

  /** The file's text, or empty when there is no such built-in scenario. */
  public static Optional<String> text(String name) {
    if (!names().contains(name)) {
      return Optional.empty();
    }
    return read(name + ".yaml");
  }

  /** The first sentence of the file's leading comment: what the scenario shows. */
  public static String summary(String name) {
    String comment = String.join(" ", text(name).orElseThrow().lines()
        .takeWhile(l -> l.startsWith("#")).map(l -> l.replaceFirst("^#\\s?", "")).toList())
        .replaceFirst("^" + name + ": ", "");
    int end = comment.indexOf(". ");
    return end < 0 ? comment : comment.substring(0, end + 1);
  }

  public static Scenario load(String name) {
    String text = text(name).orElseThrow(() -> new ScenarioException("builtin:" + name, 0, 0, "",
        "no built-in scenario '" + name + "' (there are " + String.join(", ", names()) + ")"));
    return ScenarioLoader.parse(text, "builtin:" + name + ".yaml");
  }

  private static Optional<String> read(String file) {
    try (InputStream in = Catalog.class.getResourceAsStream(DIR + file)) {
      return in == null ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
