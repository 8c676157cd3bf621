package io.postcopysim.core.migration;

/**
 * A switchover protocol. The source and destination state machines consult a variant only at
 * its decision points (what the package carries, what the source waits for before committing,
 * when the destination acknowledges); every outcome then follows from messages, timers, the
 * network and the disk lock. One class each, so a user can add a protocol.
 */
public interface Variant {
  /** Upper-case identifier used in case IDs ({@code LEGACY}). */
  String name();

  /** False for the precopy-only variants. */
  boolean postcopy();

  /** Whether MIG_CMD_POSTCOPY_RUN travels inside the package (after the device state). */
  default boolean runInPackage() {
    return true;
  }

  /** Whether the package carries PING 0x42 (QEMU_VM_PING_PACKAGED_LOADED) before RUN. */
  default boolean pingPackagedLoaded() {
    return false;
  }

  /** The source's status once the package is in its socket buffer. */
  MigrationStatus statusAfterPackage();

  /** What the source waits for before it commits to postcopy (no fallback after that). */
  Gate gate();

  /** When the destination acknowledges the load (RFC variants), or never. */
  default AckPoint destinationAck() {
    return AckPoint.NONE;
  }

  /** Whether the destination reports {@code postcopy-device} between LISTEN and RUN (10.2). */
  default boolean destinationPostcopyDevice() {
    return false;
  }

  /** PRECOPY_ACK: the destination waits for the source's "go" before it starts. */
  default boolean precopyHandshake() {
    return false;
  }

  /** What the source waits for after the package before committing to postcopy. */
  enum Gate {
    /** LEGACY: committed as soon as the package is written. */
    NONE,
    /** 10.2: the PONG of PING 0x42; no timeout, only a channel error falls back. */
    PONG_PACKAGED_LOADED,
    /** PING3: PONG 3 within {@code ping3-timeout}. */
    PONG_3,
    /** RFC: MIG_RP_MSG_POSTCOPY_RUN_ACK, then RUN is sent. */
    RUN_ACK
  }

  /** When the destination sends MIG_RP_MSG_POSTCOPY_RUN_ACK. */
  enum AckPoint {
    NONE,
    AFTER_LOAD,
    /** Activate the disk (take the lock) first: a lock failure becomes a fallback. */
    AFTER_ACTIVATE
  }
}
