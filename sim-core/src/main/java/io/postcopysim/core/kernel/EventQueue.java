package io.postcopysim.core.kernel;

import java.util.Arrays;

/**
 * The pending-event set: a monotone radix heap over (time, insertion sequence), with
 * cancellable entries and no allocation in steady state.
 *
 * <p>Why a radix heap: a discrete-event simulation never schedules before the current time, so
 * keys only grow. A radix heap keeps entries in 65 buckets by the highest bit in which their time
 * differs from the last extracted minimum; popping scans one bucket and moves its entries to
 * lower buckets. Every entry moves down at most 64 times and the buckets are appended and scanned
 * sequentially, which is what makes it fast for the large queues of an enumeration, where a
 * binary heap pays a cache miss per level.
 *
 * <p>Why ordering is FIFO among equal times without storing or comparing a sequence number: the
 * bucket of an entry is a function of its time (and the last minimum), so all entries of one time
 * always sit in the same bucket; appends come in insertion order and a redistribution keeps the
 * relative order of the entries it moves. Bucket 0 (time == last minimum) is popped from its head.
 *
 * <p>Entries are identified by slots; the caller owns the payload of a slot in its own parallel
 * arrays (see {@link Simulation}). A handle packs (generation, slot) so that cancelling a timer
 * that already fired, or whose slot was reused, is a harmless no-op.
 */
public final class EventQueue {
  private static final int BUCKETS = 65;
  private static final byte FREE = 0;
  private static final byte PENDING = 1;
  private static final byte CANCELLED = 2;
  private static final byte POPPED = 3;

  private final long[][] bucketTime = new long[BUCKETS][];
  private final int[][] bucketSlot = new int[BUCKETS][];
  private final int[] bucketSize = new int[BUCKETS];
  /** Bucket 0 is consumed from its head; the others are redistributed whole. */
  private int head0;
  /** Bit i set when bucket i may hold entries (cancelled ones included). */
  private long nonEmpty;
  private long last;

  private byte[] slotState;
  private int[] slotGeneration;
  private int[] freeSlots;
  private int freeCount;
  private int slotCount;

  private int live;
  private long lastPoppedTime;

  public EventQueue() {
    this(16);
  }

  public EventQueue(int initialCapacity) {
    int capacity = Math.max(4, initialCapacity);
    // Buckets have no array until first used (null): most of the 65 are never touched, and a
    // fork copies only the ones in use.
    slotState = new byte[capacity];
    slotGeneration = new int[capacity];
    freeSlots = new int[capacity];
  }

  /** An exact copy: same entries, slots, generations and order (for forking a simulation). */
  public EventQueue copy() {
    return new EventQueue(this);
  }

  /** See {@link #copy()}. */
  private EventQueue(EventQueue o) {
    // Only buckets marked non-empty can hold entries (a bucket's size and bit are cleared
    // together); the rest stay null, with no reference store per bucket.
    for (long bits = o.nonEmpty; bits != 0; bits &= bits - 1) {
      int b = Long.numberOfTrailingZeros(bits);
      int used = o.bucketSize[b];
      if (used > 0) {
        bucketTime[b] = Arrays.copyOf(o.bucketTime[b], used);
        bucketSlot[b] = Arrays.copyOf(o.bucketSlot[b], used);
      }
    }
    System.arraycopy(o.bucketSize, 0, bucketSize, 0, BUCKETS);
    head0 = o.head0;
    nonEmpty = o.nonEmpty;
    last = o.last;
    // Slots past slotCount were never used (free, generation 0, on no free list), so a copy
    // needs only the used ones: a fork's queue holds a few events, its original's capacity 64.
    int capacity = Math.max(8, o.slotCount);
    slotState = Arrays.copyOf(o.slotState, capacity);
    slotGeneration = Arrays.copyOf(o.slotGeneration, capacity);
    freeSlots = Arrays.copyOf(o.freeSlots, capacity);
    freeCount = o.freeCount;
    slotCount = o.slotCount;
    live = o.live;
    lastPoppedTime = o.lastPoppedTime;
  }

  /** Number of pending (not cancelled, not popped) entries. */
  public int size() {
    return live;
  }

  public boolean isEmpty() {
    return live == 0;
  }

  /** Highest slot index ever used plus one: the length the caller's payload arrays need. */
  public int slotCapacity() {
    return slotState.length;
  }

  /**
   * Adds an entry at {@code time}; returns its handle. {@code time} must not be before the time
   * of the last popped entry (the simulation's present).
   */
  public long push(long time) {
    if (time < lastPoppedTime) {
      throw new IllegalArgumentException(
          "event at " + time + " is before the present " + lastPoppedTime);
    }
    if (time < last) {
      // Only reachable after a peek moved the minimum beyond the present (a run that stopped at
      // its horizon and is then continued): re-key everything against the new minimum.
      rebase(time);
    }
    int slot = allocateSlot();
    slotState[slot] = PENDING;
    append(bucketOf(time), time, slot);
    live++;
    return handle(slot);
  }

  /** Cancels a pending entry; false when it already fired, was cancelled, or never existed. */
  public boolean cancel(long handle) {
    int slot = (int) handle;
    int generation = (int) (handle >>> 32);
    if (slot < 0 || slot >= slotCount || slotGeneration[slot] != generation) {
      return false;
    }
    if (slotState[slot] == POPPED) {
      // Popped but not yet released: an interceptor cancelling the event it stands before.
      slotState[slot] = CANCELLED;
      return true;
    }
    if (slotState[slot] != PENDING) {
      return false;
    }
    // The entry stays in its bucket and is dropped when a pop or redistribution reaches it.
    slotState[slot] = CANCELLED;
    live--;
    return true;
  }

  /** True when the handle names an entry that is still pending. */
  public boolean isPending(long handle) {
    int slot = (int) handle;
    return slot >= 0 && slot < slotCount
        && slotGeneration[slot] == (int) (handle >>> 32)
        && slotState[slot] == PENDING;
  }

  /** Time of the earliest pending entry; {@link Long#MAX_VALUE} when empty. */
  public long peekTime() {
    if (!settleMinimum()) {
      return Long.MAX_VALUE;
    }
    return last;
  }

  /**
   * Removes the earliest pending entry and returns its slot, or -1 when empty. The slot's payload
   * stays valid until {@link #release(int)}; its time is {@link #lastPoppedTime()}.
   */
  public int pop() {
    if (!settleMinimum()) {
      return -1;
    }
    int slot = bucketSlot[0][head0++];
    if (head0 == bucketSize[0]) {
      head0 = 0;
      bucketSize[0] = 0;
      nonEmpty &= ~1L;
    }
    assert slotState[slot] == PENDING;
    slotState[slot] = POPPED;
    live--;
    lastPoppedTime = last;
    return slot;
  }

  /**
   * Returns a popped slot to the free list; its handle becomes stale. Returns false when the slot
   * was cancelled between its pop and its release.
   */
  public boolean release(int slot) {
    assert slotState[slot] == POPPED || slotState[slot] == CANCELLED
        : "release of a slot that was not popped";
    boolean live = slotState[slot] == POPPED;
    freeSlot(slot);
    return live;
  }

  /** Time of the entry returned by the last {@link #pop()}. */
  public long lastPoppedTime() {
    return lastPoppedTime;
  }

  /** The handle of a slot as it is now (for a popped slot: the handle it had when pushed). */
  public long handle(int slot) {
    return ((long) slotGeneration[slot] << 32) | slot;
  }

  /** Drops every entry; slots and their generations are kept so old handles stay stale. */
  public void clear() {
    for (int b = 0; b < BUCKETS; b++) {
      int start = b == 0 ? head0 : 0;
      for (int i = start; i < bucketSize[b]; i++) {
        int slot = bucketSlot[b][i];
        if (slotState[slot] != FREE && slotState[slot] != POPPED) {
          freeSlot(slot);
        }
      }
      bucketSize[b] = 0;
    }
    head0 = 0;
    nonEmpty = 0;
    live = 0;
  }

  /**
   * Brings the minimum pending entry to the head of bucket 0, dropping cancelled entries on the
   * way. Returns false when nothing is pending.
   */
  private boolean settleMinimum() {
    while (true) {
      if ((nonEmpty & 1L) != 0) {
        long[] times = bucketTime[0];
        int[] slots = bucketSlot[0];
        int size = bucketSize[0];
        while (head0 < size && slotState[slots[head0]] == CANCELLED) {
          freeSlot(slots[head0]);
          head0++;
        }
        if (head0 < size) {
          assert times[head0] == last;
          return true;
        }
        head0 = 0;
        bucketSize[0] = 0;
        nonEmpty &= ~1L;
      }
      if (nonEmpty == 0) {
        return false;
      }
      redistribute(Long.numberOfTrailingZeros(nonEmpty));
    }
  }

  /** Moves bucket b (b > 0) down against its own minimum. */
  private void redistribute(int b) {
    long[] times = bucketTime[b];
    int[] slots = bucketSlot[b];
    int size = bucketSize[b];
    long min = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      if (slotState[slots[i]] == PENDING && times[i] < min) {
        min = times[i];
      }
    }
    bucketSize[b] = 0;
    nonEmpty &= ~(1L << b);
    if (min == Long.MAX_VALUE) {
      for (int i = 0; i < size; i++) {
        freeSlot(slots[i]);
      }
      return;
    }
    assert min >= last;
    last = min;
    for (int i = 0; i < size; i++) {
      int slot = slots[i];
      if (slotState[slot] == CANCELLED) {
        freeSlot(slot);
        continue;
      }
      long time = times[i];
      int target = bucketOf(time);
      assert target < b : "radix heap entries must move to a lower bucket";
      append(target, time, slot);
    }
  }

  private void rebase(long newLast) {
    // Equal times share one bucket and a bucket keeps insertion order, so re-appending bucket by
    // bucket keeps FIFO order among equal times.
    int total = 0;
    for (int b = 0; b < BUCKETS; b++) {
      total += bucketSize[b] - (b == 0 ? head0 : 0);
    }
    long[] times = new long[Math.max(1, total)];
    int[] slots = new int[Math.max(1, total)];
    int n = 0;
    for (int b = 0; b < BUCKETS; b++) {
      for (int i = (b == 0 ? head0 : 0); i < bucketSize[b]; i++) {
        times[n] = bucketTime[b][i];
        slots[n] = bucketSlot[b][i];
        n++;
      }
      bucketSize[b] = 0;
    }
    head0 = 0;
    nonEmpty = 0;
    last = newLast;
    for (int i = 0; i < n; i++) {
      if (slotState[slots[i]] == CANCELLED) {
        freeSlot(slots[i]);
      } else {
        append(bucketOf(times[i]), times[i], slots[i]);
      }
    }
  }

  private int bucketOf(long time) {
    return time == last ? 0 : 64 - Long.numberOfLeadingZeros(time ^ last);
  }

  private void append(int b, long time, int slot) {
    int size = bucketSize[b];
    if (bucketTime[b] == null) {
      bucketTime[b] = new long[8];
      bucketSlot[b] = new int[8];
    } else if (size == bucketTime[b].length) {
      int grown = Math.max(8, size * 2);
      bucketTime[b] = Arrays.copyOf(bucketTime[b], grown);
      bucketSlot[b] = Arrays.copyOf(bucketSlot[b], grown);
    }
    bucketTime[b][size] = time;
    bucketSlot[b][size] = slot;
    bucketSize[b] = size + 1;
    nonEmpty |= 1L << b;
  }

  private int allocateSlot() {
    if (freeCount > 0) {
      return freeSlots[--freeCount];
    }
    if (slotCount == slotState.length) {
      int capacity = slotState.length * 2;
      slotState = Arrays.copyOf(slotState, capacity);
      slotGeneration = Arrays.copyOf(slotGeneration, capacity);
      freeSlots = Arrays.copyOf(freeSlots, capacity);
    }
    return slotCount++;
  }

  private void freeSlot(int slot) {
    slotState[slot] = FREE;
    slotGeneration[slot]++;
    freeSlots[freeCount++] = slot;
  }
}
