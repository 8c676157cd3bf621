package io.postcopysim.core.net;

/** A framed message: the transport sees only its kind (for the trace) and its size in bytes. */
public interface Message {
  MessageKind kind();

  long size();

  /** A message with no content beyond kind and size. */
  static Message of(MessageKind kind, long size) {
    return new Plain(kind, size);
  }

  record Plain(MessageKind kind, long size) implements Message {
    public Plain {
      if (size < 0) {
        throw new IllegalArgumentException("negative size " + size);
      }
    }
  }
}
