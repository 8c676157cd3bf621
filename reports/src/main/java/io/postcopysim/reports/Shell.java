package io.postcopysim.reports;

import java.util.regex.Pattern;

/** POSIX shell quoting for commands a reader copies: a path with spaces or $ stays one word. */
public final class Shell {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./@+=:,-]+");

  private Shell() {}

  /** The word unchanged when the shell would read it as is, otherwise in single quotes. */
  public static String quote(String word) {
    if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
