package io.postcopysim.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the lab's {@code ss.log} says about the source's socket of the migration stream (the one
 * that sent the most): the window the destination last advertised, and how fast the stream went,
 * both read at the first sample after the fault. After a cut of the way back no ack comes, so
 * that {@code snd_wnd} is the window the source last heard of: what the model's
 * {@code network.tcp.receive-window} stands for. Linux sizes it by how fast the destination
 * copies (tcp_rcvbuf autotuning), and it differs from run to run (7.2 read 38912, 50176 and
 * 327680 B in three runs), so an uncapped experiment's scenario takes its own run's.
 *
 * @param window snd_wnd in bytes
 * @param bitsPerSecond bytes sent by then over the time from the source's active to the fault,
 *     in bits
 */
record SocketLog(long window, long bitsPerSecond) {
  private static final Pattern SENT = Pattern.compile("bytes_sent:(\\d+)");
  private static final Pattern WINDOW = Pattern.compile("snd_wnd:(\\d+)");

  /** {bytes_sent, snd_wnd or -1} of the sample's socket that sent the most. */
  private static long[] sourceOfSample(List<String> lines, int from) {
    long[] best = {-1, -1};
    for (int i = from; i < lines.size() && !lines.get(i).startsWith("@"); i++) {
      if (lines.get(i).startsWith("ESTAB") && i + 1 < lines.size()) {
        Matcher s = SENT.matcher(lines.get(i + 1));
        if (s.find() && Long.parseLong(s.group(1)) > best[0]) {
          Matcher w = WINDOW.matcher(lines.get(i + 1));
          best = new long[] {Long.parseLong(s.group(1)), w.find() ? Long.parseLong(w.group(1)) : -1};
        }
      }
    }
    return best;
  }

  /**
   * The same, for an observation (the lab's facts: {@code fault_at_ms}, and the source's
   * {@code active} event among its {@code events}), or null when it lacks either.
   */
  static SocketLog read(Path ssLog, com.fasterxml.jackson.databind.JsonNode obs)
      throws IOException {
    long fault = obs.path("fault_at_ms").asLong(-1);
    for (com.fasterxml.jackson.databind.JsonNode ev : obs.path("events")) {
      if ("src".equals(ev.path("side").asText())
          && "active".equals(ev.path("data").path("status").asText())) {
        return read(ssLog, fault, fault + Math.round(ev.path("rel_ms").asDouble()));
      }
    }
    return null;
  }

  /**
   * Reads the first of the three samples after {@code faultAtMs} (epoch ms, the lab's clock)
   * that shows the source's window, or null (ss leaves it out of a socket with a zero window).
   *
   * @param activeAtMs when the source reported active (epoch ms)
   */
  static SocketLog read(Path ssLog, long faultAtMs, long activeAtMs) throws IOException {
    if (!Files.exists(ssLog) || faultAtMs < 0) {
      return null;
    }
    List<String> lines = Files.readAllLines(ssLog);
    long at = -1;
    long bestSent = -1;
    long bestWindow = -1;
    // Per sample after the fault, the socket that sent the most is the source's; ss leaves
    // snd_wnd out of some samples, and the window is frozen after the cut: the first that has it.
    int after = 0;
    for (int i = 0; i < lines.size() && bestWindow < 0 && after < 3; i++) {
      String l = lines.get(i);
      if (l.startsWith("@")) {
        at = Long.parseLong(l.substring(1).strip());
        if (at < faultAtMs) {
          continue;
        }
        after++; // three samples at most: later the source may have closed its socket
        long[] source = sourceOfSample(lines, i + 1);
        if (source[1] > 0) {
          bestSent = source[0];
          bestWindow = source[1];
        }
      }
    }
    if (bestWindow <= 0 || faultAtMs <= activeAtMs) {
      return null;
    }
    // After the cut at most a window more leaves: the bytes are the fault's, give or take it.
    return new SocketLog(bestWindow, bestSent * 8 * 1000 / (faultAtMs - activeAtMs));
  }
}
