package io.postcopysim.core.migration;

import io.postcopysim.core.migration.Variant.AckPoint;
import io.postcopysim.core.migration.Variant.Gate;
import io.postcopysim.core.migration.VariantSpec.GateTimeout;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The built-in designs (docs/DESIGN.md §3): eight rows of decisions. */
public final class Variants {
  private Variants() {}

  private static final MigrationStatus ACTIVE = MigrationStatus.ACTIVE;

  /** QEMU up to 10.1: package = LISTEN + device state + PING 3 + RUN; committed on write. */
  public static final VariantSpec LEGACY = new VariantSpec("LEGACY", true, true, Gate.NONE,
      GateTimeout.NONE, AckPoint.NONE, MigrationStatus.POSTCOPY_ACTIVE, ACTIVE, false);

  /** QEMU 10.2 as merged: PING 0x42 before RUN; the source waits in postcopy-device. */
  public static final VariantSpec POSTCOPY_DEVICE = new VariantSpec("POSTCOPY_DEVICE", true,
      true, Gate.PONG_PACKAGED_LOADED, GateTimeout.NONE, AckPoint.NONE,
      MigrationStatus.POSTCOPY_DEVICE, MigrationStatus.POSTCOPY_DEVICE, false);

  /** The review's proposal: stay in device until PONG 3, with a finite timeout. */
  public static final VariantSpec PING3 = new VariantSpec("PING3", true, true, Gate.PONG_3,
      GateTimeout.PING3_TIMEOUT, AckPoint.NONE, MigrationStatus.DEVICE, ACTIVE, false);

  /** The seed's RFC: package without RUN; RUN only after MIG_RP_MSG_POSTCOPY_RUN_ACK. */
  public static final VariantSpec POSTCOPY_SETUP = new VariantSpec("POSTCOPY_SETUP", true, false,
      Gate.RUN_ACK, GateTimeout.NONE, AckPoint.AFTER_LOAD, MigrationStatus.POSTCOPY_SETUP, ACTIVE,
      false);

  /** Peter Xu's suggestion: the RFC's wire protocol, but the status stays device until RUN. */
  public static final VariantSpec BOUNDARY_MOVE = new VariantSpec("BOUNDARY_MOVE", true, false,
      Gate.RUN_ACK, GateTimeout.NONE, AckPoint.AFTER_LOAD, MigrationStatus.DEVICE, ACTIVE, false);

  /** Ours: the RFC, but the destination takes the disk lock before it acknowledges. */
  public static final VariantSpec ACK_AFTER_ACTIVATE = new VariantSpec("ACK_AFTER_ACTIVATE", true,
      false, Gate.RUN_ACK, GateTimeout.NONE, AckPoint.AFTER_ACTIVATE,
      MigrationStatus.POSTCOPY_SETUP, ACTIVE, false);

  /** Precopy with return path: the destination starts, then sends SHUT. */
  public static final VariantSpec PRECOPY = new VariantSpec("PRECOPY", false, true, Gate.NONE,
      GateTimeout.NONE, AckPoint.NONE, MigrationStatus.DEVICE, ACTIVE, false);

  /** Precopy with a handshake: "loaded" from the destination, "go" from the source. */
  public static final VariantSpec PRECOPY_ACK = new VariantSpec("PRECOPY_ACK", false, true,
      Gate.NONE, GateTimeout.NONE, AckPoint.NONE, MigrationStatus.DEVICE, ACTIVE, true);

  private static final List<Variant> ALL = List.of(LEGACY, POSTCOPY_DEVICE, PING3,
      POSTCOPY_SETUP, BOUNDARY_MOVE, ACK_AFTER_ACTIVATE, PRECOPY, PRECOPY_ACK);

  public static List<Variant> all() {
    return ALL;
  }

  public static Optional<Variant> byName(String name) {
    String wanted = name.toUpperCase(Locale.ROOT).replace('-', '_');
    return all().stream().filter(v -> v.name().equals(wanted)).findFirst();
  }
}
