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
  // The sockets are the world's (a fork re-points them); everything else that changes is in st.
  private TcpConnection main;
  private TcpConnection preempt;
  private State st = new State();
  /** Whether any rate limit applies: only then are the window's bytes counted. */
  private final boolean rateLimited;
  private final int gateTimeoutLabel;
  private static final int PACE_LABEL = Labels.intern("src:timer:rate-limit");
  private final EventHandler gateExpired = arg -> gateExpired();
  private final EventHandler paced = arg -> {
    st.pacing = false;
    newWindow(); // migration_update_counters
    pump();
  };
  private static final int PRECOPY_PACE_LABEL = Labels.intern("src:timer:max-bandwidth");
  private final EventHandler precopyPaced = arg -> {
    newWindow();
    precopyStep();
  };


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
    this.rateLimited = params.maxBandwidthBitsPerSecond() > 0
        || params.maxPostcopyBitsPerSecond() > 0;
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
    assert !o.st.pumping : "forked mid-pump";
    st = o.st.copy();
    main = fork.get(o.main);
    preempt = fork.get(o.preempt);
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
    return st.status;
  }

  /** Whether the migration thread can never act again (see {@link Migration#sourceWedged}). */
  boolean wedged() {
    return st.wedged;
  }

  boolean committed() {
    return st.committed;
  }

  private void setStatus(MigrationStatus s) {
    st.status = s;
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
    st.dirtySince = sim.now();
    st.roundFrom = 0;
    st.roundTo = params.pages();
    st.neverSentFrom = 0;
    precopyStep();
  }

  /** One iteration of the migration loop in precopy: a chunk, or a decision. */
  private void precopyStep() {
    if (st.status != MigrationStatus.ACTIVE || !migration.alive(HostId.SOURCE)) {
      return; // a rate-limit sleep may end after the process died
    }
    if (spec.postcopy() && sim.now() >= params.precopyNanos()) {
      postcopyStart();
      return;
    }
    if (st.roundFrom < st.roundTo) {
      // With max-bandwidth, one write is what is left of the rate-limit window: the thread
      // looks at a requested switchover only between iterations.
      long rate = params.maxBandwidthBitsPerSecond();
      int left = st.roundTo - st.roundFrom;
      int to = st.roundFrom + (rate > 0 ? windowPages(st.roundFrom, left, rate)
          : Math.min(left, params.chunkPages()));
      MigMessage chunk = MigMessage.pages(Wire.RAM, st.roundFrom, to - st.roundFrom, params);
      if (st.neverSentFrom < to && st.roundTo == params.pages()) {
        st.neverSentFrom = to;
      }
      st.roundFrom = to;
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
    st.dirtySince = sim.now();
    st.roundFrom = 0;
    st.roundTo = dirty;
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
   * migration_rate_limit: with max-bandwidth set, the thread sleeps to the end of a window whose
   * budget it spent, so the socket buffer stays nearly empty and the switchover's package
   * does not queue behind a full buffer (real QEMU: 4-14 ms to the destination).
   */
  private void afterPrecopyChunk() {
    long rate = params.maxBandwidthBitsPerSecond();
    if (rateLimited) {
      // migration_update_counters rolls the window after every iteration, limit or not: the
      // bytes since then count against postcopy's budget once the switchover sets it
      st.rate = st.rate.at(sim.now());
    }
    long wait = rate > 0 ? rateLimitWait(rate) : 0;
    if (wait == 0) {
      precopyStep();
      return;
    }
    sim.schedule(wait, HostId.SOURCE.kernelId(), PRECOPY_PACE_LABEL, precopyPaced, 0);
  }

  /** Pages dirtied since their last pass, among those already sent. */
  private int dirtyPages() {
    return Math.min(guest.dirtiedIn(sim.now() - st.dirtySince), st.neverSentFrom);
  }

  /**
   * {@code migration_completion} in precopy: stop, send the rest and the devices, EOF. 7.2
   * stays {@code active} (device only with pause-before-switchover, as real 7.2 confirms);
   * from 10.0 migration_switchover_start reports {@code device}.
   */
  private void precopyComplete(int dirty) {
    st.completing = true;
    if (version.reportsDevice()) {
      setStatus(MigrationStatus.DEVICE); // migration_switchover_start, from 10.0 on
    }
    record.guestStops(HostId.SOURCE, sim.now());
    disk.inactivate(HostId.SOURCE, sim.now());
    for (int from = 0; from < dirty; from += params.chunkPages()) {
      int n = Math.min(params.chunkPages(), dirty - from);
      send(MigMessage.pages(Wire.RAM, from, n, params), After.NOTHING);
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
    st.toPush = new PageRanges();
    st.toPush.add(0, stale);
    st.toPush.add(st.neverSentFrom, params.pages());
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
    if (st.packageWritten || st.status.terminal()
        || st.status == MigrationStatus.POSTCOPY_PAUSED) {
      return; // failed while the package was being written
    }
    st.packageWritten = true;
    st.iterationStart = sim.now();
    setStatus(spec.statusAfterPackage());
    if (spec.gate() == Variant.Gate.NONE) {
      st.committed = true;
    } else {
      long timeout = spec.gateTimeout().resolve(params);
      if (timeout >= 0) {
        st.gateTimer = sim.schedule(timeout, HostId.SOURCE.kernelId(), gateTimeoutLabel,
            gateExpired, 0);
      }
    }
    paceAfterChunk(); // postcopy_start's last step: the limit, and the window it finds spent
    send(MigMessage.ping(Wire.PING_4), After.NOTHING);
    pump();
  }

  private void commit() {
    if (st.committed || st.status == MigrationStatus.FAILED) {
      return;
    }
    st.committed = true;
    if (st.gateTimer >= 0) {
      sim.cancel(st.gateTimer);
    }
    if (!spec.runInPackage()) {
      // the RFC's RUN after the commit (MIG_CMD_POSTCOPY_RUN sent on its own)
      st.urgent.addFirst(new Outgoing(MigMessage.command(Wire.POSTCOPY_RUN, 0), After.NOTHING));
    }
    setStatus(MigrationStatus.POSTCOPY_ACTIVE);
    pump();
  }

  /** The gate's timeout (PING3's ping3-timeout): no answer in time, fall back. */
  private void gateExpired() {
    st.gateTimer = -1;
    if (awaitingGate()) {
      st.waitingForPong = false; // a timed wait wakes up even with the return path gone
      record.detected(HostId.SOURCE, sim.now());
      fallBack();
    }
  }

  /** Between the package and the commit, the switchover not failed: waiting at the gate. */
  private boolean awaitingGate() {
    return st.packageWritten && !st.committed && st.status == spec.statusAfterPackage();
  }

  /** 10.2's gate: the migration thread waits for the flag the PONG of 0x42 sets. */
  private boolean awaitingPackageLoaded() {
    return spec.gate() == Variant.Gate.PONG_PACKAGED_LOADED && awaitingGate();
  }

  /** The postcopy loop: requested pages first, then the next run of pages in order. */
  private boolean nextPostcopyWrite() {
    if (st.toPush == null || !st.packageWritten || st.status.terminal()
        || st.status == MigrationStatus.POSTCOPY_PAUSED
        || st.status == MigrationStatus.POSTCOPY_RECOVER_SETUP
        || st.status == MigrationStatus.POSTCOPY_RECOVER) {
      return false;
    }
    if (awaitingPackageLoaded() && iterationEnds()) {
      return true; // committed: the pump goes on in postcopy-active
    }
    int first = st.toPush.next(0);
    if (first < 0) {
      if (awaitingPackageLoaded()) {
        // complete_ready: qemu_event_wait(postcopy_package_loaded_event), no timeout; an
        // event the PONG already set lets it through at once
        if (st.packageLoadedFlag) {
          commit();
          return true;
        }
        st.waitingForPong = true;
        return false;
      }
      if (st.committed && !st.eofSent) {
        st.eofSent = true;
        record.finalEofSent(sim.now());
        st.queue.add(new Outgoing(MigMessage.command(Wire.VM_EOF, 0), After.NOTHING));
        return true;
      }
      return false;
    }
    int end = st.toPush.runEnd(first);
    long rate = params.maxPostcopyBitsPerSecond();
    int n = windowPages(first, Math.min(end - first, postcopyChunkPages()),
        st.packageWritten ? rate : 0);
    st.toPush.remove(first, first + n);
    record.pushed(n);
    st.queue.add(new Outgoing(MigMessage.pages(Wire.RAM, first, n, params),
        After.PACE));
    return true;
  }

  /**
   * migration_iteration_run in postcopy-device: a ram_save_iterate runs up to MAX_WAIT (50 ms)
   * before the thread looks at the flag the PONG of 0x42 set; then it commits. Returns whether
   * it committed.
   */
  private boolean iterationEnds() {
    if (sim.now() - st.iterationStart < MAX_WAIT) {
      return false;
    }
    st.iterationStart = sim.now();
    if (!st.packageLoadedFlag) {
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

  /**
   * Pages for one write, at most {@code most}: with a rate limit, no more than one window's
   * budget. migration_rate_limit gives each 100 ms window (BUFFER_DELAY) a tenth of the rate
   * (XFER_LIMIT_RATIO); ram_save_iterate stops when it is spent and the thread sleeps to the
   * window's end, so an iteration, and the thread's look at its flags (a requested switchover,
   * 10.2's PONG of 0x42), never waits longer than a window.
   */
  private int windowPages(int first, int most, long rate) {
    if (rate <= 0) {
      return most;
    }
    st.rate = st.rate.at(sim.now());
    return params.pagesWithin(first, most, st.rate.left(rate));
  }

  private void newWindow() {
    st.rate = st.rate.at(sim.now());
  }

  /** migration_rate_limit: how long the thread sleeps now (the window rolls first). */
  private long rateLimitWait(long rate) {
    st.rate = st.rate.at(sim.now());
    return st.rate.sleep(sim.now(), rate);
  }

  /**
   * The postcopy loop's migration_rate_limit, after each background write and after the
   * package: postcopy_start sets the limit to max-postcopy-bandwidth once the package is
   * written, and the package's bytes count in the window, so the push (and 10.2's look at its
   * flag in postcopy-device) waits for the next window. Requested pages do not wait.
   */
  private void paceAfterChunk() {
    long rate = params.maxPostcopyBitsPerSecond();
    long wait = rate > 0 && st.packageWritten ? rateLimitWait(rate) : 0;
    if (wait > 0) {
      st.pacing = true;
      sim.schedule(wait, HostId.SOURCE.kernelId(), PACE_LABEL, paced, 0);
    }
  }

  // ---- the writer: one blocking write at a time, as the migration thread does ----

  private void send(MigMessage message, After after) {
    st.queue.add(new Outgoing(message, after));
    pump();
  }

  /** Writes queued messages one at a time; re-entrant calls fold into the running loop. */
  private void pump() {
    if (st.pumping || !migration.alive(HostId.SOURCE)) {
      return;
    }
    st.pumping = true;
    try {
      while (!st.writing && !st.status.terminal()
          && st.status != MigrationStatus.POSTCOPY_PAUSED) {
        Outgoing next = st.urgent.isEmpty() ? st.queue.pollFirst() : st.urgent.pollFirst();
        if (next == null) {
          if (st.pacing || !nextPostcopyWrite()) {
            return;
          }
          continue;
        }
        st.writing = true;
        if (rateLimited) {
          st.rate = st.rate.account(next.message().size());
        }
        if (endpoint().write(next.message(), this, next)) {
          st.writing = false;
          afterWritten(next);
        }
      }
    } finally {
      st.pumping = false;
    }
  }

  /** A blocked write completed (an event of the transport). */
  @Override
  public void written(Object token) {
    if (token == PREEMPT_WRITE) {
      preemptWritten();
      return;
    }
    st.writing = false;
    afterWritten((Outgoing) token);
    pump();
  }

  private void afterWritten(Outgoing w) {
    switch (w.after()) {
      case PRECOPY_STEP -> afterPrecopyChunk();
      case PACKAGE_WRITTEN -> packageWritten();
      case PACE -> paceAfterChunk();
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
        st.packageLoadedFlag = true;
        if (st.waitingForPong) {
          st.waitingForPong = false;
          commit();
        }
      }
    } else if (m.kind() == Wire.POSTCOPY_RUN_ACK) {
      if (spec.gate() == Variant.Gate.RUN_ACK && st.packageWritten) {
        commit();
      }
    } else if (m.kind() == Wire.REQ_PAGES) {
      servePageRequest((int) m.firstPage(), (int) m.pages());
    } else if (m.kind() == Wire.SHUT) {
      if (m.value() != 0) {
        onError(SocketError.ECONNRESET); // the destination failed and says so
      } else if (st.completing || st.eofSent) {
        complete();
      }
    } else if (m.kind() == Wire.PRECOPY_LOADED) {
      // Once "go" leaves, the destination may start: the source must never resume after this.
      st.committed = true;
      send(MigMessage.command(Wire.PRECOPY_GO, 0), After.NOTHING);
    } else if (m.kind() == Wire.RP_RECV_BITMAP) {
      migration.recovery().bitmapReceived();
    } else if (m.kind() == Wire.RESUME_ACK) {
      migration.recovery().resumed();
    }
  }

  private void servePageRequest(int first, int pages) {
    // The destination asks only from LISTEN on (its load's pages, then vCPU faults), and LISTEN
    // travels in the package postcopy_start built after it computed what to push.
    assert st.toPush != null : "MIG_RP_MSG_REQ_PAGES before postcopy_start";
    int end = first + pages;
    for (int p = st.toPush.next(first); p >= 0 && p < end; p = st.toPush.next(p + 1)) {
      st.toPush.remove(p, p + 1);
      record.requested(1);
      MigMessage page = MigMessage.pages(Wire.RAM_REQUESTED, p, 1, params);
      if (preemptActive()) {
        st.preemptQueue.add(page);
      } else {
        st.urgent.add(new Outgoing(page, After.NOTHING));
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
    return preempt != null && (st.status == MigrationStatus.POSTCOPY_ACTIVE
        || st.status == MigrationStatus.POSTCOPY_DEVICE);
  }

  /**
   * The preempt channel has its own sender (QEMU's postcopy preempt thread), so a requested page
   * never waits behind a blocked bulk write.
   */
  private void pumpPreempt() {
    Endpoint out = preempt == null ? null : preempt.endpoint(HostId.SOURCE);
    while (out != null && !st.preemptWriting && !st.preemptQueue.isEmpty()
        && preemptActive()) {
      st.preemptWriting = true;
      if (out.write(st.preemptQueue.pollFirst(), this, PREEMPT_WRITE)) {
        st.preemptWriting = false;
      }
    }
  }

  private void preemptWritten() {
    st.preemptWriting = false;
    pumpPreempt();
  }

  private void complete() {
    if (st.status.terminal()) {
      return;
    }
    setStatus(MigrationStatus.COMPLETED);
  }

  // ---- failures ----

  @Override
  public void onError(SocketError error) {
    if (st.status.terminal()) {
      return; // the orderly close after completion (or a dead channel's echo) detects nothing
    }
    // Waiting for the PONG of 0x42 with nothing left to send (st.waitingForPong), 10.2's code
    // sleeps in qemu_event_wait, which only the PONG sets; yet real 11.1.3 fails at once on a
    // return-path error there (lab: small-dest-kill-before-pong42, "failing" then "failed" and
    // the guest running again 7 ms after the destination was killed, "Channel error:
    // Input/output error"), so the error ends the wait like any other in postcopy-device.
    st.waitingForPong = false;
    if (st.eofSent && st.status == MigrationStatus.POSTCOPY_ACTIVE
        && version.wedgesOnReturnPathErrorInCompletion()) {
      st.wedged = true; // 7.2: both threads wait for each other, postcopy-active for good
      endpoint().setListener(SocketListener.IGNORE);
      return;
    }
    record.detected(HostId.SOURCE, sim.now());
    switch (st.status) {
      case ACTIVE -> {
        if (st.completing) {
          switchoverFailed();
        } else {
          setStatus(MigrationStatus.FAILED); // precopy failed: the guest never stopped
          closeChannel();
        }
      }
      case DEVICE, POSTCOPY_DEVICE, POSTCOPY_SETUP -> switchoverFailed();
      case POSTCOPY_ACTIVE -> {
        if (st.eofSent) {
          // migration_completion fails: FAILED, and migration_iteration_finish may restart
          setStatus(MigrationStatus.FAILED);
          closeChannel();
          restartAfterFailure(false);
        } else if (!st.packageWritten) {
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
    if (!st.committed) {
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
    if (st.gateTimer >= 0) {
      sim.cancel(st.gateTimer);
      st.gateTimer = -1;
    }
    setStatus(MigrationStatus.FAILED);
    closeChannel();
    restartAfterFailure(st.completing);
  }

  /**
   * migration_iteration_finish on FAILED: reactivate the disk and restart the guest here when
   * the version restarts after this kind of failure; 7.2 after a postcopy failure only takes
   * its disk back (postcopy_start's restart_block) and leaves the guest stopped. If the lock is
   * held elsewhere, 10.2 keeps the VM stopped; 10.0/10.1 start it anyway, without its disk
   * ("Failed to get write lock" is only reported): with the destination running, a split
   * brain that locking does not prevent (real 10.0, lab experiment disk-reset-before-shut).
   */
  private void restartAfterFailure(boolean precopyCompletion) {
    if (!version.restartsAfterFailure(precopyCompletion)) {
      if (!st.packageWritten) {
        disk.activate(HostId.SOURCE, sim.now()); // restart_block: the destination never ran
      }
      return;
    }
    if (disk.activate(HostId.SOURCE, sim.now())) {
      record.guestStarts(HostId.SOURCE, sim.now(), disk.active(HostId.SOURCE));
    } else if (!version.keepsStoppedOnActivationFailure()) {
      // 10.0/10.1 start the VM whatever the reactivation said: the guest runs without its
      // disk next to the destination that holds it (lab 10.0: disk-reset-before-shut).
      record.sourceRestartsWithoutDisk(sim.now());
    }
  }

  /**
   * QMP {@code migrate_cancel} from management: refused once in postcopy (migration_in_postcopy,
   * which counts postcopy-device) and in the RFC's postcopy-setup; otherwise CANCELLED, and
   * migration_iteration_finish restarts the guest as after a failure.
   */
  void cancel() {
    if (st.status != MigrationStatus.SETUP && st.status != MigrationStatus.ACTIVE
        && st.status != MigrationStatus.DEVICE) {
      return;
    }
    record.detected(HostId.SOURCE, sim.now()); // management gave up on the migration
    if (st.gateTimer >= 0) {
      sim.cancel(st.gateTimer);
      st.gateTimer = -1;
    }
    setStatus(MigrationStatus.CANCELLED);
    closeChannel();
    if (st.completing || postcopyStarted()) {
      restartAfterFailure(st.completing);
    }
  }

  private boolean postcopyStarted() {
    return st.toPush != null;
  }

  /** postcopy_pause: the channel is shut, the guest stays stopped, recovery may follow. */
  private void pause() {
    setStatus(MigrationStatus.POSTCOPY_PAUSED);
    closeChannel();
    migration.recovery().paused();
  }

  private void closeChannel() {
    st.queue.clear();
    st.urgent.clear();
    st.preemptQueue.clear();
    st.preemptWriting = false;
    st.writing = false;
    endpoint().setListener(SocketListener.IGNORE);
    endpoint().shutdownOutput();
  }

  // ---- recovery ----

  void recoverSetup(TcpConnection connection) {
    // Recovery starts only with both sides in postcopy-paused (Recovery.bothPaused)
    assert st.status == MigrationStatus.POSTCOPY_PAUSED : "recovering from " + st.status;
    main = connection;
    preempt = null; // the model reconnects the main channel only; requested pages use it
    endpoint().setListener(this);
    setStatus(MigrationStatus.POSTCOPY_RECOVER_SETUP);
    setStatus(MigrationStatus.POSTCOPY_RECOVER);
    st.writing = false;
    send(MigMessage.command(Wire.RECV_BITMAP, 8), After.NOTHING);
  }

  /** The destination's received bitmap: re-send whatever it lacks. */
  void reloadBitmap(PageRanges received) {
    st.toPush = received.complement(params.pages());
    st.eofSent = false;
    send(MigMessage.command(Wire.POSTCOPY_RESUME, 0), After.NOTHING);
  }

  void resumeAcked() {
    setStatus(MigrationStatus.POSTCOPY_ACTIVE);
    pump();
  }

  void processDied() {
    st.queue.clear();
    st.urgent.clear();
    st.preemptQueue.clear();
    if (st.gateTimer >= 0) {
      sim.cancel(st.gateTimer);
    }
  }

  /**
   * Everything of the source that changes during a run, in one value: a fork copies it with
   * {@link #copy()}, so a field added here cannot be forgotten by the fork. The sockets stay
   * outside (they belong to the world, and {@code Fork} re-points them).
   */
  private static final class State {
    final ArrayDeque<Outgoing> queue;
    final ArrayDeque<Outgoing> urgent;
    final ArrayDeque<MigMessage> preemptQueue;
    MigrationStatus status = MigrationStatus.NONE;
    boolean writing;
    boolean pumping;
    boolean pacing;
    boolean preemptWriting;

    // precopy: round 1 sends [0, neverSentFrom..N); later rounds the dirty prefix [0, k)
    int roundFrom;
    int roundTo;
    int neverSentFrom;
    long dirtySince;
    boolean completing;

    // postcopy
    PageRanges toPush;
    boolean packageWritten;
    boolean committed;
    boolean eofSent;
    /** The migration thread can never act again (nor be paused, recovered or cancelled). */
    boolean wedged;
    long gateTimer = -1;
    // 10.2's gate: the return-path thread only flags the PONG of 0x42; the migration thread
    // commits at the top of its next iteration, or at once if it waits with nothing to send.
    boolean packageLoadedFlag;
    boolean waitingForPong;
    long iterationStart;
    RateLimit rate = RateLimit.START;

    State() {
      this(new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>());
    }

    private State(ArrayDeque<Outgoing> queue, ArrayDeque<Outgoing> urgent,
        ArrayDeque<MigMessage> preemptQueue) {
      this.queue = queue;
      this.urgent = urgent;
      this.preemptQueue = preemptQueue;
    }

    /**
     * A deep copy: queues and page sets are copied, messages are immutable and shared. The
     * queues are cloned (one array copy each) rather than refilled element by element.
     */
    State copy() {
      State c = new State(queue.clone(), urgent.clone(), preemptQueue.clone());
      c.status = status;
      c.writing = writing;
      c.pumping = pumping;
      c.pacing = pacing;
      c.preemptWriting = preemptWriting;
      c.roundFrom = roundFrom;
      c.roundTo = roundTo;
      c.neverSentFrom = neverSentFrom;
      c.dirtySince = dirtySince;
      c.completing = completing;
      c.toPush = toPush == null ? null : toPush.copy();
      c.packageWritten = packageWritten;
      c.committed = committed;
      c.eofSent = eofSent;
      c.wedged = wedged;
      c.gateTimer = gateTimer;
      c.packageLoadedFlag = packageLoadedFlag;
      c.waitingForPong = waitingForPong;
      c.iterationStart = iterationStart;
      c.rate = rate;
      return c;
    }
  }
}
