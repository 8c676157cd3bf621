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
  private final int workingSet;
  private static final int LOADED_LABEL = Labels.intern("dst:main:device-state-loaded");
  private final EventHandler loaded = arg -> loaded();
  private static final int LISTENING_LABEL = Labels.intern("dst:main:postcopy-listening");
  private final EventHandler listening = arg -> listening();
  // The socket is the world's (a fork re-points it); everything else that changes is in st.
  private TcpConnection main;
  private State st = new State();

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
    this.st.autostart = params.destAutostart() == DestAutostart.EARLY_CONT;
  }

  /** A copy for a forked world. */
  DestinationQemu(DestinationQemu o, Fork fork, MigrationRecord record, SharedDisk disk,
      Guest guest, Migration migration) {
    this(fork.simulation(), o.params, o.spec, record, disk, guest, migration);
    this.st = o.st.copy();
    this.main = fork.get(o.main);
    fork.put(o, this);
    fork.handler(o.loaded, loaded);
    fork.handler(o.listening, listening);
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
    return st.status;
  }

  PostcopyState postcopyState() {
    return st.postcopy;
  }

  PageRanges receivedBitmap() {
    return st.received.copy();
  }

  /** Fault hook: the next device-state load fails (DEST_LOAD_ERROR). */
  void failNextLoad() {
    st.failLoad = true;
  }

  /** Fault hook: activating the disk at RUN fails (DEST_ACTIVATE_ERROR). */
  void failActivation() {
    st.failActivation = true;
  }

  boolean hasPage(int page) {
    return st.received.contains(page);
  }

  boolean hasWholeWorkingSet() {
    return st.workingSetReceived == workingSet;
  }

  boolean hasAllPages() {
    return st.received.size() == params.pages();
  }

  private void setStatus(MigrationStatus s) {
    st.status = s;
    record.status(HostId.DESTINATION, s, sim.now(), sim.processed() - 1);
  }

  // ---- the incoming stream ----

  @Override
  public void onMessage(Message message) {
    MigMessage m = (MigMessage) message;
    if (st.status == MigrationStatus.SETUP) {
      setStatus(MigrationStatus.ACTIVE);
    }
    boolean pageData = m.kind() == Wire.RAM || m.kind() == Wire.RAM_REQUESTED;
    if (st.loading && st.postcopy != PostcopyState.LISTENING && !pageData) {
      st.backlog.add(m); // the main thread is busy loading; nobody else reads commands yet
      return;
    }
    handle(m);
  }

  private void handle(MigMessage m) {
    if (m.kind() == Wire.RAM || m.kind() == Wire.RAM_REQUESTED) {
      placePages((int) m.firstPage(), (int) m.pages());
    } else if (m.kind() == Wire.OPEN_RETURN_PATH) {
      st.returnPathOpen = true;
    } else if (m.kind() == Wire.PING) {
      reply(MigMessage.returnPath(Wire.PONG, m.value(), 4));
    } else if (m.kind() == Wire.POSTCOPY_ADVISE) {
      st.postcopy = PostcopyState.ADVISE;
    } else if (m.kind() == Wire.POSTCOPY_RAM_DISCARD) {
      st.postcopy = PostcopyState.DISCARD;
      discard((int) m.value());
    } else if (m.kind() == Wire.PACKAGED) {
      st.packageItems = m.items();
      st.packageNext = 0;
      runPackage();
    } else if (m.kind() == Wire.DEVICE_STATE) {
      startLoading(); // precopy: the devices come on the stream itself
    } else if (m.kind() == Wire.VM_EOF) {
      st.eofSeen = true;
      if (st.postcopy == PostcopyState.NONE || st.postcopy == PostcopyState.ADVISE) {
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
    if (st.returnPathOpen) {
      endpoint().write(m, null);
    }
  }

  private void placePages(int first, int count) {
    int end = first + count;
    st.workingSetReceived += (int) (Math.min(end, workingSet) - Math.min(first, workingSet)
        - st.received.countIn(first, Math.min(end, workingSet)));
    st.received.add(first, end);
    guest.pagesArrived(first, count);
    if (st.loadWaitsForPages && !loadPagesMissing()) {
      st.loadWaitsForPages = false; // the faulting load resumes: its end is an event of its own
      sim.schedule(0, HostId.DESTINATION.kernelId(), LOADED_LABEL, loaded, 0);
    }
    maybeComplete();
  }

  private void discard(int stalePages) {
    st.workingSetReceived -= (int) st.received.countIn(0, Math.min(stalePages, workingSet));
    st.received.remove(0, stalePages);
  }

  /** Parses the package in order; device loading suspends it for {@code device-load-time}. */
  private void runPackage() {
    while (st.packageItems != null && st.packageNext < st.packageItems.size()
        && !st.status.terminal()) {
      MigMessage item = st.packageItems.get(st.packageNext++);
      if (item.kind() == Wire.POSTCOPY_LISTEN) {
        if (params.listenSetupNanos() > 0) {
          // loadvm_postcopy_handle_listen: the main thread registers guest RAM with
          // userfaultfd and waits for the listen thread to start; nothing reads on meanwhile
          st.loading = true;
          sim.schedule(params.listenSetupNanos(), HostId.DESTINATION.kernelId(), LISTENING_LABEL,
              listening, 0);
          return;
        }
        startListening();
        listenThreadStarted();
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

  private void startListening() {
    st.postcopy = PostcopyState.LISTENING;
    // 10.2's loadvm_postcopy_handle_listen reports postcopy-device (with a return path)
    if (spec.destStatusAfterListen() != MigrationStatus.ACTIVE && st.returnPathOpen) {
      setStatus(spec.destStatusAfterListen());
    }
  }

  /**
   * postcopy_ram_listen_thread's first act: migrate_set_state(ACTIVE -> POSTCOPY_ACTIVE), a
   * no-op on 10.2's postcopy-device. So every version's destination reports postcopy-active
   * while it still loads the devices (real 7.2 and 10.0: postcopy-active 1.8-2 ms before
   * RESUME); an error there still fails it (qemu_loadvm_state_main pauses only in RUNNING).
   */
  private void listenThreadStarted() {
    if (st.status == MigrationStatus.ACTIVE) {
      setStatus(MigrationStatus.POSTCOPY_ACTIVE);
    }
  }

  /**
   * The listen thread runs (postcopy_ram_listen_thread): it reads what waited behind the
   * package (the PING 4 postcopy_start sent after it, pages), while the main thread goes on
   * with the package.
   */
  private void listening() {
    st.loading = false;
    if (st.status.terminal() || !migration.alive(HostId.DESTINATION)) {
      return;
    }
    startListening();
    listenThreadStarted();
    runPackage();
    while (!st.backlog.isEmpty()) {
      handle(st.backlog.pollFirst());
    }
  }

  private void startLoading() {
    st.loading = true;
    sim.schedule(params.deviceLoadNanos(), HostId.DESTINATION.kernelId(), LOADED_LABEL, loaded, 0);
    if (st.postcopy == PostcopyState.LISTENING) {
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
      if (!st.received.contains(p) && !st.requested.contains(p)) {
        st.requested.add(p, p + 1);
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
    return n > 0 && st.received.countIn(loadPagesFrom(), params.pages()) < n;
  }

  private void loaded() {
    if (st.status.terminal() || !migration.alive(HostId.DESTINATION)) {
      st.loading = false;
      return;
    }
    if (st.postcopy == PostcopyState.LISTENING && !st.failLoad && loadPagesMissing()) {
      st.loadWaitsForPages = true; // blocked in a page fault: placePages resumes it
      return;
    }
    st.loading = false;
    if (st.failLoad) {
      fail(); // qemu_loadvm_state_main failed: SHUT(1) and exit
      return;
    }
    record.deviceStateLoaded(sim.now());
    if (st.packageItems != null) {
      runPackage();
    }
    while (!st.loading && !st.backlog.isEmpty()) {
      handle(st.backlog.pollFirst());
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
    if (st.postcopy != PostcopyState.LISTENING) {
      return;
    }
    st.postcopy = PostcopyState.RUNNING;
    record.runReceived(sim.now());
    if (st.status != MigrationStatus.POSTCOPY_ACTIVE) { // 10.2: from postcopy-device
      setStatus(MigrationStatus.POSTCOPY_ACTIVE);
    }
    if (st.autostart) {
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
    if (st.postcopy == PostcopyState.RUNNING) {
      guest.startOnDestination();
    }
  }

  /**
   * QMP {@code cont} from management (dest-autostart after-device). During INMIGRATE it only
   * sets autostart; once the switchover happened here it activates the disk and starts.
   */
  void cont() {
    if (!migration.alive(HostId.DESTINATION) || st.status == MigrationStatus.FAILED) {
      return;
    }
    st.autostart = true;
    // After RUN in postcopy, or once a precopy ending completed (postcopy advised or not).
    if (st.postcopy == PostcopyState.RUNNING || st.postcopy == PostcopyState.END
        || st.status == MigrationStatus.COMPLETED) {
      startGuest();
    }
  }

  private boolean activateDisk() {
    if (st.diskActive) {
      return true;
    }
    if (st.failActivation) {
      record.lockRefused(HostId.DESTINATION, sim.now(), sim.processed() - 1);
      return false;
    }
    st.diskActive = disk.activate(HostId.DESTINATION, sim.now());
    return st.diskActive;
  }

  // ---- precopy end ----

  private void precopyLoaded() {
    if (st.loading) {
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
    if (st.status.terminal()) {
      return;
    }
    record.runReceived(sim.now());
    if (st.autostart) {
      startGuest();
    }
    setStatus(MigrationStatus.COMPLETED);
    reply(MigMessage.returnPath(Wire.SHUT, 0, 4));
    endpoint().shutdownOutput(); // migration_incoming_state_destroy closes the channel
  }

  // ---- postcopy end and faults ----

  private void maybeComplete() {
    if (st.postcopy == PostcopyState.RUNNING && st.eofSeen && hasAllPages()
        && st.status == MigrationStatus.POSTCOPY_ACTIVE) {
      st.postcopy = PostcopyState.END;
      setStatus(MigrationStatus.COMPLETED);
      reply(MigMessage.returnPath(Wire.SHUT, 0, 4));
      endpoint().shutdownOutput();
    }
  }

  /** The fault thread: one REQ_PAGES per missing page, de-duplicated. */
  void pageFault(int page) {
    if (st.requested.contains(page) || st.status != MigrationStatus.POSTCOPY_ACTIVE) {
      return; // already asked, or paused: the vCPU waits
    }
    st.requested.add(page, page + 1);
    endpoint().write(new MigMessage(Wire.REQ_PAGES, Wire.RP_HEADER + 12, 0, page, 1, List.of()),
        null);
  }

  /** After a recovery, the blocked vCPU asks again. */
  void reRequest(int page) {
    st.requested.remove(page, page + 1);
    pageFault(page);
  }

  @Override
  public void onError(SocketError error) {
    if (st.status == MigrationStatus.COMPLETED || st.status == MigrationStatus.FAILED) {
      return; // the source's EOF after SHUT is the orderly end, not a detection
    }
    record.detected(HostId.DESTINATION, sim.now());
    if (st.postcopy == PostcopyState.RUNNING || st.status == MigrationStatus.POSTCOPY_RECOVER) {
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
    if (st.status == MigrationStatus.POSTCOPY_PAUSED) {
      return true;
    }
    if (st.status != MigrationStatus.POSTCOPY_ACTIVE || st.postcopy != PostcopyState.RUNNING) {
      return false;
    }
    setStatus(MigrationStatus.POSTCOPY_PAUSED);
    endpoint().setListener(SocketListener.IGNORE);
    return true;
  }

  void recoverSetup(TcpConnection connection) {
    // after migrate-pause at the latest (Recovery: pauseByManagement before recoverSetup)
    assert st.status == MigrationStatus.POSTCOPY_PAUSED : "recovering from " + st.status;
    main = connection;
    endpoint().setListener(this);
    st.returnPathOpen = true;
    setStatus(MigrationStatus.POSTCOPY_RECOVER);
  }

  /**
   * Everything of the destination that changes during a run, in one value: a fork copies it with
   * {@link #copy()}, so a field added here cannot be forgotten by the fork. The socket stays
   * outside (it belongs to the world, and {@code Fork} re-points it).
   */
  private static final class State {
    PageRanges received;
    PageRanges requested;
    /** Main-stream messages that wait while the main thread loads devices (before LISTEN). */
    final ArrayDeque<MigMessage> backlog;
    MigrationStatus status = MigrationStatus.NONE;
    PostcopyState postcopy = PostcopyState.NONE;
    boolean returnPathOpen;
    boolean loading;
    /** The load's own work is done; it waits for guest pages it read (device-load-pages). */
    boolean loadWaitsForPages;
    /** The package being parsed (immutable, shared with a fork) and the next item's index. */
    List<MigMessage> packageItems;
    int packageNext;
    boolean eofSeen;
    boolean failLoad;
    boolean failActivation;
    boolean diskActive;
    /** -incoming with autostart, or libvirt's early {@code cont}; after-device waits for mgmt. */
    boolean autostart;
    int workingSetReceived;

    State() {
      this(new PageRanges(), new PageRanges(), new ArrayDeque<>());
    }

    /** Set by the constructors, not initialisers: a fork's are copies, made once per case. */
    private State(PageRanges received, PageRanges requested, ArrayDeque<MigMessage> backlog) {
      this.received = received;
      this.requested = requested;
      this.backlog = backlog;
    }

    /** A deep copy: page sets and the backlog are copied, messages are immutable and shared. */
    State copy() {
      State c = new State(received.copy(), requested.copy(), backlog.clone());
      c.status = status;
      c.postcopy = postcopy;
      c.returnPathOpen = returnPathOpen;
      c.loading = loading;
      c.loadWaitsForPages = loadWaitsForPages;
      c.packageItems = packageItems;
      c.packageNext = packageNext;
      c.eofSeen = eofSeen;
      c.failLoad = failLoad;
      c.failActivation = failActivation;
      c.diskActive = diskActive;
      c.autostart = autostart;
      c.workingSetReceived = workingSetReceived;
      return c;
    }
  }
}
