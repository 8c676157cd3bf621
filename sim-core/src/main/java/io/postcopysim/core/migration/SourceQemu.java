package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.UnrunnableScenario;
import io.postcopysim.core.net.Endpoint;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.Message;
import io.postcopysim.core.net.SocketError;
import io.postcopysim.core.net.SocketListener;
import io.postcopysim.core.net.TcpConnection;
import io.postcopysim.core.net.WriteListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The source QEMU: {@code migration_thread} (precopy rounds, {@code postcopy_start}, the
 * postcopy push) and {@code source_return_path_thread} (PONG, REQ_PAGES, SHUT).
 * docs/qemu-postcopy-protocol.md §1, §3 and §4 give the order and the failure handling.
 */
final class SourceQemu implements SocketListener, WriteListener {
  private final Simulation sim;
  private final MigrationParams params;
  private final VariantSpec spec;
  private final QemuVersion version;
  private final MigrationRecord record;
  private final SharedDisk disk;
  private final Guest guest;
  private final Migration migration;
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private final ArrayDeque<Outgoing> urgent = new ArrayDeque<>();
  private final ArrayDeque<MigMessage> preemptQueue = new ArrayDeque<>();
  private final int gateTimeoutLabel;
  private final int paceLabel = Labels.intern("src:timer:rate-limit");
  private final EventHandler gateExpired = arg -> gateExpired();
  private final EventHandler paced = arg -> {
    pacing = false;
    pump();
  };
  private final int precopyPaceLabel = Labels.intern("src:timer:max-bandwidth");
  private final EventHandler precopyPaced = arg -> precopyStep();

  private TcpConnection main;
  private TcpConnection preempt;
  private MigrationStatus status = MigrationStatus.NONE;
  private boolean writing;
  private boolean pumping;
  private boolean pacing;
  private boolean preemptWriting;

  // precopy: round 1 sends [0, neverSentFrom..N); later rounds the dirty prefix [0, k)
  private int roundFrom;
  private int roundTo;
  private int neverSentFrom;
  private long dirtySince;
  private boolean completing;

  // postcopy
  private PageRanges toPush;
  private boolean packageWritten;
  private boolean committed;
  private boolean eofSent;
  private long gateTimer = -1;
  // 10.2's gate: the return-path thread only flags the PONG of 0x42; the migration thread
  // commits at the top of its next iteration, or at once if it waits with nothing to send.
  private boolean packageLoadedFlag;
  private boolean waitingForPong;
  private long iterationStart;

  /** What the migration thread does once a message is in the socket buffer. */
  private enum After { NOTHING, PRECOPY_STEP, PACKAGE_WRITTEN, PACE, PRECOPY_EOF }

  /** A message to write; immutable, so a forked world can share it. */
  private record Outgoing(MigMessage message, After after) {}

  /** The token of a blocked write on the preempt channel. */
  private static final Object PREEMPT_WRITE = new Object() {
    @Override
    public String toString() {
      return "preempt write";
    }
  };

  SourceQemu(Simulation sim, MigrationParams params, Variant variant, MigrationRecord record,
      SharedDisk disk, Guest guest, Migration migration) {
    this.sim = sim;
    this.params = params;
    this.spec = variant.spec();
    // PING3's timer keeps its label (and so its trace hash); other gates' timers have their own
    this.gateTimeoutLabel = Labels.intern(spec.gate() == Variant.Gate.PONG_3
        ? "src:timer:ping3-timeout" : "src:timer:gate-timeout");
    this.version = migration.version();
    this.record = record;
    this.disk = disk;
    this.guest = guest;
    this.migration = migration;
  }

  /** A copy for a forked world (between events, so no write is in progress). */
  SourceQemu(SourceQemu o, Fork fork, MigrationRecord record, SharedDisk disk, Guest guest,
      Migration migration) {
    this(fork.simulation(), o.params, o.spec, record, disk, guest, migration);
    assert !o.pumping : "forked mid-pump";
    queue.addAll(o.queue);
    urgent.addAll(o.urgent);
    preemptQueue.addAll(o.preemptQueue);
    main = fork.get(o.main);
    preempt = fork.get(o.preempt);
    status = o.status;
    writing = o.writing;
    pacing = o.pacing;
    preemptWriting = o.preemptWriting;
    roundFrom = o.roundFrom;
    roundTo = o.roundTo;
    neverSentFrom = o.neverSentFrom;
    dirtySince = o.dirtySince;
    completing = o.completing;
    toPush = o.toPush == null ? null : o.toPush.copy();
    packageWritten = o.packageWritten;
    committed = o.committed;
    eofSent = o.eofSent;
    gateTimer = o.gateTimer;
    packageLoadedFlag = o.packageLoadedFlag;
    waitingForPong = o.waitingForPong;
    iterationStart = o.iterationStart;
    fork.put(o, this);
    fork.handler(o.gateExpired, gateExpired);
    fork.handler(o.paced, paced);
    fork.handler(o.precopyPaced, precopyPaced);
  }

  /**
   * Whether the return path is opened: when asked for, and always when the protocol cannot work
   * without it (postcopy, as QEMU does; PRECOPY_ACK's "loaded" travels on it).
   */
  private boolean returnPath() {
    return params.returnPath() || spec.postcopy() || spec.precopyHandshake();
  }

  MigrationStatus status() {
    return status;
  }

  boolean committed() {
    return committed;
  }

  private void setStatus(MigrationStatus s) {
    status = s;
    record.status(HostId.SOURCE, s, sim.now(), sim.processed() - 1);
    migration.sourceStatusChanged(s);
  }

  private Endpoint endpoint() {
    return main.endpoint(HostId.SOURCE);
  }

  // ---- start and precopy ----

  /** {@code migrate}: the guest runs here and holds the disk. */
  void start(TcpConnection connection, TcpConnection preemptConnection) {
    this.main = connection;
    this.preempt = preemptConnection;
    endpoint().setListener(this);
    setStatus(MigrationStatus.SETUP);
    disk.activate(HostId.SOURCE, sim.now());
    record.guestStarts(HostId.SOURCE, sim.now(), disk.active(HostId.SOURCE));
    setStatus(MigrationStatus.ACTIVE);
    if (returnPath()) {
      send(MigMessage.command(Wire.OPEN_RETURN_PATH, 0), After.NOTHING);
      send(MigMessage.ping(Wire.PING_1), After.NOTHING);
    }
    if (spec.postcopy()) {
      send(MigMessage.command(Wire.POSTCOPY_ADVISE, 16), After.NOTHING);
    }
    dirtySince = sim.now();
    roundFrom = 0;
    roundTo = params.pages();
    neverSentFrom = 0;
    precopyStep();
  }

  /** One iteration of the migration loop in precopy: a chunk, or a decision. */
  private void precopyStep() {
    if (status != MigrationStatus.ACTIVE || !migration.alive(HostId.SOURCE)) {
      return; // a rate-limit sleep may end after the process died
    }
    if (spec.postcopy() && sim.now() >= params.precopyNanos()) {
      postcopyStart();
      return;
    }
    if (roundFrom < roundTo) {
      int to = Math.min(roundTo, roundFrom + params.chunkPages());
      MigMessage chunk = MigMessage.pages(Wire.RAM, roundFrom, to - roundFrom, params.pageBytes());
      if (neverSentFrom < to && roundTo == params.pages()) {
        neverSentFrom = to;
      }
      roundFrom = to;
      send(chunk, After.PRECOPY_STEP);
      return;
    }
    int dirty = dirtyPages();
    if (converged(dirty)) {
      precopyComplete(dirty);
      return;
    }
    if (dirty == 0) {
      // Nothing left to send and still above the threshold (a downtime-limit of 0): QEMU's
      // migration thread would spin here forever without time passing.
      throw new UnrunnableScenario("precopy cannot complete: nothing is left to send, yet the"
          + " pending bytes are not below bandwidth x downtime-limit ("
          + Time.format(params.downtimeLimitNanos()) + ")");
    }
    // Another round over what was dirtied during the last one.
    dirtySince = sim.now();
    roundFrom = 0;
    roundTo = dirty;
    precopyStep();
  }

  /**
   * {@code migration_iteration_run}: the switchover comes once the pending RAM is below
   * {@code threshold_size} = bandwidth x downtime-limit (migration_update_counters). Device
   * state and its load are not in QEMU's estimate (non-iterable devices report no pending
   * bytes), so a slow device load makes the real downtime exceed the limit; it never keeps
   * precopy from converging.
   */
  private boolean converged(int dirty) {
    long bytes = (long) dirty * (params.pageBytes() + 8);
    long rate = params.maxBandwidthBitsPerSecond();
    long time = rate > 0 && rate < main.params().bandwidthBitsPerSecond()
        ? Time.transmission(bytes, rate) : main.params().transmission(bytes);
    return time < params.downtimeLimitNanos();
  }

  /**
   * migration_rate_limit: with max-bandwidth set, the thread sleeps until the chunk's share of
   * the rate has passed, so the socket buffer stays nearly empty and the switchover's package
   * does not queue behind a full buffer (real QEMU: 4-14 ms to the destination).
   */
  private void afterPrecopyChunk(MigMessage chunk) {
    long rate = params.maxBandwidthBitsPerSecond();
    if (rate <= 0) {
      precopyStep();
      return;
    }
    long wait = Time.transmission(chunk.pages() * (params.pageBytes() + 8), rate)
        - main.params().transmission(chunk.pages() * (params.pageBytes() + 8));
    sim.schedule(Math.max(0, wait), HostId.SOURCE.kernelId(), precopyPaceLabel, precopyPaced,
        0);
  }

  /** Pages dirtied since their last pass, among those already sent. */
  private int dirtyPages() {
    return Math.min(guest.dirtiedIn(sim.now() - dirtySince), neverSentFrom);
  }

  /**
   * {@code migration_completion} in precopy: stop, send the rest and the devices, EOF. 7.2
   * stays {@code active} (device only with pause-before-switchover, as real 7.2 confirms);
   * from 10.0 migration_switchover_start reports {@code device}.
   */
  private void precopyComplete(int dirty) {
    completing = true;
    if (version.reportsDevice()) {
      setStatus(MigrationStatus.DEVICE); // migration_switchover_start, from 10.0 on
    }
    record.guestStops(HostId.SOURCE, sim.now());
    disk.inactivate(HostId.SOURCE, sim.now());
    for (int from = 0; from < dirty; from += params.chunkPages()) {
      int n = Math.min(params.chunkPages(), dirty - from);
      send(MigMessage.pages(Wire.RAM, from, n, params.pageBytes()), After.NOTHING);
    }
    send(MigMessage.command(Wire.DEVICE_STATE, params.deviceStateBytes()), After.NOTHING);
    record.finalEofSent(sim.now());
    send(MigMessage.command(Wire.VM_EOF, 0), After.PRECOPY_EOF);
  }

  // ---- postcopy ----

  /** {@code postcopy_start}, in QEMU's order (§3 steps 2-10). */
  private void postcopyStart() {
    // 7.2's postcopy_start reports postcopy-active before it stops the VM and never device.
    setStatus(version.reportsDevice() || spec.gate() != Variant.Gate.NONE
        ? MigrationStatus.DEVICE : MigrationStatus.POSTCOPY_ACTIVE);
    record.guestStops(HostId.SOURCE, sim.now());
    disk.inactivate(HostId.SOURCE, sim.now());
    int stale = dirtyPages();
    toPush = new PageRanges();
    toPush.add(0, stale);
    toPush.add(neverSentFrom, params.pages());
    send(new MigMessage(Wire.POSTCOPY_RAM_DISCARD, Wire.COMMAND_HEADER + 16, stale, 0, stale,
        List.of()), After.NOTHING);
    send(MigMessage.ping(Wire.PING_2), After.NOTHING);
    List<MigMessage> items = new ArrayList<>();
    items.add(MigMessage.command(Wire.POSTCOPY_LISTEN, 0));
    items.add(MigMessage.command(Wire.DEVICE_STATE, params.deviceStateBytes()));
    if (spec.ping3InPackage()) {
      items.add(MigMessage.ping(Wire.PING_3)); // qemu_savevm_send_ping(fb, 3)
    }
    if (spec.pingPackagedLoaded()) {
      items.add(MigMessage.ping(Wire.PING_PACKAGED_LOADED)); // 10.2
    }
    if (spec.runInPackage()) {
      items.add(MigMessage.command(Wire.POSTCOPY_RUN, 0));
    } else {
      items.add(MigMessage.command(Wire.VM_EOF, 0)); // the RFC's package ends with EOF
    }
    send(MigMessage.packaged(items), After.PACKAGE_WRITTEN);
  }

  /** The package is in the socket buffer: the design's gate applies. */
  private void packageWritten() {
    if (packageWritten || status.terminal() || status == MigrationStatus.POSTCOPY_PAUSED) {
      return; // failed while the package was being written
    }
    packageWritten = true;
    iterationStart = sim.now();
    setStatus(spec.statusAfterPackage());
    if (spec.gate() == Variant.Gate.NONE) {
      committed = true;
    } else {
      long timeout = spec.gateTimeout().resolve(params);
      if (timeout >= 0) {
        gateTimer = sim.schedule(timeout, HostId.SOURCE.kernelId(), gateTimeoutLabel,
            gateExpired, 0);
      }
    }
    send(MigMessage.ping(Wire.PING_4), After.NOTHING);
    pump();
  }

  private void commit() {
    if (committed || status == MigrationStatus.FAILED) {
      return;
    }
    committed = true;
    if (gateTimer >= 0) {
      sim.cancel(gateTimer);
    }
    if (!spec.runInPackage()) {
      // the RFC's RUN after the commit (MIG_CMD_POSTCOPY_RUN sent on its own)
      urgent.addFirst(new Outgoing(MigMessage.command(Wire.POSTCOPY_RUN, 0), After.NOTHING));
    }
    setStatus(MigrationStatus.POSTCOPY_ACTIVE);
    pump();
  }

  /** The gate's timeout (PING3's ping3-timeout): no answer in time, fall back. */
  private void gateExpired() {
    gateTimer = -1;
    if (awaitingGate()) {
      waitingForPong = false; // a timed wait wakes up even with the return path gone
      record.detected(HostId.SOURCE, sim.now());
      fallBack();
    }
  }

  /** Between the package and the commit, the switchover not failed: waiting at the gate. */
  private boolean awaitingGate() {
    return packageWritten && !committed && status == spec.statusAfterPackage();
  }

  /** 10.2's gate: the migration thread waits for the flag the PONG of 0x42 sets. */
  private boolean awaitingPackageLoaded() {
    return spec.gate() == Variant.Gate.PONG_PACKAGED_LOADED && awaitingGate();
  }

  /** The postcopy loop: requested pages first, then the next run of pages in order. */
  private boolean nextPostcopyWrite() {
    if (toPush == null || !packageWritten || status.terminal()
        || status == MigrationStatus.POSTCOPY_PAUSED
        || status == MigrationStatus.POSTCOPY_RECOVER_SETUP
        || status == MigrationStatus.POSTCOPY_RECOVER) {
      return false;
    }
    if (awaitingPackageLoaded() && iterationEnds()) {
      return true; // committed: the pump goes on in postcopy-active
    }
    int first = toPush.next(0);
    if (first < 0) {
      if (awaitingPackageLoaded()) {
        // complete_ready: qemu_event_wait(postcopy_package_loaded_event), no timeout; an
        // event the PONG already set lets it through at once
        if (packageLoadedFlag) {
          commit();
          return true;
        }
        waitingForPong = true;
        return false;
      }
      if (committed && !eofSent) {
        eofSent = true;
        record.finalEofSent(sim.now());
        queue.add(new Outgoing(MigMessage.command(Wire.VM_EOF, 0), After.NOTHING));
        return true;
      }
      return false;
    }
    int end = toPush.runEnd(first);
    int n = Math.min(end - first, postcopyChunkPages());
    toPush.remove(first, first + n);
    record.pushed(n);
    queue.add(new Outgoing(MigMessage.pages(Wire.RAM, first, n, params.pageBytes()),
        After.PACE));
    return true;
  }

  /**
   * migration_iteration_run in postcopy-device: a ram_save_iterate runs up to MAX_WAIT (50 ms)
   * before the thread looks at the flag the PONG of 0x42 set; then it commits. Returns whether
   * it committed.
   */
  private boolean iterationEnds() {
    if (sim.now() - iterationStart < MAX_WAIT) {
      return false;
    }
    iterationStart = sim.now();
    if (!packageLoadedFlag) {
      return false;
    }
    commit();
    return true;
  }

  /** ram.c's MAX_WAIT: the longest a ram_save_iterate runs before the thread looks around. */
  private static final long MAX_WAIT = Time.millis(50);

  /**
   * Pages per background write in postcopy: half a socket buffer's worth. QEMU writes page by
   * page and checks the request queue between pages, so a requested page waits behind what the
   * socket buffer holds, not behind a whole stream chunk. Half a buffer keeps that bound and
   * two writes in flight, so the wire never idles between them, while a write stays one event.
   */
  private int postcopyChunkPages() {
    long half = main.params().socketBufferBytes() / 2 / (params.pageBytes() + 8);
    return (int) Math.max(1, Math.min(params.chunkPages(), half));
  }

  private void paceAfterChunk(MigMessage chunk) {
    long rate = params.maxPostcopyBitsPerSecond();
    // postcopy_start sets the rate limit to max-postcopy-bandwidth before it sends the
    // package: it paces the gated designs' wait (10.2's postcopy-device) too
    if (rate > 0 && packageWritten) {
      pacing = true;
      sim.schedule(Time.transmission(chunk.pages() * params.pageBytes(), rate),
          HostId.SOURCE.kernelId(), paceLabel, paced, 0);
    }
  }

  // ---- the writer: one blocking write at a time, as the migration thread does ----

  private void send(MigMessage message, After after) {
    queue.add(new Outgoing(message, after));
    pump();
  }

  /** Writes queued messages one at a time; re-entrant calls fold into the running loop. */
  private void pump() {
    if (pumping || !migration.alive(HostId.SOURCE)) {
      return;
    }
    pumping = true;
    try {
      while (!writing && !status.terminal() && status != MigrationStatus.POSTCOPY_PAUSED) {
        Outgoing next = urgent.isEmpty() ? queue.pollFirst() : urgent.pollFirst();
        if (next == null) {
          if (pacing || !nextPostcopyWrite()) {
            return;
          }
          continue;
        }
        writing = true;
        if (endpoint().write(next.message(), this, next)) {
          writing = false;
          afterWritten(next);
        }
      }
    } finally {
      pumping = false;
    }
  }

  /** A blocked write completed (an event of the transport). */
  @Override
  public void written(Object token) {
    if (token == PREEMPT_WRITE) {
      preemptWritten();
      return;
    }
    writing = false;
    afterWritten((Outgoing) token);
    pump();
  }

  private void afterWritten(Outgoing w) {
    switch (w.after()) {
      case PRECOPY_STEP -> afterPrecopyChunk(w.message());
      case PACKAGE_WRITTEN -> packageWritten();
      case PACE -> paceAfterChunk(w.message());
      case PRECOPY_EOF -> {
        if (!returnPath()) {
          complete(); // without a return path the source cannot wait for SHUT
        }
      }
      case NOTHING -> { }
      default -> throw new AssertionError(w.after());
    }
  }

  // ---- the return path ----

  @Override
  public void onMessage(Message message) {
    MigMessage m = (MigMessage) message;
    if (m.kind() == Wire.PONG) {
      if (m.value() == Wire.PING_3 && spec.gate() == Variant.Gate.PONG_3 && awaitingGate()) {
        commit();
      } else if (m.value() == Wire.PING_PACKAGED_LOADED && awaitingPackageLoaded()) {
        // source_return_path_thread only sets postcopy_package_loaded and the event
        packageLoadedFlag = true;
        if (waitingForPong) {
          waitingForPong = false;
          commit();
        }
      }
    } else if (m.kind() == Wire.POSTCOPY_RUN_ACK) {
      if (spec.gate() == Variant.Gate.RUN_ACK && packageWritten) {
        commit();
      }
    } else if (m.kind() == Wire.REQ_PAGES) {
      servePageRequest((int) m.firstPage(), (int) m.pages());
    } else if (m.kind() == Wire.SHUT) {
      if (m.value() != 0) {
        onError(SocketError.ECONNRESET); // the destination failed and says so
      } else if (completing || eofSent) {
        complete();
      }
    } else if (m.kind() == Wire.PRECOPY_LOADED) {
      // Once "go" leaves, the destination may start: the source must never resume after this.
      committed = true;
      send(MigMessage.command(Wire.PRECOPY_GO, 0), After.NOTHING);
    } else if (m.kind() == Wire.RP_RECV_BITMAP) {
      migration.recovery().bitmapReceived();
    } else if (m.kind() == Wire.RESUME_ACK) {
      migration.recovery().resumed();
    }
  }

  private void servePageRequest(int first, int pages) {
    if (toPush == null) {
      return;
    }
    int end = first + pages;
    for (int p = toPush.next(first); p >= 0 && p < end; p = toPush.next(p + 1)) {
      toPush.remove(p, p + 1);
      record.requested(1);
      MigMessage page = MigMessage.pages(Wire.RAM_REQUESTED, p, 1, params.pageBytes());
      if (preemptActive()) {
        preemptQueue.add(page);
      } else {
        urgent.add(new Outgoing(page, After.NOTHING));
      }
    }
    pump();
    pumpPreempt();
  }

  /**
   * postcopy_preempt_active(): the preempt channel carries requested pages only in postcopy
   * (migration_in_postcopy, which counts postcopy-device); before that, a request (a device
   * load reading guest RAM) is queued for the main channel like any urgent page.
   */
  private boolean preemptActive() {
    return preempt != null && (status == MigrationStatus.POSTCOPY_ACTIVE
        || status == MigrationStatus.POSTCOPY_DEVICE);
  }

  /**
   * The preempt channel has its own sender (QEMU's postcopy preempt thread), so a requested page
   * never waits behind a blocked bulk write.
   */
  private void pumpPreempt() {
    Endpoint out = preempt == null ? null : preempt.endpoint(HostId.SOURCE);
    while (out != null && !preemptWriting && !preemptQueue.isEmpty() && preemptActive()) {
      preemptWriting = true;
      if (out.write(preemptQueue.pollFirst(), this, PREEMPT_WRITE)) {
        preemptWriting = false;
      }
    }
  }

  private void preemptWritten() {
    preemptWriting = false;
    pumpPreempt();
  }

  private void complete() {
    if (status.terminal()) {
      return;
    }
    setStatus(MigrationStatus.COMPLETED);
  }

  // ---- failures ----

  @Override
  public void onError(SocketError error) {
    if (status.terminal()) {
      return; // the orderly close after completion (or a dead channel's echo) detects nothing
    }
    if (waitingForPong) {
      // The migration thread sleeps on an event only the PONG sets; the return-path thread
      // exits on the error and nobody wakes it: no status change, for good (10.2).
      endpoint().setListener(SocketListener.IGNORE);
      return;
    }
    record.detected(HostId.SOURCE, sim.now());
    switch (status) {
      case ACTIVE -> {
        if (completing) {
          switchoverFailed();
        } else {
          setStatus(MigrationStatus.FAILED); // precopy failed: the guest never stopped
          closeChannel();
        }
      }
      case DEVICE, POSTCOPY_DEVICE, POSTCOPY_SETUP -> switchoverFailed();
      case POSTCOPY_ACTIVE -> {
        if (eofSent) {
          // migration_completion fails: FAILED, and migration_iteration_finish may restart
          setStatus(MigrationStatus.FAILED);
          closeChannel();
          restartAfterFailure(false);
        } else if (!packageWritten) {
          switchoverFailed(); // 7.2: still inside postcopy_start (its fail label)
        } else {
          pause();
        }
      }
      case POSTCOPY_RECOVER_SETUP, POSTCOPY_RECOVER -> pause();
      default -> { }
    }
  }

  /** An error after the guest stopped for the switchover, before the source completed. */
  private void switchoverFailed() {
    // Plain precopy never commits: until SHUT it can always fall back.
    if (!committed) {
      fallBack();
    } else if (spec.postcopy()) {
      pause();
    } else {
      setStatus(MigrationStatus.FAILED); // PRECOPY_ACK after "go": stay stopped
      closeChannel();
    }
  }

  /** A switchover that fails before the commit: FAILED, and the source may take over again. */
  private void fallBack() {
    if (gateTimer >= 0) {
      sim.cancel(gateTimer);
      gateTimer = -1;
    }
    setStatus(MigrationStatus.FAILED);
    closeChannel();
    restartAfterFailure(completing);
  }

  /**
   * migration_iteration_finish on FAILED: reactivate the disk and restart the guest here when
   * the version restarts after this kind of failure; 7.2 after a postcopy failure only takes
   * its disk back (postcopy_start's restart_block) and leaves the guest stopped. If the lock is
   * held elsewhere, 10.2 keeps the VM stopped; older QEMU goes on without its disk, which the
   * model ends as the process's death ("Failed to get write lock").
   */
  private void restartAfterFailure(boolean precopyCompletion) {
    if (!version.restartsAfterFailure(precopyCompletion)) {
      if (!packageWritten) {
        disk.activate(HostId.SOURCE, sim.now()); // restart_block: the destination never ran
      }
      return;
    }
    if (disk.activate(HostId.SOURCE, sim.now())) {
      record.guestStarts(HostId.SOURCE, sim.now(), disk.active(HostId.SOURCE));
    } else if (!version.keepsStoppedOnActivationFailure()) {
      migration.crashProcess(HostId.SOURCE);
    }
  }

  /**
   * QMP {@code migrate_cancel} from management: refused once in postcopy (migration_in_postcopy,
   * which counts postcopy-device) and in the RFC's postcopy-setup; otherwise CANCELLED, and
   * migration_iteration_finish restarts the guest as after a failure.
   */
  void cancel() {
    if (status != MigrationStatus.SETUP && status != MigrationStatus.ACTIVE
        && status != MigrationStatus.DEVICE) {
      return;
    }
    record.detected(HostId.SOURCE, sim.now()); // management gave up on the migration
    if (gateTimer >= 0) {
      sim.cancel(gateTimer);
      gateTimer = -1;
    }
    setStatus(MigrationStatus.CANCELLED);
    closeChannel();
    if (completing || postcopyStarted()) {
      restartAfterFailure(completing);
    }
  }

  private boolean postcopyStarted() {
    return toPush != null;
  }

  /** postcopy_pause: the channel is shut, the guest stays stopped, recovery may follow. */
  private void pause() {
    setStatus(MigrationStatus.POSTCOPY_PAUSED);
    closeChannel();
    migration.recovery().paused();
  }

  private void closeChannel() {
    queue.clear();
    urgent.clear();
    preemptQueue.clear();
    preemptWriting = false;
    writing = false;
    endpoint().setListener(SocketListener.IGNORE);
    endpoint().shutdownOutput();
  }

  // ---- recovery ----

  void recoverSetup(TcpConnection connection) {
    main = connection;
    preempt = null; // the model reconnects the main channel only; requested pages use it
    endpoint().setListener(this);
    setStatus(MigrationStatus.POSTCOPY_RECOVER_SETUP);
    setStatus(MigrationStatus.POSTCOPY_RECOVER);
    writing = false;
    send(MigMessage.command(Wire.RECV_BITMAP, 8), After.NOTHING);
  }

  /** The destination's received bitmap: re-send whatever it lacks. */
  void reloadBitmap(PageRanges received) {
    toPush = received.complement(params.pages());
    eofSent = false;
    send(MigMessage.command(Wire.POSTCOPY_RESUME, 0), After.NOTHING);
  }

  void resumeAcked() {
    setStatus(MigrationStatus.POSTCOPY_ACTIVE);
    pump();
  }

  void processDied() {
    queue.clear();
    urgent.clear();
    preemptQueue.clear();
    if (gateTimer >= 0) {
      sim.cancel(gateTimer);
    }
  }
}
