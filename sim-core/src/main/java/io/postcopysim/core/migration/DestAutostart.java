package io.postcopysim.core.migration;

/** When the destination may start the guest (libvirt's habits). */
public enum DestAutostart {
  /** libvirt sends {@code cont} early: the destination starts at RUN (or at load in precopy). */
  EARLY_CONT,
  /** libvirt sends {@code cont} once the source reports the switchover done (postcopy-active, or completed in precopy). */
  AFTER_DEVICE,
  /** No autostart: the destination loads but never starts by itself. */
  OFF,
  /**
   * libvirt's management: the destination runs with -S, Finish sends {@code cont} once the
   * source reports postcopy-active (or completed); a failed or cancelled source, or a peer lost
   * to libvirtd's keepalive before Finish, kills the destination's QEMU and cancels the
   * source's job where QEMU accepts it ({@link Libvirt}).
   */
  LIBVIRT
}
