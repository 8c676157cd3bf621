package io.postcopysim.core.migration;

import java.util.Locale;

/**
 * Which QEMU release's mechanisms the model follows where they changed between releases
 * (docs/DESIGN.md §6, {@code migration.qemu-version}). Each method is a mechanism, cited to the
 * QEMU function that has it; outcomes then follow from the state machines. The three versions are
 * the ones Debian ships and the lab runs: 7.2 (bookworm), 10.0 (trixie), 11.1 (trixie-backports).
 */
public enum QemuVersion {
  /** Each design at the newest release that has its mechanisms: LEGACY 10.0, the others 11.1. */
  AUTO("auto"),
  V7_2("7.2"),
  V10_0("10.0"),
  V11_1("11.1");

  private final String label;

  QemuVersion(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static QemuVersion parse(String text) {
    for (QemuVersion v : values()) {
      if (v.label.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown QEMU version " + text);
  }

  /**
   * The version a design runs under. The one without a gate (RUN inside the package, committed
   * on write) is how QEMU worked up to 10.1; a gate on PING 0x42's PONG exists from 10.2 on.
   * The proposals that were never merged run on the newest mechanisms.
   */
  public QemuVersion resolve(Variant v) {
    if (this != AUTO) {
      return this;
    }
    return legacyShape(v) ? V10_0 : V11_1;
  }

  /** Why {@code v} cannot run under this version, or null. */
  public String refuses(Variant v) {
    QemuVersion r = resolve(v);
    if (legacyShape(v) && r == V11_1) {
      return v.name() + " is QEMU's protocol up to 10.1; 11.1 gates postcopy on PING 0x42"
          + " (use qemu-version 7.2 or 10.0)";
    }
    if (v.pingPackagedLoaded() && r != V11_1) {
      return v.name() + " (postcopy-device) exists from QEMU 10.2 on (use qemu-version 11.1)";
    }
    return null;
  }

  private static boolean legacyShape(Variant v) {
    return v.postcopy() && v.gate() == Variant.Gate.NONE && v.runInPackage()
        && !v.pingPackagedLoaded();
  }

  /**
   * Whether a failed switchover restarts the source's guest. migration_iteration_finish starts
   * the VM when it was running before the stop: 7.2 records that (vm_was_running) only in
   * migration_completion's precopy branch, never in postcopy_start, so a postcopy failure
   * leaves the guest stopped; from 8.x migration_stop_vm records it for postcopy too.
   */
  boolean restartsAfterFailure(boolean precopyCompletion) {
    return this != V7_2 || precopyCompletion;
  }

  /**
   * Whether an error on the return path past the final EOF wedges the source for good: 7.2's
   * return-path thread, in postcopy, pauses (postcopy_pause_return_path_thread) and waits for
   * the migration thread, which is in migration_completion joining it
   * (await_return_path_close_on_source): neither moves again, the source stays postcopy-active
   * and notices nothing (lab 7.2: dest-kill-before-shut). From 8.2 the return-path thread
   * exits on an error and the migration thread fails the completion.
   */
  boolean wedgesOnReturnPathErrorInCompletion() {
    return this == V7_2;
  }

  /**
   * Whether a source that cannot take the disk lock back keeps its VM stopped (10.2: "Do not
   * try to start VM if disk activation fails") instead of starting it without its disk, which
   * 10.0 does (lab 10.0: disk-reset-before-shut ended with both guests running).
   */
  boolean keepsStoppedOnActivationFailure() {
    return this == V11_1;
  }

  /**
   * Whether the switchover reports {@code device}: from 10.0, migration_switchover_start sets
   * it always ("Always set DEVICE state"); 7.2's postcopy_start goes from active straight to
   * postcopy-active, before it stops the VM, and its precopy completion stays active.
   */
  boolean reportsDevice() {
    return this != V7_2;
  }

  /**
   * Whether a destination that fails before RUN (its device load, its stream) sends SHUT(1)
   * before exiting: from 9.1 migration_incoming_state_destroy sends it; 7.2's fail label exits
   * at once.
   */
  boolean sendsShutOnFailure() {
    return this != V7_2;
  }
}
