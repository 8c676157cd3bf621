package io.postcopysim.core.migration;

/**
 * A switchover protocol, as the rest of the code holds it. Its only implementation is the row of
 * decisions {@link VariantSpec}: the source and destination state machines consult the row only
 * at its decision points (what the package carries, what the source waits for before
 * committing, when the destination acknowledges, what each side reports meanwhile); every
 * outcome then follows from messages, timers, the network and the disk lock.
 */
public sealed interface Variant permits VariantSpec {
  /** Upper-case identifier used in case IDs ({@code LEGACY}). */
  String name();

  /** The row of decisions. */
  VariantSpec spec();

  /** False for the precopy-only variants. */
  boolean postcopy();

  /** Whether MIG_CMD_POSTCOPY_RUN travels inside the package (after the device state). */
  boolean runInPackage();

  /** Whether the package carries PING 0x42 (QEMU_VM_PING_PACKAGED_LOADED) before RUN. */
  boolean pingPackagedLoaded();

  /** The source's status once the package is in its socket buffer. */
  MigrationStatus statusAfterPackage();

  /** What the source waits for before it commits to postcopy (no fallback after that). */
  Gate gate();

  /** When the destination acknowledges the load (RFC variants), or never. */
  AckPoint destinationAck();

  /** Whether the destination reports {@code postcopy-device} between LISTEN and RUN (10.2). */
  boolean destinationPostcopyDevice();

  /** PRECOPY_ACK: the destination waits for the source's "go" before it starts. */
  boolean precopyHandshake();

  /** What the source waits for after the package before committing to postcopy. */
  enum Gate {
    /** LEGACY: committed as soon as the package is written. */
    NONE,
    /**
     * 10.2: the PONG of PING 0x42, flagged by the return-path thread and seen by the migration
     * thread at its next iteration (migration_iteration_run).
     */
    PONG_PACKAGED_LOADED,
    /** PING3: PONG 3 (within the gate timeout, {@code ping3-timeout} for PING3). */
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
