package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.net.HostId;

/**
 * The shared disk image with QEMU's image locking: activating an image takes its write lock,
 * inactivating releases it. Without locking every activation succeeds, and two writers can
 * coexist (which the oracle calls split brain). A QEMU that dies releases its lock at once
 * (its kernel drops the file locks); a host that dies keeps it until the storage's lease for
 * that client runs out ({@code disk-lock-lease}, about 90 s on NFSv4; 0 = at once).
 */
public final class SharedDisk {
  private final Simulation sim;
  private final boolean locking;
  private final long leaseNanos;
  private final MigrationRecord record;
  private HostId holder;
  /** When a dead host's lock lapses; {@link io.postcopysim.core.kernel.Time#NEVER} if alive. */
  private long holderLapsesAt = io.postcopysim.core.kernel.Time.NEVER;
  private final boolean[] active = new boolean[2];

  SharedDisk(Simulation sim, boolean locking, long leaseNanos, MigrationRecord record) {
    this.sim = sim;
    this.locking = locking;
    this.leaseNanos = leaseNanos;
    this.record = record;
  }

  SharedDisk copy(Simulation simulation, MigrationRecord copiedRecord) {
    SharedDisk c = new SharedDisk(simulation, locking, leaseNanos, copiedRecord);
    c.holder = holder;
    c.holderLapsesAt = holderLapsesAt;
    c.active[0] = active[0];
    c.active[1] = active[1];
    return c;
  }

  /** bdrv_activate_all: false when another host holds the write lock. */
  boolean activate(HostId host, long now) {
    if (holder != null && holder != host && now >= holderLapsesAt) {
      holder = null; // the dead host's lease ran out: the storage forgets its lock
    }
    if (locking && holder != null && holder != host) {
      record.lockRefused(host, now, sim.processed() - 1);
      return false;
    }
    if (locking) {
      holder = host;
      holderLapsesAt = io.postcopysim.core.kernel.Time.NEVER;
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

  /** A dead machine's lock stays until its lease runs out; nobody flushes or releases it. */
  void machineDied(HostId host, long now) {
    boolean held = holder == host;
    inactivate(host, now);
    if (held && leaseNanos > 0) {
      holder = host;
      holderLapsesAt = io.postcopysim.core.kernel.Time.plus(now, leaseNanos);
    }
  }

  public HostId holder() {
    return holder;
  }

  public boolean active(HostId host) {
    return active[host.ordinal()];
  }
}
