package io.postcopysim.cli;

import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.scenarios.Shard;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Checks of command-line values, each failing as a picocli parameter error (one line, exit 2),
 * so that only model bugs reach the generic handler.
 */
final class Flags {
  private final CommandLine cmd;

  Flags(CommandLine cmd) {
    this.cmd = cmd;
  }

  ParameterException error(String message) {
    return new ParameterException(cmd, message);
  }

  /** An output folder: not empty (that would write into the current directory). */
  Path outDir(String option, String value) {
    if (value == null || value.isBlank()) {
      throw error(option + " must name a directory (an empty value would write into the"
          + " current directory; say . if that is meant)");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw error(option + ": not a usable path: " + e.getMessage());
    }
  }

  Shard shard(String text) {
    try {
      return Shard.parse(text);
    } catch (IllegalArgumentException e) {
      throw error("--shard: " + e.getMessage());
    }
  }

  /** The names, refusing one given twice (it would run and count every case twice). */
  List<String> distinct(String option, List<String> names) {
    Set<String> seen = new LinkedHashSet<>();
    for (String n : names) {
      if (!seen.add(n.trim().toUpperCase(Locale.ROOT).replace('-', '_'))) {
        throw error(option + " lists '" + n + "' twice");
      }
    }
    return names;
  }

  Variant variant(String name) {
    return variant(name, List.of());
  }

  /** A built-in or one of the scenario's variants (its designs included), by name. */
  Variant variant(String name, List<Variant> scenarios) {
    String wanted = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Variant v : scenarios) {
      if (v.name().equals(wanted)) {
        return v;
      }
    }
    List<String> known = new java.util.ArrayList<>(Variants.all().stream().map(Variant::name)
        .toList());
    scenarios.stream().map(Variant::name).filter(n -> !known.contains(n)).forEach(known::add);
    return Variants.byName(name.trim()).orElseThrow(() -> error("unknown variant '" + name
        + "' (known: " + known + ")"));
  }

  /** An enum constant by name (any case, '-' for '_'), or an error listing the known ones. */
  <E extends Enum<E>> E constant(Class<E> type, String name, String what) {
    try {
      return Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw error("unknown " + what + " '" + name + "' (known: "
          + Arrays.toString(type.getEnumConstants()) + ")");
    }
  }
}
