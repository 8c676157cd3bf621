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

  /** A value with its position; maps keep their keys' positions and order. */
  sealed interface Node permits Scalar, MapNode, ListNode {
    int line();

    int column();
  }

  record Scalar(Object value, int line, int column) implements Node {
    String text() {
      return value == null ? "null" : value.toString();
    }
  }

  record Entry(String key, int line, int column, Node value) {}

  record MapNode(Map<String, Entry> entries, int line, int column) implements Node {}

  record ListNode(List<Node> items, int line, int column) implements Node {}

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
