package io.postcopysim.qemu;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

/**
 * A TCP proxy between the source and the destination that can blackhole either direction from
 * a moment or from a return-path message, or reset the connection. A blackholed direction is
 * not read any more: bytes stay in the sockets as they would behind a cut link, and neither
 * data, nor FIN, nor RST crosses it. The return path's framing (be16 type, be16 length,
 * payload; QEMU's migration.c) is parsed so that a fault can strike just before a message.
 */
final class FaultProxy implements Closeable {
  /** QEMU 7.2's mig_rp_message_type values. */
  static final int RP_SHUT = 1;
  static final int RP_PONG = 2;
  static final int RP_REQ_PAGES_ID = 3;
  static final int RP_REQ_PAGES = 4;

  /**
   * A fault that strikes at the first return-path message matching a test: before it is
   * forwarded (and then the message is forwarded, or dropped when {@code drop}), or, when
   * {@code after}, once it has been forwarded.
   */
  record Trigger(IntPredicate type, IntPredicate pongValue, Runnable action, boolean drop,
      boolean after) {
    Trigger(IntPredicate type, IntPredicate pongValue, Runnable action) {
      this(type, pongValue, action, false, false);
    }
  }

  private final ServerSocket server;
  private final int destinationPort;
  private volatile Socket fromSource;
  private volatile Socket toDestination;
  private volatile boolean holdToDestination;
  private volatile boolean holdToSource;
  private volatile long holdAtOffset = Long.MAX_VALUE;
  private volatile long forwardedToDestination;
  private final List<Trigger> triggers = new CopyOnWriteArrayList<>();
  private final List<Integer> seenTypes = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private final java.util.concurrent.CountDownLatch connected =
      new java.util.concurrent.CountDownLatch(1);

  FaultProxy(int destinationPort) throws IOException {
    this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    this.destinationPort = destinationPort;
    Thread t = new Thread(this::accept, "proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Return-path message types seen so far, in order. */
  List<Integer> seenTypes() {
    return List.copyOf(seenTypes);
  }

  void onReturnPath(Trigger t) {
    triggers.add(t);
  }

  /** Blackholes source-to-destination (and, TCP being TCP, stops that direction's acks). */
  void blackholeToDestination() {
    holdToDestination = true;
  }

  void blackholeToSource() {
    holdToSource = true;
  }

  /**
   * Blackholes source-to-destination once {@code bytes} bytes of the main stream have crossed
   * (counted from the connection's start): a fault at a byte offset.
   */
  void blackholeToDestinationAfter(long bytes) {
    holdAtOffset = bytes;
  }

  /** Main-stream bytes forwarded so far. */
  long forwardedToDestination() {
    return forwardedToDestination;
  }

  /** Ends every blackhole: held bytes flow again (a partition that heals, or a delay). */
  void heal() {
    holdToDestination = false;
    holdToSource = false;
    holdAtOffset = Long.MAX_VALUE;
    synchronized (gate) {
      gate.notifyAll();
    }
  }

  /** Waits (up to 10 s) until the source connected and the proxy reached the destination. */
  boolean awaitConnected() {
    try {
      return connected.await(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A middlebox reset: RST to both sides at once (once both are connected). */
  void reset() {
    awaitConnected();
    resetNow();
  }

  private void resetNow() {
    for (Socket s : new Socket[] {fromSource, toDestination}) {
      if (s != null) {
        try {
          s.setSoLinger(true, 0);
          s.close();
        } catch (IOException e) {
          // already gone
        }
      }
    }
  }

  private void accept() {
    try {
      Socket src = server.accept();
      Socket dst = new Socket(InetAddress.getLoopbackAddress(), destinationPort);
      src.setTcpNoDelay(true);
      dst.setTcpNoDelay(true);
      fromSource = src;
      toDestination = dst;
      connected.countDown();
      start("proxy-to-dst", () -> pump(src, dst, true));
      start("proxy-to-src", () -> pumpReturnPath(dst, src));
    } catch (IOException e) {
      // closed before a migration connected
    }
  }

  private interface IoTask {
    void run() throws IOException, InterruptedException;
  }

  private static void start(String name, IoTask task) {
    Thread t = new Thread(() -> {
      try {
        task.run();
      } catch (IOException | InterruptedException e) {
        // the connection ended
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private void waitWhileHeld(boolean toDestination) throws InterruptedException {
    while (toDestination ? holdToDestination : holdToSource) {
      synchronized (gate) {
        gate.wait(50);
      }
    }
  }

  private void pump(Socket from, Socket peer, boolean toDestination)
      throws IOException, InterruptedException {
    InputStream in = from.getInputStream();
    OutputStream out = peer.getOutputStream();
    byte[] buf = new byte[64 * 1024];
    while (true) {
      waitWhileHeld(toDestination);
      int n;
      try {
        n = in.read(buf);
      } catch (IOException e) {
        if (!timedOut(e)) {
          passReset(peer, toDestination); // the sender's kernel sent RST
        }
        return;
      }
      waitWhileHeld(toDestination);
      if (n < 0) {
        peer.shutdownOutput(); // FIN follows the data
        return;
      }
      int off = 0;
      while (off < n) {
        int chunk = n - off;
        if (toDestination) {
          long room = holdAtOffset - forwardedToDestination;
          if (room <= 0) {
            holdToDestination = true; // the offset is reached: the rest waits behind the cut
            waitWhileHeld(true);
            continue;
          }
          chunk = (int) Math.min(chunk, room);
        }
        byte[] part = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, off + chunk);
        if (!forward(out, from, toDestination, part, chunk)) {
          return;
        }
        off += chunk;
        if (toDestination) {
          forwardedToDestination += chunk;
        }
      }
    }
  }

  /**
   * Writes to the receiver; if its process is gone, its kernel would answer the sender's
   * next segment with RST, so the sender gets one (unless the way back is blackholed).
   */
  private boolean forward(OutputStream out, Socket sender, boolean toDestination, byte[] b,
      int n) {
    try {
      out.write(b, 0, n);
      return true;
    } catch (IOException e) {
      if (!timedOut(e)) {
        passReset(sender, !toDestination);
      }
      return false;
    }
  }

  /**
   * A leg whose packets iptables drops gives up on its own (ETIMEDOUT); a wire would not tell
   * the other side, so neither does the proxy.
   */
  private static boolean timedOut(IOException e) {
    return String.valueOf(e.getMessage()).contains("timed out");
  }

  /** An RST crosses unless that direction is blackholed. */
  private void passReset(Socket peer, boolean toDestination) {
    if (!(toDestination ? holdToDestination : holdToSource)) {
      try {
        peer.setSoLinger(true, 0);
        peer.close();
      } catch (IOException e) {
        // gone already
      }
    }
  }

  private void pumpReturnPath(Socket from, Socket peer)
      throws IOException, InterruptedException {
    InputStream in = from.getInputStream();
    OutputStream out = peer.getOutputStream();
    byte[] header = new byte[4];
    while (true) {
      waitWhileHeld(false);
      int type;
      byte[] payload;
      try {
        if (!readFully(in, header)) {
          peer.shutdownOutput();
          return;
        }
        type = ((header[0] & 0xff) << 8) | (header[1] & 0xff);
        int len = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        payload = new byte[len];
        if (!readFully(in, payload)) {
          peer.shutdownOutput();
          return;
        }
      } catch (IOException e) {
        if (!timedOut(e)) {
          passReset(peer, false);
        }
        return;
      }
      int len = payload.length;
      seenTypes.add(type);
      int value = type == RP_PONG && len >= 4 ? ((payload[0] & 0xff) << 24)
          | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff) : -1;
      boolean drop = false;
      List<Trigger> afterwards = new java.util.ArrayList<>();
      for (Trigger t : triggers) {
        if (t.type().test(type) && t.pongValue().test(value)) {
          triggers.remove(t);
          if (t.after()) {
            afterwards.add(t);
          } else {
            t.action().run(); // may blackhole this direction: then the message is held
            drop |= t.drop();
          }
        }
      }
      waitWhileHeld(false);
      if (drop) {
        continue; // lost: never reaches the source
      }
      byte[] message = new byte[4 + payload.length];
      System.arraycopy(header, 0, message, 0, 4);
      System.arraycopy(payload, 0, message, 4, payload.length);
      if (!forward(out, from, false, message, message.length)) {
        return;
      }
      out.flush();
      afterwards.forEach(t -> t.action().run());
    }
  }

  private static boolean readFully(InputStream in, byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        return false;
      }
      off += n;
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    server.close();
    resetNow();
  }
}
