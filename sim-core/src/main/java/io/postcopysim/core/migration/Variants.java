package io.postcopysim.core.migration;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The built-in variants (docs/DESIGN.md §3). */
public final class Variants {
  private Variants() {}

  /** QEMU up to 10.1: package = LISTEN + device state + PING 3 + RUN; committed on write. */
  public static final class Legacy implements Variant {
    @Override public String name() { return "LEGACY"; }
    @Override public boolean postcopy() { return true; }
    @Override public MigrationStatus statusAfterPackage() { return MigrationStatus.POSTCOPY_ACTIVE; }
    @Override public Gate gate() { return Gate.NONE; }
  }

  /** QEMU 10.2 as merged: PING 0x42 before RUN; the source waits in postcopy-device. */
  public static final class PostcopyDevice implements Variant {
    @Override public String name() { return "POSTCOPY_DEVICE"; }
    @Override public boolean postcopy() { return true; }
    @Override public boolean pingPackagedLoaded() { return true; }
    @Override public MigrationStatus statusAfterPackage() { return MigrationStatus.POSTCOPY_DEVICE; }
    @Override public Gate gate() { return Gate.PONG_PACKAGED_LOADED; }
    @Override public boolean destinationPostcopyDevice() { return true; }
  }

  /** The review's proposal: stay in device until PONG 3, with a finite timeout. */
  public static final class Ping3 implements Variant {
    @Override public String name() { return "PING3"; }
    @Override public boolean postcopy() { return true; }
    @Override public MigrationStatus statusAfterPackage() { return MigrationStatus.DEVICE; }
    @Override public Gate gate() { return Gate.PONG_3; }
  }

  /** The seed's RFC: package without RUN; RUN only after MIG_RP_MSG_POSTCOPY_RUN_ACK. */
  public static class PostcopySetup implements Variant {
    @Override public String name() { return "POSTCOPY_SETUP"; }
    @Override public boolean postcopy() { return true; }
    @Override public boolean runInPackage() { return false; }
    @Override public MigrationStatus statusAfterPackage() { return MigrationStatus.POSTCOPY_SETUP; }
    @Override public Gate gate() { return Gate.RUN_ACK; }
    @Override public AckPoint destinationAck() { return AckPoint.AFTER_LOAD; }
  }

  /** Peter Xu's suggestion: the RFC's wire protocol, but the status stays device until RUN. */
  public static final class BoundaryMove extends PostcopySetup {
    @Override public String name() { return "BOUNDARY_MOVE"; }
    @Override public MigrationStatus statusAfterPackage() { return MigrationStatus.DEVICE; }
  }

  /** Ours: the RFC, but the destination takes the disk lock before it acknowledges. */
  public static final class AckAfterActivate extends PostcopySetup {
    @Override public String name() { return "ACK_AFTER_ACTIVATE"; }
    @Override public AckPoint destinationAck() { return AckPoint.AFTER_ACTIVATE; }
  }

  /** Precopy with return path: the destination starts, then sends SHUT. */
  public static class Precopy implements Variant {
    @Override public String name() { return "PRECOPY"; }
    @Override public boolean postcopy() { return false; }
    @Override public MigrationStatus statusAfterPackage() { return MigrationStatus.DEVICE; }
    @Override public Gate gate() { return Gate.NONE; }
  }

  /** Precopy with a handshake: "loaded" from the destination, "go" from the source. */
  public static final class PrecopyAck extends Precopy {
    @Override public String name() { return "PRECOPY_ACK"; }
    @Override public boolean precopyHandshake() { return true; }
  }

  public static List<Variant> all() {
    return List.of(new Legacy(), new PostcopyDevice(), new Ping3(), new PostcopySetup(),
        new BoundaryMove(), new AckAfterActivate(), new Precopy(), new PrecopyAck());
  }

  public static Optional<Variant> byName(String name) {
    String wanted = name.toUpperCase(Locale.ROOT).replace('-', '_');
    return all().stream().filter(v -> v.name().equals(wanted)).findFirst();
  }
}
