package io.postcopysim.core.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The record of a run: every processed event as (index, time, host, label), folded into a 64-bit
 * hash, and kept in full when asked. Two runs with equal hashes processed the same events at the
 * same virtual times, in the same order.
 */
public final class Trace {
  private static final long SEED = 0x70637369_6d000001L; // "pcsim" + version of the hash format

  private final TraceMode mode;
  private long hash = SEED;
  private long count;
  private long[] times;
  private int[] hosts;
  private int[] labels;

  public Trace(TraceMode mode) {
    this.mode = mode;
    if (mode == TraceMode.FULL) {
      times = new long[256];
      hosts = new int[256];
      labels = new int[256];
    }
  }

  /** A copy that goes on from the same hash (FULL traces keep their events too). */
  Trace copy() {
    Trace c = new Trace(TraceMode.HASH_ONLY);
    c.hash = hash;
    c.count = count;
    if (mode == TraceMode.FULL) {
      throw new IllegalStateException("forking keeps only trace hashes");
    }
    return c;
  }

  /** Records the next event; its index is the number of events recorded before it. */
  void record(long time, int host, int label) {
    long h = Hashing.fold(hash, time);
    h = Hashing.fold(h, host);
    hash = Hashing.fold(h, Labels.hash(label));
    if (mode == TraceMode.FULL) {
      int i = Math.toIntExact(count);
      if (i == times.length) {
        times = Arrays.copyOf(times, i * 2);
        hosts = Arrays.copyOf(hosts, i * 2);
        labels = Arrays.copyOf(labels, i * 2);
      }
      times[i] = time;
      hosts[i] = host;
      labels[i] = label;
    }
    count++;
  }

  public TraceMode mode() {
    return mode;
  }

  public long hash() {
    return hash;
  }

  /** Number of events recorded. */
  public long size() {
    return count;
  }

  /** The recorded events; only in {@link TraceMode#FULL}. */
  public List<TraceEvent> events() {
    if (mode != TraceMode.FULL) {
      throw new IllegalStateException("trace kept only its hash");
    }
    int n = Math.toIntExact(count);
    List<TraceEvent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new TraceEvent(i, times[i], hosts[i], Labels.name(labels[i])));
    }
    return out;
  }

  /** One recorded event. */
  public record TraceEvent(long index, long time, int host, String label) {}
}
