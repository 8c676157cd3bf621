package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.Network;
import io.postcopysim.core.net.TcpConnection;
import io.postcopysim.core.net.TcpParams;

/**
 * One migration in one simulated world: the network, the two QEMUs, the guest, the shared disk,
 * and the management agent's postcopy recovery. Fault injectors act through {@link #network()},
 * {@link #crashProcess}, {@link #crashMachine} and the destination's fault hooks.
 */
public final class Migration {
  private final Simulation sim;
  private final MigrationParams params;
  private final TcpParams tcp;
  private final Variant variant;
  private final QemuVersion version;
  private final Network network;
  private final MigrationRecord record;
  private final SharedDisk disk;
  private final Guest guest;
  private final SourceQemu source;
  private final DestinationQemu destination;
  private final Recovery recovery;
  private final Libvirt libvirt;
  private static final int CONT_LABEL = Labels.intern("mgmt:cont");
  private final EventHandler cont = arg -> destination().cont();
  private boolean contSent;

  public Migration(Simulation sim, MigrationParams params, TcpParams tcp, Variant variant) {
    this.sim = sim;
    this.params = params;
    this.tcp = tcp;
    this.variant = variant;
    this.version = params.qemuVersion().resolve(variant);
    String refused = params.qemuVersion().refuses(variant);
    if (refused != null) {
      throw new IllegalArgumentException(refused);
    }
    this.network = new Network(sim);
    this.record = new MigrationRecord();
    this.disk = new SharedDisk(sim, params.diskLocking(), params.diskLockLeaseNanos(), record);
    this.guest = new Guest(sim, params, record);
    this.source = new SourceQemu(sim, params, variant, record, disk, guest, this);
    this.destination = new DestinationQemu(sim, params, variant, record, disk, guest, this);
    this.guest.attach(destination);
    this.recovery = new Recovery(sim, params, this);
    network.onHeal(recovery::networkHealed);
    this.libvirt = params.destAutostart() == DestAutostart.LIBVIRT ? new Libvirt(sim, this) : null;
    if (libvirt != null) {
      network.onPathChange(libvirt::pathChanged);
    }
  }

  /** The copy of {@code o}'s world, made by {@link #fork()}. */
  private Migration(Migration o, Fork fork) {
    this.sim = fork.simulation();
    this.params = o.params;
    this.tcp = o.tcp;
    this.variant = o.variant;
    this.version = o.version;
    this.network = new Network(o.network, fork);
    this.record = o.record.copy();
    this.disk = o.disk.copy(sim, record);
    this.guest = new Guest(o.guest, fork, record);
    this.source = new SourceQemu(o.source, fork, record, disk, guest, this);
    this.destination = new DestinationQemu(o.destination, fork, record, disk, guest, this);
    this.guest.attach(destination);
    this.recovery = new Recovery(o.recovery, fork, this);
    network.onHeal(recovery::networkHealed);
    this.libvirt = o.libvirt == null ? null : new Libvirt(o.libvirt, fork, this);
    if (libvirt != null) {
      network.onPathChange(libvirt::pathChanged);
    }
    this.contSent = o.contSent;
    fork.handler(o.cont, cont);
  }

  /**
   * An independent copy of this world as it stands between two events: same clock, pending
   * events, random state, sockets, QEMUs and record, so that running the copy gives exactly what
   * running this one would. Interceptors are not copied. The enumerator forks the failure-free
   * run at each failure point instead of replaying its prefix for every case.
   */
  public Migration fork() {
    Fork f = new Fork(sim);
    Migration copy = new Migration(this, f);
    f.finish();
    return copy;
  }

  /** Connects and issues {@code migrate}; the run itself is the caller's {@code sim.run}. */
  public Migration start() {
    TcpConnection main = network.connect("main", tcp);
    TcpConnection preempt = params.postcopyPreempt() && variant.postcopy()
        ? network.connect("preempt", tcp) : null;
    destination.listen(main);
    if (preempt != null) {
      destination.attachPreempt(preempt);
    }
    source.start(main, preempt);
    return this;
  }

  public Simulation simulation() {
    return sim;
  }

  public Network network() {
    return network;
  }

  public MigrationParams params() {
    return params;
  }

  public TcpParams tcp() {
    return tcp;
  }

  public Variant variant() {
    return variant;
  }

  /** The QEMU release whose mechanisms this migration follows (never AUTO). */
  public QemuVersion version() {
    return version;
  }

  public MigrationRecord record() {
    return record;
  }

  public SharedDisk disk() {
    return disk;
  }

  public MigrationStatus status(HostId host) {
    return host == HostId.SOURCE ? source.status() : destination.status();
  }

  public boolean alive(HostId host) {
    return network.host(host).processAlive();
  }

  public boolean destinationHasAllPages() {
    return destination.hasAllPages();
  }

  /**
   * Whether the source's migration thread waits for something that will never come (10.2's
   * PONG after the return path died; 7.2's completion deadlock past the final EOF): no pause,
   * recovery or cancel can move it, whatever status it reports.
   */
  public boolean sourceWedged() {
    return source.wedged();
  }

  /**
   * Whether the destination listens but never got RUN (postcopy LISTENING): it reports
   * postcopy-active from its listen thread's start, yet an error or a migrate-pause there fails
   * it (qemu_loadvm_state_main pauses only in RUNNING), so nothing recovers it.
   */
  public boolean destinationListening() {
    return destination.postcopyState() == DestinationQemu.PostcopyState.LISTENING;
  }

  /** Fault hook: the destination's device-state load fails. */
  public void failDestinationLoad() {
    destination.failNextLoad();
  }

  /** Fault hook: the destination cannot take the disk lock. */
  public void failDestinationActivation() {
    destination.failActivation();
  }

  /** kill -9 of a QEMU (or its own exit): its guest stops, its locks go, its sockets close. */
  public void crashProcess(HostId host) {
    if (!alive(host)) {
      return;
    }
    stopGuest(host);
    disk.processDied(host, sim.now());
    network.host(host).crashProcess();
  }

  /** The machine dies: as a process crash, but the network and the storage hear nothing. */
  public void crashMachine(HostId host) {
    stopGuest(host);
    disk.machineDied(host, sim.now());
    network.host(host).crashMachine();
    network.pathChanged(); // a dead machine answers no keepalive either
  }

  private void stopGuest(HostId host) {
    record.guestStops(host, sim.now());
    if (host == HostId.DESTINATION) {
      guest.stopOnDestination();
    } else {
      source.processDied();
    }
  }

  /**
   * Management (libvirt) watches the source's MIGRATION events; with dest-autostart after-device
   * it sends {@code cont} to the destination once the source reports the switchover done
   * (postcopy-active, or completed in precopy), one management round trip later.
   */
  void sourceStatusChanged(MigrationStatus s) {
    if (libvirt != null) {
      libvirt.sourceStatusChanged(s);
      return;
    }
    if (params.destAutostart() == DestAutostart.AFTER_DEVICE && !contSent
        && (s == MigrationStatus.POSTCOPY_ACTIVE || s == MigrationStatus.COMPLETED)) {
      contSent = true;
      sim.schedule(2 * tcp.latencyNanos(), 0, CONT_LABEL, cont, 0);
    }
  }

  Recovery recovery() {
    return recovery;
  }

  SourceQemu source() {
    return source;
  }

  DestinationQemu destination() {
    return destination;
  }

  /** A summary of the failure-free measures (the oracle judges faults; see fault-models). */
  public MigrationResult result() {
    return MigrationResult.of(this);
  }

  /** Runs to quiescence or the horizon and summarises. */
  public MigrationResult runTo(long horizon) {
    sim.run(horizon);
    return result();
  }

  @Override
  public String toString() {
    return variant.name() + " src=" + source.status() + " dst=" + destination.status()
        + " at " + Time.format(sim.now());
  }
}
