package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.Time;

/**
 * QEMU's rate limit ({@code migration_rate_limit}, {@code migration_update_counters} in
 * migration.c, {@code migration_rate_exceeded} in migration-stats.c): each 100 ms window
 * ({@code BUFFER_DELAY}) may carry a tenth of the rate ({@code XFER_LIMIT_RATIO}); every byte
 * the migration thread writes counts, also those written while the limit was off (the
 * switchover's package); once a window's budget is spent the thread sleeps to the window's end,
 * and a window that has run its 100 ms starts anew. A value the source's state holds.
 *
 * @param windowStart when the current window began
 * @param used bytes written in it
 */
record RateLimit(long windowStart, long used) {
  static final RateLimit START = new RateLimit(0, 0);
  static final long WINDOW = Time.millis(100);
  private static final long WINDOWS_PER_SECOND = Time.SECOND / WINDOW;

  RateLimit account(long bytes) {
    return new RateLimit(windowStart, used + bytes);
  }

  /** The window at {@code now}: this one, or a fresh one once this one has run 100 ms. */
  RateLimit at(long now) {
    return now - windowStart >= WINDOW ? new RateLimit(now, 0) : this;
  }

  /** What one window may carry at {@code bitsPerSecond}. */
  static long budget(long bitsPerSecond) {
    return Math.max(1, bitsPerSecond / 8 / WINDOWS_PER_SECOND);
  }

  /** Bytes this window still allows. */
  long left(long bitsPerSecond) {
    return Math.max(0, budget(bitsPerSecond) - used);
  }

  /** How long the thread sleeps at {@code now}: to this window's end once its budget is spent. */
  long sleep(long now, long bitsPerSecond) {
    return used >= budget(bitsPerSecond) ? windowStart + WINDOW - now : 0;
  }
}
