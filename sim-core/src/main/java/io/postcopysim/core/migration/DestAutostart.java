package io.postcopysim.core.migration;

/** When the destination may start the guest (libvirt's habits). */
public enum DestAutostart {
  /** libvirt sends {@code cont} early: the destination starts at RUN (or at load in precopy). */
  EARLY_CONT,
  /** libvirt sends {@code cont} once the source reports the switchover done (postcopy-active, or completed in precopy). */
  AFTER_DEVICE,
  /** No autostart: the destination loads but never starts by itself. */
  OFF
}
