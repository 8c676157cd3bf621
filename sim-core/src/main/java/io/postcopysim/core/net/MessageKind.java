package io.postcopysim.core.net;

import io.postcopysim.core.kernel.Labels;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A kind of framed message ("MIG_CMD_PACKAGED"), with its trace labels precomputed so that
 * delivering a message allocates nothing.
 */
public final class MessageKind {
  private static final ConcurrentHashMap<String, MessageKind> KINDS = new ConcurrentHashMap<>();

  private final String name;
  private final int[] recvLabel = new int[HostId.values().length];

  private MessageKind(String name) {
    this.name = name;
    for (HostId h : HostId.values()) {
      recvLabel[h.ordinal()] = Labels.intern(h.shortName() + ":recv:" + name);
    }
  }

  public static MessageKind of(String name) {
    return KINDS.computeIfAbsent(name, MessageKind::new);
  }

  public String name() {
    return name;
  }

  /** Label of the event in which {@code receiver} gets a message of this kind. */
  public int recvLabel(HostId receiver) {
    return recvLabel[receiver.ordinal()];
  }

  @Override
  public String toString() {
    return name;
  }
}
