package io.postcopysim.scenarios;

/**
 * A scenario that cannot be used, with where and why: {@code file:line:column: key: message}.
 * The CLI prints it and exits with status 2.
 */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int column;
  private final String key;

  public ScenarioException(String file, int line, int column, String key, String message) {
    super(message);
    this.file = file;
    this.line = line;
    this.column = column;
    this.key = key;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** The dotted key path ({@code vm.ram}), or empty for the file as a whole. */
  public String key() {
    return key;
  }

  /** {@code scenario.yaml:3:8: vm.ram: '4GB/s' is not a size like 4GiB}. */
  public String describe() {
    StringBuilder b = new StringBuilder(file);
    if (line > 0) {
      b.append(':').append(line).append(':').append(column);
    }
    b.append(": ");
    if (!key.isEmpty()) {
      b.append(key).append(": ");
    }
    return b.append(getMessage()).toString();
  }
}
