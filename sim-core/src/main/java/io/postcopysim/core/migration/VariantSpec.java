package io.postcopysim.core.migration;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A switchover design as a row of decisions (docs/DESIGN.md §3, ../shared/DESIGN.md §6 "Designs
 * as data"). {@link SourceQemu} and {@link DestinationQemu} read the row at their decision
 * points; every outcome then follows from the state machines, the network and the disk lock. The
 * built-ins are rows in {@link Variants}; a scenario's {@code migration.designs} adds more.
 *
 * <p>What the package carries follows from the row: LISTEN and the device state always
 * (postcopy_start in migration.c); PING 3 when RUN travels in it ({@code
 * qemu_savevm_send_ping(fb, 3)} just before RUN) or when the gate waits for its PONG; PING 0x42
 * (QEMU_VM_PING_PACKAGED_LOADED, 10.2) when the gate waits for its PONG; then RUN, or VM_EOF
 * when RUN waits for the commit.
 *
 * <p>A combination the state machines cannot honour is refused by the constructor with the
 * reason ({@link #refusal}); a scenario reports it at the design's line.
 *
 * @param name upper-case identifier used in case IDs ({@code LEGACY})
 * @param postcopy false for the precopy-only designs
 * @param runInPackage whether MIG_CMD_POSTCOPY_RUN travels inside the package; if not, the source
 *     sends it when it commits
 * @param gate what the source waits for after the package before it commits to postcopy
 * @param gateTimeout how long it waits at the gate before it falls back
 * @param destinationAck when the destination sends MIG_RP_MSG_POSTCOPY_RUN_ACK
 * @param statusAfterPackage the source's status from the package until it commits
 * @param destStatusAfterListen what loadvm_postcopy_handle_listen sets: {@code active}
 *     (unchanged; the listen thread then reports {@code postcopy-active} as it starts, while the
 *     devices still load), or 10.2's {@code postcopy-device} (until RUN)
 * @param precopyHandshake PRECOPY_ACK: the destination reports "loaded" and waits for the
 *     source's "go" before it starts the guest
 */
public record VariantSpec(String name, boolean postcopy, boolean runInPackage, Gate gate,
    GateTimeout gateTimeout, AckPoint destinationAck, MigrationStatus statusAfterPackage,
    MigrationStatus destStatusAfterListen, boolean precopyHandshake) implements Variant {

  /** What a design name looks like: it appears in case IDs, file names and CSV cells. */
  public static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,39}");

  public VariantSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(gateTimeout, "gateTimeout");
    Objects.requireNonNull(destinationAck, "destinationAck");
    Objects.requireNonNull(statusAfterPackage, "statusAfterPackage");
    Objects.requireNonNull(destStatusAfterListen, "destStatusAfterListen");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a design name: 1 to 40 of"
          + " A-Z 0-9 _, starting with a letter (it appears in case IDs)");
    }
    String why = refusal(postcopy, runInPackage, gate, gateTimeout, destinationAck,
        statusAfterPackage, destStatusAfterListen, precopyHandshake);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  @Override
  public VariantSpec spec() {
    return this;
  }

  /** The same decisions under another name. */
  public VariantSpec named(String newName) {
    return toBuilder().name(newName).build();
  }

  /** A builder starting from this row ({@code like:} in a scenario). */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes decisions one at a time; {@link #build} checks the combination. */
  public static final class Builder {
    private String name;
    private boolean postcopy;
    private boolean runInPackage;
    private Gate gate;
    private GateTimeout gateTimeout;
    private AckPoint destinationAck;
    private MigrationStatus statusAfterPackage;
    private MigrationStatus destStatusAfterListen;
    private boolean precopyHandshake;

    private Builder(VariantSpec s) {
      name = s.name;
      postcopy = s.postcopy;
      runInPackage = s.runInPackage;
      gate = s.gate;
      gateTimeout = s.gateTimeout;
      destinationAck = s.destinationAck;
      statusAfterPackage = s.statusAfterPackage;
      destStatusAfterListen = s.destStatusAfterListen;
      precopyHandshake = s.precopyHandshake;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder postcopy(boolean v) {
      postcopy = v;
      return this;
    }

    public Builder runInPackage(boolean v) {
      runInPackage = v;
      return this;
    }

    public Builder gate(Gate v) {
      gate = v;
      return this;
    }

    public Builder gateTimeout(GateTimeout v) {
      gateTimeout = v;
      return this;
    }

    public Builder destinationAck(AckPoint v) {
      destinationAck = v;
      return this;
    }

    public Builder statusAfterPackage(MigrationStatus v) {
      statusAfterPackage = v;
      return this;
    }

    public Builder destStatusAfterListen(MigrationStatus v) {
      destStatusAfterListen = v;
      return this;
    }

    public Builder precopyHandshake(boolean v) {
      precopyHandshake = v;
      return this;
    }

    /** The row; an IllegalArgumentException says why the combination cannot be honoured. */
    public VariantSpec build() {
      return new VariantSpec(name, postcopy, runInPackage, gate, gateTimeout, destinationAck,
          statusAfterPackage, destStatusAfterListen, precopyHandshake);
    }
  }

  /** Whether the package carries PING 3: before RUN, or because the gate waits for its PONG. */
  public boolean ping3InPackage() {
    return postcopy && (runInPackage || gate == Gate.PONG_3);
  }

  @Override
  public boolean pingPackagedLoaded() {
    return gate == Gate.PONG_PACKAGED_LOADED;
  }

  @Override
  public boolean destinationPostcopyDevice() {
    return destStatusAfterListen == MigrationStatus.POSTCOPY_DEVICE;
  }

  /**
   * Why the state machines cannot honour these decisions, or null. Each reason names the key
   * (as a scenario spells it) and the mechanism that rules the combination out.
   */
  public static String refusal(boolean postcopy, boolean runInPackage, Gate gate,
      GateTimeout gateTimeout, AckPoint ack, MigrationStatus statusAfterPackage,
      MigrationStatus destStatusAfterListen, boolean precopyHandshake) {
    if (!postcopy) {
      return precopyRefusal(runInPackage, gate, gateTimeout, ack, statusAfterPackage,
          destStatusAfterListen);
    }
    if (precopyHandshake) {
      return "precopy-handshake: true is PRECOPY_ACK's end of precopy; a postcopy design"
          + " commits at its gate (set postcopy: false, or precopy-handshake: false)";
    }
    if (destStatusAfterListen != MigrationStatus.ACTIVE
        && destStatusAfterListen != MigrationStatus.POSTCOPY_DEVICE) {
      return "dest-status-after-listen: the destination reports active or postcopy-device"
          + " between LISTEN and RUN (loadvm_postcopy_handle_listen)";
    }
    return gateRefusal(runInPackage, gate, gateTimeout, ack, statusAfterPackage);
  }

  private static String gateRefusal(boolean runInPackage, Gate gate, GateTimeout gateTimeout,
      AckPoint ack, MigrationStatus status) {
    if (status != MigrationStatus.DEVICE && status != MigrationStatus.POSTCOPY_DEVICE
        && status != MigrationStatus.POSTCOPY_SETUP && status != MigrationStatus.POSTCOPY_ACTIVE) {
      return "status-after-package: the source is switching over: device, postcopy-device,"
          + " postcopy-setup (gated) or postcopy-active (gate none), not "
          + status.qapiName();
    }
    if (gate == Gate.NONE && status != MigrationStatus.POSTCOPY_ACTIVE) {
      return "gate none commits as soon as the package is written, so the source is then in"
          + " postcopy-active (status-after-package: postcopy-active)";
    }
    if (gate != Gate.NONE && status == MigrationStatus.POSTCOPY_ACTIVE) {
      return "status-after-package: postcopy-active with a gate: a source in postcopy-active"
          + " pauses on an error (postcopy_pause) where a gate must fall back, and"
          + " migrate_cancel is refused there; use device, postcopy-device or postcopy-setup";
    }
    if (gate == Gate.NONE && gateTimeout.kind() != GateTimeout.Kind.NONE) {
      return "gate-timeout bounds the wait at a gate; gate none does not wait"
          + " (gate-timeout: none)";
    }
    if (gate == Gate.NONE && !runInPackage) {
      return "run-in-package: false sends RUN when the source commits at its gate; gate none"
          + " commits on the package's write, with nothing to wait for (use a gate, or"
          + " run-in-package: true)";
    }
    if (ack != AckPoint.NONE && runInPackage) {
      return "ack: the destination acknowledges when it reaches the package's end (VM_EOF),"
          + " which only a package without RUN has (run-in-package: false, or ack: none)";
    }
    if (gate == Gate.RUN_ACK && ack == AckPoint.NONE) {
      return "gate run-ack waits for MIG_RP_MSG_POSTCOPY_RUN_ACK, which a destination with"
          + " ack: none never sends (ack: after-load or after-activate)";
    }
    return null;
  }

  private static String precopyRefusal(boolean runInPackage, Gate gate,
      GateTimeout gateTimeout, AckPoint ack, MigrationStatus status, MigrationStatus dest) {
    String key = gate != Gate.NONE ? "gate: none"
        : gateTimeout.kind() != GateTimeout.Kind.NONE ? "gate-timeout: none"
        : !runInPackage ? "run-in-package: true"
        : ack != AckPoint.NONE ? "ack: none"
        : status != MigrationStatus.DEVICE ? "status-after-package: device"
        : dest != MigrationStatus.ACTIVE ? "dest-status-after-listen: active" : null;
    return key == null ? null : "a precopy design (postcopy: false) sends no package; its"
        + " postcopy decisions take their precopy value (" + key + ")";
  }

  /**
   * How long the source waits at its gate: no limit, the scenario's {@code
   * migration.ping3-timeout} (PING3's knob), or a fixed duration.
   */
  public record GateTimeout(Kind kind, long nanos) {
    public enum Kind { NONE, PING3_TIMEOUT, FIXED }

    public static final GateTimeout NONE = new GateTimeout(Kind.NONE, 0);
    public static final GateTimeout PING3_TIMEOUT = new GateTimeout(Kind.PING3_TIMEOUT, 0);

    public GateTimeout {
      Objects.requireNonNull(kind, "kind");
      if ((kind == Kind.FIXED) != (nanos > 0)) {
        throw new IllegalArgumentException("gate-timeout: a fixed timeout is greater than zero");
      }
    }

    public static GateTimeout of(long nanos) {
      return new GateTimeout(Kind.FIXED, nanos);
    }

    /** The timeout in nanoseconds under {@code params}, or -1 for none. */
    long resolve(MigrationParams params) {
      return switch (kind) {
        case NONE -> -1;
        case PING3_TIMEOUT -> params.ping3TimeoutNanos();
        case FIXED -> nanos;
      };
    }
  }
}
