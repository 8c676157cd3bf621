package io.postcopysim.cli;

import io.postcopysim.scenarios.BatchRunner;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on stderr for runs over a second: a redrawn bar on a terminal, a plain line every few
 * seconds otherwise (CI logs). Wall-clock time is used here only, never in a simulation.
 */
final class ProgressBar implements BatchRunner.Progress {
  private final PrintWriter err;
  private final boolean terminal;
  private final String label;
  private final long start = System.nanoTime(); // wall-clock-ok
  private long lastPrint;
  private boolean printed;
  private long lastDone;

  ProgressBar(PrintWriter err, boolean terminal, String label) {
    this.err = err;
    this.terminal = terminal;
    this.label = label;
  }

  @Override
  public synchronized void update(long done, long total) {
    long now = System.nanoTime(); // wall-clock-ok
    lastDone = done;
    if (now - start < 1_000_000_000L
        || now - lastPrint < (terminal ? 100_000_000L : 5_000_000_000L)) {
      return;
    }
    print(now, done, total);
  }

  private void print(long now, long done, long total) {
    lastPrint = now;
    double rate = done / ((now - start) / 1e9);
    String line;
    if (total < 0) {
      line = String.format(Locale.ROOT, "%s %d cases  %.0f/s", label, done, rate);
    } else {
      long eta = rate > 0 ? Math.round(Math.max(0, total - done) / rate) : 0;
      line = String.format(Locale.ROOT, "%s %d/%d cases  %.0f/s  ETA %ds", label, done, total,
          rate, eta);
    }
    if (terminal) {
      int width = 30;
      String bar = total < 0 ? "" : "[" + "#".repeat((int) Math.min(width,
          width * done / Math.max(1, total))) + ".".repeat(width - (int) Math.min(width,
          width * done / Math.max(1, total))) + "] ";
      err.print("\r" + bar + line);
    } else {
      err.println(line);
    }
    err.flush();
    printed = true;
  }

  /** The last line, once, for runs that showed progress at all. */
  synchronized void finish() {
    if (printed) {
      print(System.nanoTime(), lastDone, lastDone); // wall-clock-ok
      if (terminal) {
        err.println();
        err.flush();
      }
    }
  }
}
