package io.postcopysim.qemu;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A source and a destination QEMU on loopback with a fault proxy between them, the migration
 * capabilities set, and a watcher that notes whether the destination ever ran the guest.
 * Bandwidth is capped (32 MB/s precopy, 8 MB/s postcopy) so each phase lasts long enough to
 * strike in it.
 */
final class Lab implements Closeable {
  final Qemu source;
  final Qemu destination;
  final FaultProxy proxy;
  private final AtomicBoolean destinationRan = new AtomicBoolean();
  private final Thread watcher;
  private volatile boolean closing;

  /** How an experiment sets QEMU up. */
  record Setup(boolean postcopy, boolean returnPath, boolean destinationAutostart) {}

  Lab(Path dir, Path ram, Setup setup) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    source = Qemu.start("src", dir, ram, 0, false);
    // -S and no cont: the destination loads but does not start (dest-autostart off).
    destination = Qemu.start("dst", dir, ram, port, !setup.destinationAutostart());
    proxy = new FaultProxy(port);
    for (Qemu q : new Qemu[] {source, destination}) {
      if (setup.postcopy()) {
        capability(q, "postcopy-ram");
      }
      if (setup.returnPath()) {
        capability(q, "return-path");
      }
    }
    source.qmp("migrate-set-parameters", Map.of("max-bandwidth", 32L << 20,
        "max-postcopy-bandwidth", 8L << 20));
    watcher = new Thread(this::watch, "lab-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void capability(Qemu q, String name) throws IOException {
    q.qmp("migrate-set-capabilities", Map.of("capabilities",
        java.util.List.of(Map.of("capability", name, "state", true))));
  }

  private void watch() {
    while (!closing) {
      destinationRunning();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
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

  void migrate() throws IOException {
    source.qmp("migrate", Map.of("uri", "tcp:127.0.0.1:" + proxy.port()));
  }

  void startPostcopy() throws IOException {
    source.qmp("migrate-start-postcopy");
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

  Observation observe(long settleMillis) throws InterruptedException {
    Thread.sleep(settleMillis);
    boolean srcAlive = source.alive();
    boolean dstAlive = destination.alive();
    return new Observation(srcAlive, srcAlive ? source.migrationStatus() : "dead",
        srcAlive ? source.runState() : "dead", dstAlive,
        dstAlive ? destination.migrationStatus() : "dead",
        dstAlive ? destination.runState() : "dead", destinationRan.get());
  }

  @Override
  public void close() throws IOException {
    closing = true;
    watcher.interrupt();
    proxy.close();
    source.close();
    destination.close();
  }
}
