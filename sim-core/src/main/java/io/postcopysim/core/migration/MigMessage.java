package io.postcopysim.core.migration;

import io.postcopysim.core.net.Message;
import io.postcopysim.core.net.MessageKind;
import java.util.List;

/**
 * A migration-stream or return-path message. {@code value} is the PING/PONG value or the SHUT
 * flag; {@code firstPage}/{@code pages} a run of pages (RAM, REQ_PAGES, discard); {@code items}
 * the commands inside a MIG_CMD_PACKAGED.
 */
public record MigMessage(
    MessageKind kind, long size, long value, long firstPage, long pages, List<MigMessage> items)
    implements Message {

  public static MigMessage command(MessageKind kind, long payload) {
    return new MigMessage(kind, Wire.COMMAND_HEADER + payload, 0, 0, 0, List.of());
  }

  public static MigMessage ping(int value) {
    return new MigMessage(Wire.PING, Wire.COMMAND_HEADER + 4, value, 0, 0, List.of());
  }

  public static MigMessage returnPath(MessageKind kind, long value, long payload) {
    return new MigMessage(kind, Wire.RP_HEADER + payload, value, 0, 0, List.of());
  }

  /** A run of pages, at their wire size (zero pages are a header and a byte). */
  public static MigMessage pages(MessageKind kind, long firstPage, long pages,
      MigrationParams params) {
    return new MigMessage(kind, params.wireBytes(firstPage, pages), 0, firstPage, pages,
        List.of());
  }

  public static MigMessage packaged(List<MigMessage> items) {
    long size = Wire.COMMAND_HEADER + 4;
    for (MigMessage m : items) {
      size += m.size();
    }
    return new MigMessage(Wire.PACKAGED, size, 0, 0, 0, List.copyOf(items));
  }

  @Override
  public String toString() {
    String v = kind == Wire.PING || kind == Wire.PONG ? "(" + value + ")" : "";
    return kind.name() + v + (pages > 0 ? "[" + firstPage + "+" + pages + "]" : "");
  }
}
