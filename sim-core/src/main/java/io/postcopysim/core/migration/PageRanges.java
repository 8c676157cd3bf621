package io.postcopysim.core.migration;

import java.util.Arrays;

/**
 * A set of page numbers kept as sorted, disjoint, non-adjacent runs [start, end). Migration
 * state is made of long runs (what was streamed, what is left to push) plus the odd requested
 * page, so its cost follows the number of runs, not the number of pages: a 64 GiB guest costs
 * what a 1 GiB guest costs. Primitive arrays, no boxing; {@code PageRangesProperties} checks it
 * against {@link java.util.BitSet}.
 */
final class PageRanges {
  private int[] starts;
  private int[] ends;
  private int runs;
  private long size;

  PageRanges() {
    this(new int[8], new int[8]);
  }

  /** For {@link #copy()}: the copy's arrays, without initialisers allocating others first. */
  private PageRanges(int[] starts, int[] ends) {
    this.starts = starts;
    this.ends = ends;
  }

  PageRanges copy() {
    PageRanges c = new PageRanges(Arrays.copyOf(starts, Math.max(8, runs)),
        Arrays.copyOf(ends, Math.max(8, runs)));
    c.runs = runs;
    c.size = size;
    return c;
  }

  long size() {
    return size;
  }

  boolean isEmpty() {
    return runs == 0;
  }

  int runs() {
    return runs;
  }

  /** Index of the last run starting at or before {@code page}, or -1. */
  private int floor(int page) {
    int lo = 0;
    int hi = runs - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] <= page) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  boolean contains(int page) {
    int i = floor(page);
    return i >= 0 && page < ends[i];
  }

  /** Pages of [from, to) in the set. */
  long countIn(int from, int to) {
    if (from >= to || runs == 0) {
      return 0;
    }
    long n = 0;
    int i = Math.max(0, floor(from));
    for (; i < runs && starts[i] < to; i++) {
      int a = Math.max(starts[i], from);
      int b = Math.min(ends[i], to);
      if (b > a) {
        n += b - a;
      }
    }
    return n;
  }

  /** The smallest page >= {@code from} in the set, or -1. */
  int next(int from) {
    int i = floor(from);
    if (i >= 0 && from < ends[i]) {
      return from;
    }
    int j = i + 1;
    return j < runs ? starts[j] : -1;
  }

  /** The end (exclusive) of the run holding {@code page}, which must be in the set. */
  int runEnd(int page) {
    int i = floor(page);
    assert i >= 0 && page < ends[i] : "page " + page + " is not in the set";
    return ends[i];
  }

  /** Adds [from, to); returns how many pages were new. */
  long add(int from, int to) {
    if (from >= to) {
      return 0;
    }
    long before = size;
    // Runs that overlap or touch [from, to) merge into one.
    int first = floor(from);
    if (first < 0 || ends[first] < from) {
      first++;
    }
    int last = first;
    int start = from;
    int end = to;
    while (last < runs && starts[last] <= to) {
      start = Math.min(start, starts[last]);
      end = Math.max(end, ends[last]);
      size -= ends[last] - starts[last];
      last++;
    }
    replace(first, last, start, end);
    size += end - start;
    return size - before;
  }

  /** Removes [from, to); returns how many pages were there. */
  long remove(int from, int to) {
    if (from >= to || runs == 0) {
      return 0;
    }
    long before = size;
    int first = floor(from);
    if (first < 0 || ends[first] <= from) {
      first++;
    }
    int last = first;
    while (last < runs && starts[last] < to) {
      last++;
    }
    if (first == last) {
      return 0;
    }
    int keepStart = starts[first];
    int keepEnd = ends[last - 1];
    for (int i = first; i < last; i++) {
      size -= ends[i] - starts[i];
    }
    // What survives: a left piece [keepStart, from) and a right piece [to, keepEnd).
    boolean left = keepStart < from;
    boolean right = keepEnd > to;
    int k = (left ? 1 : 0) + (right ? 1 : 0);
    open(first, last, k);
    int at = first;
    if (left) {
      starts[at] = keepStart;
      ends[at++] = from;
      size += from - keepStart;
    }
    if (right) {
      starts[at] = to;
      ends[at] = keepEnd;
      size += keepEnd - to;
    }
    return before - size;
  }

  private void replace(int first, int last, int start, int end) {
    open(first, last, 1);
    starts[first] = start;
    ends[first] = end;
  }

  /** Makes room for {@code k} runs in place of runs [first, last); no allocation once grown. */
  private void open(int first, int last, int k) {
    int newRuns = runs - (last - first) + k;
    if (newRuns > starts.length) {
      int cap = Math.max(newRuns, starts.length * 2);
      starts = Arrays.copyOf(starts, cap);
      ends = Arrays.copyOf(ends, cap);
    }
    System.arraycopy(starts, last, starts, first + k, runs - last);
    System.arraycopy(ends, last, ends, first + k, runs - last);
    runs = newRuns;
  }

  /** The complement within [0, limit). */
  PageRanges complement(int limit) {
    PageRanges c = new PageRanges();
    int at = 0;
    for (int i = 0; i < runs && starts[i] < limit; i++) {
      c.add(at, starts[i]);
      at = ends[i];
    }
    c.add(at, limit);
    return c;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < runs; i++) {
      b.append(i == 0 ? "" : ", ").append('[').append(starts[i]).append(',').append(ends[i])
          .append(')');
    }
    return b.append('}').toString();
  }
}
