package io.postcopysim.core.migration;

/**
 * QEMU's {@code MigrationStatus} (qapi/migration.json), plus the RFC's {@code postcopy-setup}.
 * Source and destination each keep their own.
 */
public enum MigrationStatus {
  NONE("none"),
  SETUP("setup"),
  CANCELLING("cancelling"),
  CANCELLED("cancelled"),
  ACTIVE("active"),
  DEVICE("device"),
  /** QEMU 10.2: waiting for the PONG of PING 0x42. */
  POSTCOPY_DEVICE("postcopy-device"),
  /** The RFC (not merged): waiting for MIG_RP_MSG_POSTCOPY_RUN_ACK. */
  POSTCOPY_SETUP("postcopy-setup"),
  POSTCOPY_ACTIVE("postcopy-active"),
  POSTCOPY_PAUSED("postcopy-paused"),
  POSTCOPY_RECOVER_SETUP("postcopy-recover-setup"),
  POSTCOPY_RECOVER("postcopy-recover"),
  COMPLETED("completed"),
  FAILED("failed");

  private final String qapiName;

  MigrationStatus(String qapiName) {
    this.qapiName = qapiName;
  }

  public String qapiName() {
    return qapiName;
  }

  /** {@code migration_in_postcopy()}: cancel is refused in these states. */
  public boolean inPostcopy() {
    return this == POSTCOPY_DEVICE || this == POSTCOPY_ACTIVE || this == POSTCOPY_PAUSED
        || this == POSTCOPY_RECOVER_SETUP || this == POSTCOPY_RECOVER;
  }

  public boolean terminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
