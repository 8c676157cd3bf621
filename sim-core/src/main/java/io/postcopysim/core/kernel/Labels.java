package io.postcopysim.core.kernel;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Interned event labels ("dst:recv:MIG_CMD_PACKAGED"). A label is interned once, by the model's
 * constructors, and events carry its int id. Ids depend on interning order, which can differ
 * between threads, so nothing persistent uses them: the trace hash folds a 64-bit hash of the
 * label's text, which is the same on every machine and in every run.
 */
public final class Labels {
  private static final ConcurrentHashMap<String, Integer> IDS = new ConcurrentHashMap<>();
  private static volatile String[] names = new String[64];
  private static volatile long[] hashes = new long[64];
  private static int count;

  /** The label with id 0: events scheduled without a label. */
  public static final int NONE = intern("-");

  private Labels() {}

  public static int intern(String name) {
    Integer id = IDS.get(name);
    if (id != null) {
      return id;
    }
    synchronized (Labels.class) {
      id = IDS.get(name);
      if (id != null) {
        return id;
      }
      int next = count;
      if (next == names.length) {
        // Publish the grown arrays before the new id becomes visible through IDS.
        names = Arrays.copyOf(names, next * 2);
        hashes = Arrays.copyOf(hashes, next * 2);
      }
      names[next] = name;
      hashes[next] = Hashing.text(name);
      count = next + 1;
      IDS.put(name, next);
      return next;
    }
  }

  public static String name(int id) {
    return names[id];
  }

  /** A stable 64-bit hash of the label's text. */
  public static long hash(int id) {
    return hashes[id];
  }
}
