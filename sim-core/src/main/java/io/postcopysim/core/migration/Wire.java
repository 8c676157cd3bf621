package io.postcopysim.core.migration;

import io.postcopysim.core.net.MessageKind;

/**
 * QEMU's message names: main-stream commands ({@code qemu_vm_cmd}, savevm.c), return-path
 * messages ({@code mig_rp_message_type}, migration.c), and the stream's RAM and device sections.
 */
public final class Wire {
  private Wire() {}

  // main stream, source to destination
  public static final MessageKind OPEN_RETURN_PATH = MessageKind.of("MIG_CMD_OPEN_RETURN_PATH");
  public static final MessageKind PING = MessageKind.of("MIG_CMD_PING");
  public static final MessageKind POSTCOPY_ADVISE = MessageKind.of("MIG_CMD_POSTCOPY_ADVISE");
  public static final MessageKind POSTCOPY_LISTEN = MessageKind.of("MIG_CMD_POSTCOPY_LISTEN");
  public static final MessageKind POSTCOPY_RUN = MessageKind.of("MIG_CMD_POSTCOPY_RUN");
  public static final MessageKind POSTCOPY_RAM_DISCARD =
      MessageKind.of("MIG_CMD_POSTCOPY_RAM_DISCARD");
  public static final MessageKind PACKAGED = MessageKind.of("MIG_CMD_PACKAGED");
  public static final MessageKind POSTCOPY_RESUME = MessageKind.of("MIG_CMD_POSTCOPY_RESUME");
  public static final MessageKind RECV_BITMAP = MessageKind.of("MIG_CMD_RECV_BITMAP");
  /** RAM pages (QEMU_VM_SECTION_PART of the "ram" section). */
  public static final MessageKind RAM = MessageKind.of("RAM");
  /** A page sent in answer to a REQ_PAGES (same wire format, told apart for the trace). */
  public static final MessageKind RAM_REQUESTED = MessageKind.of("RAM_REQUESTED");
  /** Non-iterable device state (QEMU_VM_SECTION_FULL). */
  public static final MessageKind DEVICE_STATE = MessageKind.of("DEVICE_STATE");
  public static final MessageKind VM_EOF = MessageKind.of("QEMU_VM_EOF");
  /** PRECOPY_ACK (ours): the source's "go" after the destination said it loaded. */
  public static final MessageKind PRECOPY_GO = MessageKind.of("MIG_CMD_PRECOPY_GO");

  // return path, destination to source
  public static final MessageKind SHUT = MessageKind.of("MIG_RP_MSG_SHUT");
  public static final MessageKind PONG = MessageKind.of("MIG_RP_MSG_PONG");
  public static final MessageKind REQ_PAGES = MessageKind.of("MIG_RP_MSG_REQ_PAGES");
  public static final MessageKind RP_RECV_BITMAP = MessageKind.of("MIG_RP_MSG_RECV_BITMAP");
  public static final MessageKind RESUME_ACK = MessageKind.of("MIG_RP_MSG_RESUME_ACK");
  /** The RFC's acknowledgement that the devices are loaded. */
  public static final MessageKind POSTCOPY_RUN_ACK = MessageKind.of("MIG_RP_MSG_POSTCOPY_RUN_ACK");
  /** PRECOPY_ACK (ours): "loaded, ready to start". */
  public static final MessageKind PRECOPY_LOADED = MessageKind.of("MIG_RP_MSG_PRECOPY_LOADED");

  /** PING values QEMU uses in postcopy_start. */
  public static final int PING_1 = 1;
  public static final int PING_2 = 2;
  public static final int PING_3 = 3;
  public static final int PING_4 = 4;
  /** QEMU_VM_PING_PACKAGED_LOADED (savevm.h, 10.2). */
  public static final int PING_PACKAGED_LOADED = 0x42;

  /** Bytes of a command header: QEMU_VM_COMMAND, be16 command, be16 length. */
  public static final long COMMAND_HEADER = 5;
  /** Bytes of a return-path header: be16 type, be16 length. */
  public static final long RP_HEADER = 4;
}
