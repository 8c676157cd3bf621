package io.postcopysim.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A source and a destination QEMU of one version on the loopback of this JVM's own network
 * namespace, optionally with a fault proxy between them (only to time a fault at a return-path
 * message), the migration capabilities set (with {@code events}, so MIGRATION events are
 * emitted), and a watcher that polls both sides every 20 ms, notes each change of migration
 * status and run state, and whether the destination ever ran the guest. Bandwidth is capped
 * (32 MB/s precopy, 8 MB/s postcopy) so each phase lasts long enough to strike in it.
 */
final class Lab implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  final QemuVersion version;
  final Qemu source;
  final Qemu destination;
  /** Null unless the setup asks for one. */
  final FaultProxy proxy;
  final Net net;
  final int destinationPort;
  private final AtomicBoolean destinationRan = new AtomicBoolean();
  private final Thread watcher;
  /** Samples the sockets and the DROP counters into LOGDIR/ss.log (see {@link #sampleSockets}). */
  private final Process sockets;
  private volatile boolean closing;
  private final List<String[]> polled = new CopyOnWriteArrayList<>();
  private final List<String> notes = new CopyOnWriteArrayList<>();
  private volatile long faultAtMillis = -1;
  private volatile String faultWhat = "";
  private final String[] last = {"", "", "", ""};

  /**
   * How an experiment sets QEMU up.
   *
   * @param proxy put the fault proxy in the path (to time a fault at a return-path message)
   * @param loadError the source has a device the destination lacks (virtio-rng-pci): a real
   *     device-state load error on the destination
   * @param tcpRetries2 net.ipv4.tcp_retries2 in the namespace (15 is Linux's default)
   * @param unlimited no max-bandwidth: precopy runs as fast as the QEMUs go, with the
   *     socket buffers full (see {@link #withoutRateLimit()})
   * @param receiveBufferMax net.ipv4.tcp_rmem's maximum in the namespace (0: Linux's), which
   *     caps the window the destination can advertise (see {@link #withSmallWindow()})
   */
  record Setup(boolean postcopy, boolean returnPath, boolean destinationAutostart,
      boolean proxy, boolean loadError, int tcpRetries2, boolean smallGuest, boolean disk,
      boolean unlimited, int receiveBufferMax) {
    Setup(boolean postcopy, boolean returnPath, boolean destinationAutostart) {
      this(postcopy, returnPath, destinationAutostart, false, false, 15, false, false, false, 0);
    }

    Setup withProxy() {
      return new Setup(postcopy, returnPath, destinationAutostart, true, loadError, tcpRetries2,
          smallGuest, disk, unlimited, receiveBufferMax);
    }

    Setup withLoadError() {
      return new Setup(postcopy, returnPath, destinationAutostart, proxy, true, tcpRetries2,
          smallGuest, disk, unlimited, receiveBufferMax);
    }

    Setup withRetries2(int r) {
      return new Setup(postcopy, returnPath, destinationAutostart, proxy, loadError, r,
          smallGuest, disk, unlimited, receiveBufferMax);
    }

    Setup paused() {
      return new Setup(postcopy, returnPath, false, proxy, loadError, tcpRetries2, smallGuest,
          disk, unlimited, receiveBufferMax);
    }

    /**
     * A 32 MiB guest with 4 MiB of random bytes and no postcopy bandwidth cap, postcopy
     * started right after migrate: all RAM is on its way before the package's PONG comes back.
     */
    Setup small() {
      return new Setup(postcopy, returnPath, destinationAutostart, proxy, loadError, tcpRetries2,
          true, disk, unlimited, receiveBufferMax);
    }

    /**
     * Both QEMUs share one raw image ({@link #DISK_INSIDE}, virtio-blk) with QEMU's own image
     * locking on: the destination takes the write lock when it activates the disk, the
     * source gets it back only if the destination let go (or died).
     */
    Setup withDisk() {
      return new Setup(postcopy, returnPath, destinationAutostart, proxy, loadError, tcpRetries2,
          smallGuest, true, unlimited, receiveBufferMax);
    }

    /**
     * No max-bandwidth: the source writes as fast as it can, so its socket buffer fills and the
     * destination's receive window is what holds the stream back (point 11: a cut of the way
     * back freezes the window the source last heard of).
     */
    Setup withoutRateLimit() {
      return new Setup(postcopy, returnPath, destinationAutostart, proxy, loadError, tcpRetries2,
          smallGuest, disk, true, receiveBufferMax);
    }

    /**
     * tcp_rmem's maximum at 16 KiB in the namespace: the destination advertises a window of a
     * few KB, smaller than any version's package, so a cut of the way back holds the package
     * whatever Linux's autotuning would have made of the window (which varies run to run).
     */
    Setup withSmallWindow() {
      return new Setup(postcopy, returnPath, destinationAutostart, proxy, loadError, tcpRetries2,
          smallGuest, disk, unlimited, 16 << 10);
    }
  }

  /** The shared disk image, as both QEMUs see it (inside the version's root). */
  static final String DISK_INSIDE = "/var/tmp/pcsim-disk.raw";
  static final int DISK_BYTES = 16 << 20;

  /** The small guest's RAM (-m 32M) and its random image (loaded at 16 MiB). */
  static final long SMALL_RAM_BYTES = 32L << 20;
  static final int SMALL_IMAGE_BYTES = 4 << 20;
  static final int IMAGE_BYTES = 64 << 20;
  /** When the lab started (epoch ms): time zero of the facts. */
  final long startedAtMillis = System.currentTimeMillis(); // wall-clock-ok
  private volatile long observedUntilMillis = -1;
  private java.nio.channels.FileChannel thirdHolder;
  final Setup setup;

  Lab(QemuVersion version, Path logDir, String runDir, String ram, Setup setup, Net net)
      throws IOException, InterruptedException {
    this.version = version;
    this.net = net;
    this.setup = setup;
    destinationPort = freePort();
    String mem = setup.smallGuest() ? (SMALL_RAM_BYTES >> 20) + "M" : "256M";
    List<String> disk = setup.disk() ? List.of("-drive", "file=" + DISK_INSIDE
        + ",format=raw,if=none,id=d0,file.locking=on", "-device", "virtio-blk-pci,drive=d0")
        : List.of();
    List<String> sourceOnly = new java.util.ArrayList<>(disk);
    if (setup.loadError()) {
      sourceOnly.addAll(List.of("-device", "virtio-rng-pci"));
    }
    source = Qemu.start(version, "src", runDir, ram, mem, logDir, 0, false, sourceOnly);
    // -S and no cont: the destination loads but does not start (dest-autostart off).
    destination = Qemu.start(version, "dst", runDir, ram, mem, logDir, destinationPort,
        !setup.destinationAutostart(), disk);
    net.addPort(destinationPort);
    if (setup.proxy()) {
      proxy = new FaultProxy(destinationPort);
      net.addPort(proxy.port());
    } else {
      proxy = null;
    }
    for (Qemu q : new Qemu[] {source, destination}) {
      capability(q, "events");
      if (setup.postcopy()) {
        capability(q, "postcopy-ram");
      }
      if (setup.returnPath()) {
        capability(q, "return-path");
      }
    }
    source.qmp("migrate-set-parameters", Map.of("max-bandwidth", setup.unlimited()
            ? ScenarioFile.UNLIMITED_BANDWIDTH : ScenarioFile.MAX_BANDWIDTH,
        "max-postcopy-bandwidth", setup.smallGuest() ? 0L
            : ScenarioFile.MAX_POSTCOPY_BANDWIDTH));
    sockets = sampleSockets(logDir);
    watcher = new Thread(this::watch, "lab-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Every 100 ms until the lab closes: a wall-clock stamp (epoch ms, as the facts' times),
   * {@code ss -tinoe} of the namespace's TCP sockets (per socket: bytes_sent, bytes_acked,
   * unacked, retrans, backoff, timer) and {@code iptables -L INPUT -v -n -x} (packets and
   * bytes dropped per rule), into LOGDIR/ss.log: which side has unacknowledged data after a
   * cut, and when its retransmission timer gives up.
   */
  private static Process sampleSockets(Path logDir) throws IOException {
    String loop = "while :; do echo \"@ $(date +%s%3N)\"; ss -tinoe; "
        + "iptables -w -L INPUT -v -n -x; sleep 0.1; done";
    return new ProcessBuilder("sh", "-c", loop).redirectErrorStream(true)
        .redirectOutput(logDir.resolve("ss.log").toFile()).start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void capability(Qemu q, String name) throws IOException {
    q.qmp("migrate-set-capabilities", Map.of("capabilities",
        List.of(Map.of("capability", name, "state", true))));
  }

  private void watch() {
    while (!closing) {
      poll(0, source);
      poll(2, destination);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void poll(int at, Qemu q) {
    if (!q.alive()) {
      return;
    }
    String status = q.migrationStatus();
    String run = q.runState();
    long now = System.currentTimeMillis(); // wall-clock-ok
    if (q == destination && run.equals("running")) {
      destinationRan.set(true);
    }
    synchronized (last) {
      if (!status.equals(last[at]) || !run.equals(last[at + 1])) {
        last[at] = status;
        last[at + 1] = run;
        polled.add(new String[] {q.name(), Long.toString(now), status, run});
      }
    }
  }

  /** Whether the destination runs now; every sighting counts for "the destination ran". */
  boolean destinationRunning() {
    boolean running = destination.alive() && destination.runState().equals("running");
    if (running) {
      destinationRan.set(true);
    }
    return running;
  }

  /** Marks the moment the fault strikes (the first mark counts). */
  void fault(String what) {
    if (faultAtMillis < 0) {
      faultAtMillis = System.currentTimeMillis(); // wall-clock-ok
      faultWhat = what;
    }
  }

  void note(String what) {
    notes.add((System.currentTimeMillis()) + " " + what); // wall-clock-ok
  }

  String uri(int port) {
    return "tcp:127.0.0.1:" + port;
  }

  void migrate() throws IOException {
    source.qmp("migrate", Map.of("uri", uri(proxy != null ? proxy.port() : destinationPort)));
  }

  void startPostcopy() throws IOException {
    source.qmp("migrate-start-postcopy");
  }

  /**
   * A third process takes a shared lock on the shared image's byte 201: with QEMU's image
   * locking (file-posix.c, raw_apply_lock_bytes: byte 100 + i says "uses permission i", byte
   * 200 + i "does not share permission i"; BLK_PERM_WRITE is bit 1) that says "nobody else may
   * write". The source took its locks before; a destination that activates the image for write
   * then fails its lock check ("Failed to get \"write\" lock"). This JVM is the third
   * process (FileChannel locks are fcntl record locks, which QEMU's OFD locks see); the lock
   * lasts until the lab closes.
   */
  void lockOutWriters() throws IOException {
    thirdHolder = java.nio.channels.FileChannel.open(version.onHost(DISK_INSIDE),
        java.nio.file.StandardOpenOption.READ);
    thirdHolder.lock(201, 1, true);
  }

  /** Postcopy recovery on a new port: migrate-recover on the destination, resume on the source. */
  void recover() throws IOException, InterruptedException {
    int port = freePort();
    net.addPort(port);
    note("migrate-recover " + uri(port));
    destination.qmp("migrate-recover", Map.of("uri", uri(port)));
    note("migrate resume=true " + uri(port));
    source.qmp("migrate", Map.of("uri", uri(port), "resume", true));
  }

  /** Polls until the condition holds; fails the experiment after the timeout. */
  static void await(String what, long timeoutMillis, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis; // wall-clock-ok
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) { // wall-clock-ok
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  /** Waits until the condition holds or the time is up; says which. */
  static boolean waitFor(long timeoutMillis, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis; // wall-clock-ok
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) { // wall-clock-ok
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Watches for the settle time; the final reads are then taken by {@link #facts()}. */
  void observe(long settleMillis) throws InterruptedException {
    Thread.sleep(settleMillis);
    closing = true; // the watcher's last poll is the last change seen
    // No interrupt: one in the middle of a QMP call would close the QMP channel
    // (ClosedByInterruptException), and every later read would say "dead".
    watcher.join(5000);
    sockets.destroy();
    observedUntilMillis = System.currentTimeMillis(); // wall-clock-ok
  }

  /**
   * Everything seen: QMP events (QEMU's timestamps), polled status changes, process exits,
   * the fault's moment, final query-migrate and query-status of both sides, and the time from
   * the fault to each side's first change (event or polled status).
   */
  ObjectNode facts() {
    ObjectNode r = JSON.createObjectNode();
    r.put("qemu_version", version.version());
    r.put("lab_start_ms", startedAtMillis);
    r.put("fault_at_ms", faultAtMillis);
    r.put("observed_until_ms", observedUntilMillis);
    r.put("fault_action", faultWhat);
    r.put("destination_ever_ran", destinationRan.get());
    ArrayNode ev = r.putArray("events");
    List<ObjectNode> all = new ArrayList<>();
    for (Qemu q : new Qemu[] {source, destination}) {
      for (Qmp.Event e : q.events()) {
        if (e.name().equals("MIGRATION_PASS")) {
          continue;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("side", q.name());
        n.put("t_ms", e.micros() / 1000.0);
        n.put("rel_ms", faultAtMillis < 0 ? null : e.micros() / 1000.0 - faultAtMillis);
        n.put("event", e.name());
        n.set("data", e.data());
        all.add(n);
      }
    }
    all.sort((a, b) -> Double.compare(a.path("t_ms").asDouble(), b.path("t_ms").asDouble()));
    all.forEach(ev::add);
    ArrayNode pl = r.putArray("polled");
    for (String[] p : polled) {
      ObjectNode n = pl.addObject();
      n.put("side", p[0]);
      n.put("t_ms", Long.parseLong(p[1]));
      n.put("rel_ms", faultAtMillis < 0 ? null : Long.parseLong(p[1]) - faultAtMillis);
      n.put("status", p[2]);
      n.put("run_state", p[3]);
    }
    ObjectNode det = r.putObject("detection_ms");
    for (Qemu q : new Qemu[] {source, destination}) {
      ObjectNode side = r.putObject(q.name());
      side.put("pid", q.pid());
      side.put("alive", q.alive());
      side.put("exited_at_ms", q.exitedAtMillis());
      if (faultAtMillis >= 0 && q.exitedAtMillis() >= 0) {
        side.put("exited_rel_ms", q.exitedAtMillis() - faultAtMillis);
      }
      if (q.alive()) {
        side.set("query_migrate", query(q, "query-migrate"));
        side.set("query_status", query(q, "query-status"));
      }
      det.put(q.name(), detection(q.name(), all));
    }
    r.putArray("notes").addAll(notes.stream().map(JSON.getNodeFactory()::textNode).toList());
    r.putArray("network").addAll(net.log().stream().map(JSON.getNodeFactory()::textNode)
        .toList());
    return r;
  }

  /** Time from the fault to this side's first STOP/RESUME/MIGRATION event, or null. */
  private Double detection(String side, List<ObjectNode> events) {
    if (faultAtMillis < 0) {
      return null;
    }
    for (ObjectNode e : events) {
      if (e.path("side").asText().equals(side) && e.path("rel_ms").asDouble() >= 0
          && List.of("STOP", "RESUME", "MIGRATION").contains(e.path("event").asText())) {
        return e.path("rel_ms").asDouble();
      }
    }
    return null;
  }

  private static JsonNode query(Qemu q, String cmd) {
    try {
      return q.qmp(cmd);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode("error: " + e.getMessage());
    }
  }

  @Override
  public void close() throws IOException {
    closing = true;
    if (thirdHolder != null) {
      thirdHolder.close();
    }
    watcher.interrupt();
    sockets.destroy();
    if (proxy != null) {
      proxy.close();
    }
    source.close();
    destination.close();
  }
}
