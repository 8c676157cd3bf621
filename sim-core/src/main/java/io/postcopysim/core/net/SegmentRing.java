package io.postcopysim.core.net;

/**
 * The send buffer's segments in sequence order, with O(1) access by sequence number: deliveries
 * and acknowledgements come in order, so a segment is found at (seq - first seq).
 */
final class SegmentRing {
  private Segment[] items = new Segment[16];
  private int head;
  private int size;

  /** A ring of copies of these segments, in order. */
  SegmentRing copy() {
    SegmentRing c = new SegmentRing();
    for (int i = 0; i < size; i++) {
      c.addLast(get(i).copy());
    }
    return c;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  Segment get(int i) {
    assert i >= 0 && i < size;
    return items[(head + i) & (items.length - 1)];
  }

  Segment first() {
    return size == 0 ? null : items[head];
  }

  /** The segment with sequence number {@code seq}, or null if it was acknowledged or dropped. */
  Segment bySeq(long seq) {
    if (size == 0) {
      return null;
    }
    long i = seq - items[head].seq;
    if (i < 0 || i >= size) {
      return null;
    }
    Segment s = get((int) i);
    return s.seq == seq ? s : null;
  }

  void addLast(Segment s) {
    assert size == 0 || get(size - 1).seq + 1 == s.seq : "segments are added in sequence";
    if (size == items.length) {
      Segment[] grown = new Segment[items.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = get(i);
      }
      items = grown;
      head = 0;
    }
    items[(head + size) & (items.length - 1)] = s;
    size++;
  }

  Segment pollFirst() {
    Segment s = items[head];
    items[head] = null;
    head = (head + 1) & (items.length - 1);
    size--;
    return s;
  }

}
