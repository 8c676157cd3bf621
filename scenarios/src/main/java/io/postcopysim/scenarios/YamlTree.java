package io.postcopysim.scenarios;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read with Jackson's streaming parser into a tree that remembers where each
 * key and value stood, so every error can name its line and column.
 */
final class YamlTree {
  private YamlTree() {}

  /**
   * A value with its position; maps keep their keys' positions and order. {@code origin} is
   * the file a node came from when it is not the document's own (a sweep's value placed into
   * its base scenario), or null.
   */
  sealed interface Node permits Scalar, MapNode, ListNode {
    int line();

    int column();

    String origin();
  }

  record Scalar(Object value, int line, int column, String origin) implements Node {
    Scalar(Object value, int line, int column) {
      this(value, line, column, null);
    }

    String text() {
      return value == null ? "null" : value.toString();
    }
  }

  record Entry(String key, int line, int column, Node value) {}

  record MapNode(Map<String, Entry> entries, int line, int column, String origin)
      implements Node {
    MapNode(Map<String, Entry> entries, int line, int column) {
      this(entries, line, column, null);
    }
  }

  record ListNode(List<Node> items, int line, int column, String origin) implements Node {
    ListNode(List<Node> items, int line, int column) {
      this(items, line, column, null);
    }
  }

  /** The file a node came from: its origin, or {@code file} (the document's). */
  static String fileOf(Node at, String file) {
    return at != null && at.origin() != null ? at.origin() : file;
  }

  /** A copy of {@code n} that says it came from {@code origin}, all the way down. */
  static Node rehome(Node n, String origin) {
    if (n instanceof Scalar s) {
      return new Scalar(s.value(), s.line(), s.column(), origin);
    }
    if (n instanceof ListNode l) {
      return new ListNode(l.items().stream().map(i -> rehome(i, origin)).toList(), l.line(),
          l.column(), origin);
    }
    MapNode m = (MapNode) n;
    Map<String, Entry> entries = new LinkedHashMap<>();
    m.entries().forEach((k, e) -> entries.put(k, new Entry(k, e.line(), e.column(),
        rehome(e.value(), origin))));
    return new MapNode(entries, m.line(), m.column(), origin);
  }

  /**
   * {@code root} with the value at a dotted {@code path} replaced by {@code value} (positioned
   * in its own file), creating the sections on the way; {@code root} itself is not changed.
   */
  static MapNode with(MapNode root, String path, Node value) {
    int dot = path.indexOf('.');
    String key = dot < 0 ? path : path.substring(0, dot);
    Map<String, Entry> entries = new LinkedHashMap<>(root.entries());
    Node replaced;
    if (dot < 0) {
      replaced = value;
    } else {
      Entry old = root.entries().get(key);
      MapNode inner = old != null && old.value() instanceof MapNode m ? m
          : new MapNode(Map.of(), value.line(), value.column(), value.origin());
      replaced = with(inner, path.substring(dot + 1), value);
    }
    Entry old = root.entries().get(key);
    entries.put(key, old != null ? new Entry(key, old.line(), old.column(), replaced)
        : new Entry(key, value.line(), value.column(), replaced));
    return new MapNode(entries, root.line(), root.column(), root.origin());
  }

  static MapNode parse(String text, String file) {
    if (text.isBlank()) {
      throw new ScenarioException(file, 0, 0, "", "the file is empty: a scenario is a YAML"
          + " mapping (see ./pcsim list for the built-in ones)");
    }
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        JsonLocation at = p.currentTokenLocation();
        throw new ScenarioException(file, at.getLineNr(), at.getColumnNr(), "",
            "a scenario is a YAML mapping of keys (name, seed, vm, network, migration, faults),"
                + " not " + describe(t));
      }
      MapNode root = (MapNode) read(p, file, "");
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        throw new ScenarioException(file, at.getLineNr(), at.getColumnNr(), "",
            "more than one YAML document: put one scenario per file");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String why = e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
      throw new ScenarioException(file, at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr(), "", "not valid YAML: " + why);
    } catch (IOException e) {
      throw new ScenarioException(file, 0, 0, "", "cannot read: " + e.getMessage());
    }
  }

  private static Node read(JsonParser p, String file, String path) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int col = at.getColumnNr();
    switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          JsonLocation k = p.currentTokenLocation();
          String key = p.currentName();
          String keyPath = path.isEmpty() ? key : path + "." + key;
          p.nextToken();
          Node value = read(p, file, keyPath);
          if (entries.containsKey(key)) {
            throw new ScenarioException(file, k.getLineNr(), k.getColumnNr(), keyPath,
                "duplicate key (first at line " + entries.get(key).line() + ")");
          }
          entries.put(key, new Entry(key, k.getLineNr(), k.getColumnNr(), value));
        }
        return new MapNode(entries, line, col);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p, file, path));
        }
        return new ListNode(items, line, col);
      }
      case VALUE_STRING -> {
        return new Scalar(p.getText(), line, col);
      }
      case VALUE_NUMBER_INT -> {
        return new Scalar(p.getNumberValue(), line, col);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new Scalar(p.getDoubleValue(), line, col);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new Scalar(p.getBooleanValue(), line, col);
      }
      case VALUE_NULL -> {
        return new Scalar(null, line, col);
      }
      default -> throw new ScenarioException(file, line, col, path,
          "unexpected " + describe(p.currentToken()));
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a plain text";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.name();
    };
  }
}
