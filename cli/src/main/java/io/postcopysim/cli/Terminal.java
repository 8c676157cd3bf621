package io.postcopysim.cli;

/**
 * Text from files and arguments on its way to a terminal: control characters (ANSI escapes
 * among them) shown as {@code \\uXXXX} so a scenario cannot repaint or retitle the user's
 * terminal; and shell quoting for commands the user is meant to copy.
 */
final class Terminal {
  private Terminal() {}

  static String safe(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c) && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1)))
          && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
