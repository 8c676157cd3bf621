package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.net.Endpoint;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.Message;
import io.postcopysim.core.net.SocketError;
import io.postcopysim.core.net.SocketListener;
import io.postcopysim.core.net.TcpConnection;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The destination QEMU: the incoming migration (main thread, then the listen thread once LISTEN
 * was processed), the fault thread's page requests, the RUN bottom half.
 */
final class DestinationQemu implements SocketListener {
  /** Postcopy sub-state (PostcopyState in QEMU). */
  enum PostcopyState { NONE, ADVISE, DISCARD, LISTENING, RUNNING, END }

  private final Simulation sim;
  private final MigrationParams params;
  private final VariantSpec spec;
  private final MigrationRecord record;
  private final SharedDisk disk;
  private final Guest guest;
  private final Migration migration;
  private PageRanges received = new PageRanges();
  private PageRanges requested = new PageRanges();
  private final int workingSet;
  private final int loadedLabel = Labels.intern("dst:main:device-state-loaded");
  private final EventHandler loaded = arg -> loaded();
  /** Main-stream messages that wait while the main thread loads devices (before LISTEN). */
  private final ArrayDeque<MigMessage> backlog = new ArrayDeque<>();

  private TcpConnection main;
  private MigrationStatus status = MigrationStatus.NONE;
  private PostcopyState postcopy = PostcopyState.NONE;
  private boolean returnPathOpen;
  private boolean loading;
  /** The load's own work is done; it waits for guest pages it read (device-load-pages). */
  private boolean loadWaitsForPages;
  private List<MigMessage> packageItems;
  private int packageNext;
  private boolean eofSeen;
  private boolean failLoad;
  private boolean failActivation;
  private boolean diskActive;
  /** -incoming with autostart, or libvirt's early {@code cont}; after-device waits for mgmt. */
  private boolean autostart;
  private int workingSetReceived;

  DestinationQemu(Simulation sim, MigrationParams params, Variant variant, MigrationRecord record,
      SharedDisk disk, Guest guest, Migration migration) {
    this.sim = sim;
    this.params = params;
    this.spec = variant.spec();
    this.record = record;
    this.disk = disk;
    this.guest = guest;
    this.migration = migration;
    this.workingSet = params.workingSetPages();
    this.autostart = params.destAutostart() == DestAutostart.EARLY_CONT;
  }

  /** A copy for a forked world. */
  DestinationQemu(DestinationQemu o, Fork fork, MigrationRecord record, SharedDisk disk,
      Guest guest, Migration migration) {
    this(fork.simulation(), o.params, o.spec, record, disk, guest, migration);
    this.received = o.received.copy();
    this.requested = o.requested.copy();
    this.backlog.addAll(o.backlog);
    this.main = fork.get(o.main);
    this.status = o.status;
    this.postcopy = o.postcopy;
    this.returnPathOpen = o.returnPathOpen;
    this.loading = o.loading;
    this.loadWaitsForPages = o.loadWaitsForPages;
    this.packageItems = o.packageItems;
    this.packageNext = o.packageNext;
    this.eofSeen = o.eofSeen;
    this.failLoad = o.failLoad;
    this.failActivation = o.failActivation;
    this.diskActive = o.diskActive;
    this.autostart = o.autostart;
    this.workingSetReceived = o.workingSetReceived;
    fork.put(o, this);
    fork.handler(o.loaded, loaded);
  }

  void listen(TcpConnection connection) {
    main = connection;
    endpoint().setListener(this);
    setStatus(MigrationStatus.SETUP);
  }

  void attachPreempt(TcpConnection preempt) {
    preempt.endpoint(HostId.DESTINATION).setListener(this);
  }

  private Endpoint endpoint() {
    return main.endpoint(HostId.DESTINATION);
  }

  MigrationStatus status() {
    return status;
  }

  PostcopyState postcopyState() {
    return postcopy;
  }

  PageRanges receivedBitmap() {
    return received.copy();
  }

  /** Fault hook: the next device-state load fails (DEST_LOAD_ERROR). */
  void failNextLoad() {
    failLoad = true;
  }

  /** Fault hook: activating the disk at RUN fails (DEST_ACTIVATE_ERROR). */
  void failActivation() {
    failActivation = true;
  }

  boolean hasPage(int page) {
    return received.contains(page);
  }

  boolean hasWholeWorkingSet() {
    return workingSetReceived == workingSet;
  }

  boolean hasAllPages() {
    return received.size() == params.pages();
  }

  private void setStatus(MigrationStatus s) {
    status = s;
    record.status(HostId.DESTINATION, s, sim.now(), sim.processed() - 1);
  }

  // ---- the incoming stream ----

  @Override
  public void onMessage(Message message) {
    MigMessage m = (MigMessage) message;
    if (status == MigrationStatus.SETUP) {
      setStatus(MigrationStatus.ACTIVE);
    }
    boolean pageData = m.kind() == Wire.RAM || m.kind() == Wire.RAM_REQUESTED;
    if (loading && postcopy != PostcopyState.LISTENING && !pageData) {
      backlog.add(m); // the main thread is busy loading; nobody else reads commands yet
      return;
    }
    handle(m);
  }

  private void handle(MigMessage m) {
    if (m.kind() == Wire.RAM || m.kind() == Wire.RAM_REQUESTED) {
      placePages((int) m.firstPage(), (int) m.pages());
    } else if (m.kind() == Wire.OPEN_RETURN_PATH) {
      returnPathOpen = true;
    } else if (m.kind() == Wire.PING) {
      reply(MigMessage.returnPath(Wire.PONG, m.value(), 4));
    } else if (m.kind() == Wire.POSTCOPY_ADVISE) {
      postcopy = PostcopyState.ADVISE;
    } else if (m.kind() == Wire.POSTCOPY_RAM_DISCARD) {
      postcopy = PostcopyState.DISCARD;
      discard((int) m.value());
    } else if (m.kind() == Wire.PACKAGED) {
      packageItems = m.items();
      packageNext = 0;
      runPackage();
    } else if (m.kind() == Wire.DEVICE_STATE) {
      startLoading(); // precopy: the devices come on the stream itself
    } else if (m.kind() == Wire.VM_EOF) {
      eofSeen = true;
      if (postcopy == PostcopyState.NONE || postcopy == PostcopyState.ADVISE) {
        // Never switched to postcopy (advised only, precopy converged): a precopy ending.
        precopyLoaded();
      } else {
        maybeComplete();
      }
    } else if (m.kind() == Wire.POSTCOPY_RUN) {
      handleRun();
    } else if (m.kind() == Wire.PRECOPY_GO) {
      startGuestAfterPrecopy();
    } else if (m.kind() == Wire.RECV_BITMAP) {
      reply(MigMessage.returnPath(Wire.RP_RECV_BITMAP, 0, params.pages() / 8 + 8));
    } else if (m.kind() == Wire.POSTCOPY_RESUME) {
      setStatus(MigrationStatus.POSTCOPY_ACTIVE);
      reply(MigMessage.returnPath(Wire.RESUME_ACK, 1, 4));
      if (guest.blocked()) {
        guest.refault();
      }
    }
  }

  private void reply(MigMessage m) {
    if (returnPathOpen) {
      endpoint().write(m, null);
    }
  }

  private void placePages(int first, int count) {
    int end = first + count;
    workingSetReceived += (int) (Math.min(end, workingSet) - Math.min(first, workingSet)
        - received.countIn(first, Math.min(end, workingSet)));
    received.add(first, end);
    guest.pagesArrived(first, count);
    if (loadWaitsForPages && !loadPagesMissing()) {
      loadWaitsForPages = false; // the faulting load resumes: its end is an event of its own
      sim.schedule(0, HostId.DESTINATION.kernelId(), loadedLabel, loaded, 0);
    }
    maybeComplete();
  }

  private void discard(int stalePages) {
    workingSetReceived -= (int) received.countIn(0, Math.min(stalePages, workingSet));
    received.remove(0, stalePages);
  }

  /** Parses the package in order; device loading suspends it for {@code device-load-time}. */
  private void runPackage() {
    while (packageItems != null && packageNext < packageItems.size() && !status.terminal()) {
      MigMessage item = packageItems.get(packageNext++);
      if (item.kind() == Wire.POSTCOPY_LISTEN) {
        postcopy = PostcopyState.LISTENING;
        // 10.2's loadvm_postcopy_handle_listen reports postcopy-device (with a return path)
        if (spec.destStatusAfterListen() != MigrationStatus.ACTIVE && returnPathOpen) {
          setStatus(spec.destStatusAfterListen());
        }
      } else if (item.kind() == Wire.DEVICE_STATE) {
        startLoading();
        return;
      } else if (item.kind() == Wire.VM_EOF) {
        packageLoaded();
      } else {
        handle(item);
      }
    }
  }

  private void startLoading() {
    loading = true;
    sim.schedule(params.deviceLoadNanos(), HostId.DESTINATION.kernelId(), loadedLabel, loaded, 0);
    if (postcopy == PostcopyState.LISTENING) {
      requestLoadPages();
    }
  }

  /**
   * Loading virtio devices reads guest RAM (rings, config): in postcopy the userfaultfd is
   * armed from LISTEN on, so a page the destination lacks faults and is requested over the
   * return path; the load cannot finish before it arrives. The model puts those pages at the
   * top of RAM, where a precopy cut short never got and the postcopy push (from page 0,
   * ram_postcopy_send_discard_bitmap resets the scan) comes last: with the return path cut the
   * load waits for the push, which TCP stalls once the acks stop.
   */
  private void requestLoadPages() {
    for (int p = loadPagesFrom(); p < params.pages(); p++) {
      if (!received.contains(p) && !requested.contains(p)) {
        requested.add(p, p + 1);
        endpoint().write(new MigMessage(Wire.REQ_PAGES, Wire.RP_HEADER + 12, 0, p, 1,
            List.of()), null);
      }
    }
  }

  private int loadPagesFrom() {
    return params.pages() - params.deviceLoadPages();
  }

  private boolean loadPagesMissing() {
    int n = params.deviceLoadPages();
    return n > 0 && received.countIn(loadPagesFrom(), params.pages()) < n;
  }

  private void loaded() {
    if (status.terminal() || !migration.alive(HostId.DESTINATION)) {
      loading = false;
      return;
    }
    if (postcopy == PostcopyState.LISTENING && !failLoad && loadPagesMissing()) {
      loadWaitsForPages = true; // blocked in a page fault: placePages resumes it
      return;
    }
    loading = false;
    if (failLoad) {
      fail(); // qemu_loadvm_state_main failed: SHUT(1) and exit
      return;
    }
    record.deviceStateLoaded(sim.now());
    if (packageItems != null) {
      runPackage();
    }
    while (!loading && !backlog.isEmpty()) {
      handle(backlog.pollFirst());
    }
  }

  /** A package without RUN ended (VM_EOF): acknowledge per the design's ack. */
  private void packageLoaded() {
    switch (spec.destinationAck()) {
      case AFTER_LOAD -> reply(MigMessage.returnPath(Wire.POSTCOPY_RUN_ACK, 0, 0));
      case AFTER_ACTIVATE -> {
        if (!activateDisk()) {
          fail(); // the lock failure becomes a fallback on the source
          return;
        }
        reply(MigMessage.returnPath(Wire.POSTCOPY_RUN_ACK, 0, 0));
      }
      default -> { }
    }
  }

  /** loadvm_postcopy_handle_run and its bottom half. */
  private void handleRun() {
    if (postcopy != PostcopyState.LISTENING) {
      return;
    }
    postcopy = PostcopyState.RUNNING;
    record.runReceived(sim.now());
    setStatus(MigrationStatus.POSTCOPY_ACTIVE);
    if (autostart) {
      startGuest();
    }
    maybeComplete();
  }

  /**
   * The RUN bottom half and process_incoming_migration_bh: bdrv_activate_all, then vm_start only
   * if that succeeded; otherwise the VM stays paused.
   */
  private void startGuest() {
    if (record.running(HostId.DESTINATION) || !activateDisk()) {
      return;
    }
    record.guestStarts(HostId.DESTINATION, sim.now(), disk.active(HostId.DESTINATION));
    if (postcopy == PostcopyState.RUNNING) {
      guest.startOnDestination();
    }
  }

  /**
   * QMP {@code cont} from management (dest-autostart after-device). During INMIGRATE it only
   * sets autostart; once the switchover happened here it activates the disk and starts.
   */
  void cont() {
    if (!migration.alive(HostId.DESTINATION) || status == MigrationStatus.FAILED) {
      return;
    }
    autostart = true;
    // After RUN in postcopy, or once a precopy ending completed (postcopy advised or not).
    if (postcopy == PostcopyState.RUNNING || postcopy == PostcopyState.END
        || status == MigrationStatus.COMPLETED) {
      startGuest();
    }
  }

  private boolean activateDisk() {
    if (diskActive) {
      return true;
    }
    if (failActivation) {
      record.lockRefused(HostId.DESTINATION, sim.now(), sim.processed() - 1);
      return false;
    }
    diskActive = disk.activate(HostId.DESTINATION, sim.now());
    return diskActive;
  }

  // ---- precopy end ----

  private void precopyLoaded() {
    if (loading) {
      return; // the EOF waits in the backlog; loaded() gets here again
    }
    if (spec.precopyHandshake()) {
      reply(MigMessage.returnPath(Wire.PRECOPY_LOADED, 0, 0));
      return;
    }
    startGuestAfterPrecopy();
  }

  /** process_incoming_migration_bh: activate, start, completed, then SHUT. */
  private void startGuestAfterPrecopy() {
    if (status.terminal()) {
      return;
    }
    record.runReceived(sim.now());
    if (autostart) {
      startGuest();
    }
    setStatus(MigrationStatus.COMPLETED);
    reply(MigMessage.returnPath(Wire.SHUT, 0, 4));
    endpoint().shutdownOutput(); // migration_incoming_state_destroy closes the channel
  }

  // ---- postcopy end and faults ----

  private void maybeComplete() {
    if (postcopy == PostcopyState.RUNNING && eofSeen && hasAllPages()
        && status == MigrationStatus.POSTCOPY_ACTIVE) {
      postcopy = PostcopyState.END;
      setStatus(MigrationStatus.COMPLETED);
      reply(MigMessage.returnPath(Wire.SHUT, 0, 4));
      endpoint().shutdownOutput();
    }
  }

  /** The fault thread: one REQ_PAGES per missing page, de-duplicated. */
  void pageFault(int page) {
    if (requested.contains(page) || status != MigrationStatus.POSTCOPY_ACTIVE) {
      return; // already asked, or paused: the vCPU waits
    }
    requested.add(page, page + 1);
    endpoint().write(new MigMessage(Wire.REQ_PAGES, Wire.RP_HEADER + 12, 0, page, 1, List.of()),
        null);
  }

  /** After a recovery, the blocked vCPU asks again. */
  void reRequest(int page) {
    requested.remove(page, page + 1);
    pageFault(page);
  }

  @Override
  public void onError(SocketError error) {
    if (status == MigrationStatus.COMPLETED || status == MigrationStatus.FAILED) {
      return; // the source's EOF after SHUT is the orderly end, not a detection
    }
    record.detected(HostId.DESTINATION, sim.now());
    if (postcopy == PostcopyState.RUNNING || status == MigrationStatus.POSTCOPY_RECOVER) {
      setStatus(MigrationStatus.POSTCOPY_PAUSED); // the guest runs on, faulting vCPUs wait
      endpoint().setListener(SocketListener.IGNORE);
      migration.recovery().paused();
      return;
    }
    fail(); // before RUN: "in LISTENING an error fails the migration", exit-on-error
  }

  /**
   * Failed before the guest could start here: SHUT(1) where the version sends it
   * (migration_incoming_state_destroy, from 9.1; 7.2's fail label exits at once), then exit.
   */
  private void fail() {
    setStatus(MigrationStatus.FAILED);
    if (migration.version().sendsShutOnFailure()) {
      reply(MigMessage.returnPath(Wire.SHUT, 1, 4));
    }
    endpoint().setListener(SocketListener.IGNORE);
    migration.crashProcess(HostId.DESTINATION);
  }

  /**
   * QMP {@code migrate-pause} on the destination (qmp_migrate_pause: shut the incoming channel
   * in postcopy-active): a destination that never noticed the cut pauses, ready to recover.
   * Returns whether it is now paused.
   */
  boolean pauseByManagement() {
    if (status == MigrationStatus.POSTCOPY_PAUSED) {
      return true;
    }
    if (status != MigrationStatus.POSTCOPY_ACTIVE || postcopy != PostcopyState.RUNNING) {
      return false;
    }
    setStatus(MigrationStatus.POSTCOPY_PAUSED);
    endpoint().setListener(SocketListener.IGNORE);
    return true;
  }

  void recoverSetup(TcpConnection connection) {
    main = connection;
    endpoint().setListener(this);
    returnPathOpen = true;
    setStatus(MigrationStatus.POSTCOPY_RECOVER);
  }
}
