package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.net.HostId;

/**
 * The shared disk image with QEMU's image locking: activating an image takes its write lock,
 * inactivating releases it. Without locking every activation succeeds, and two writers can
 * coexist (which the oracle calls split brain).
 */
public final class SharedDisk {
  private final Simulation sim;
  private final boolean locking;
  private final MigrationRecord record;
  private HostId holder;
  private final boolean[] active = new boolean[2];

  SharedDisk(Simulation sim, boolean locking, MigrationRecord record) {
    this.sim = sim;
    this.locking = locking;
    this.record = record;
  }

  SharedDisk copy(Simulation simulation, MigrationRecord copiedRecord) {
    SharedDisk c = new SharedDisk(simulation, locking, copiedRecord);
    c.holder = holder;
    c.active[0] = active[0];
    c.active[1] = active[1];
    return c;
  }

  /** bdrv_activate_all: false when another host holds the write lock. */
  boolean activate(HostId host, long now) {
    if (locking && holder != null && holder != host) {
      record.lockRefused(host, now, sim.processed() - 1);
      return false;
    }
    if (locking) {
      holder = host;
    }
    active[host.ordinal()] = true;
    record.diskActivated(host, now, sim.processed() - 1);
    return true;
  }

  /** bdrv_inactivate_all: flushes and releases the lock. */
  void inactivate(HostId host, long now) {
    if (holder == host) {
      holder = null;
    }
    if (active[host.ordinal()]) {
      active[host.ordinal()] = false;
      record.diskInactivated(host, now, sim.processed() - 1);
    }
  }

  /** A crashed QEMU's lock is released by the kernel (file locks die with the process). */
  void processDied(HostId host, long now) {
    inactivate(host, now);
  }

  public HostId holder() {
    return holder;
  }

  public boolean active(HostId host) {
    return active[host.ordinal()];
  }
}
