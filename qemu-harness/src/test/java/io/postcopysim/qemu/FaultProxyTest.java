package io.postcopysim.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The proxy with plain sockets standing in for the two QEMUs. */
class FaultProxyTest {
  /** A connected pair: "source" talks through the proxy to "destination". */
  record Pair(FaultProxy proxy, Socket source, Socket destination) implements AutoCloseable {
    static Pair open() throws IOException {
      ServerSocket dst = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      FaultProxy proxy = new FaultProxy(dst.getLocalPort());
      Socket src = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
      Socket d = dst.accept();
      dst.close();
      assertThat(proxy.awaitConnected()).isTrue();
      src.setSoTimeout(2000);
      d.setSoTimeout(2000);
      return new Pair(proxy, src, d);
    }

    @Override
    public void close() throws IOException {
      proxy.close();
      source.close();
      destination.close();
    }
  }

  private static void rp(Socket from, int type, int value) throws IOException {
    DataOutputStream out = new DataOutputStream(from.getOutputStream());
    out.writeShort(type);
    out.writeShort(4);
    out.writeInt(value);
    out.flush();
  }

  @Test
  void forwardsBothWaysAndParsesTheReturnPath() throws Exception {
    try (Pair p = Pair.open()) {
      p.source().getOutputStream().write("main stream".getBytes());
      byte[] got = new DataInputStream(p.destination().getInputStream()).readNBytes(11);
      assertThat(new String(got)).isEqualTo("main stream");
      rp(p.destination(), FaultProxy.RP_PONG, 1);
      rp(p.destination(), FaultProxy.RP_SHUT, 0);
      DataInputStream in = new DataInputStream(p.source().getInputStream());
      assertThat(in.readShort()).isEqualTo((short) FaultProxy.RP_PONG);
      in.readShort();
      assertThat(in.readInt()).isEqualTo(1);
      assertThat(in.readShort()).isEqualTo((short) FaultProxy.RP_SHUT);
      assertThat(p.proxy().seenTypes()).containsExactly(FaultProxy.RP_PONG, FaultProxy.RP_SHUT);
    }
  }

  @Test
  void aTriggerStrikesBeforeItsMessageAndABlackholeHoldsIt() throws Exception {
    try (Pair p = Pair.open()) {
      CountDownLatch hit = new CountDownLatch(1);
      p.proxy().onReturnPath(new FaultProxy.Trigger(t -> t == FaultProxy.RP_PONG, v -> v == 3,
          () -> {
            p.proxy().blackholeToSource();
            hit.countDown();
          }));
      rp(p.destination(), FaultProxy.RP_PONG, 2);
      rp(p.destination(), FaultProxy.RP_PONG, 3);
      assertThat(hit.await(2, TimeUnit.SECONDS)).isTrue();
      DataInputStream in = new DataInputStream(p.source().getInputStream());
      in.readShort();
      in.readShort();
      assertThat(in.readInt()).isEqualTo(2); // PONG 2 went through
      assertThatThrownBy(in::readShort).isInstanceOf(SocketTimeoutException.class); // 3 held
    }
  }

  @Test
  void aCutAtAByteOffsetHoldsTheRestUntilItHeals() throws Exception {
    try (Pair p = Pair.open()) {
      p.proxy().blackholeToDestinationAfter(10);
      p.source().getOutputStream().write("0123456789ABCDEF".getBytes());
      DataInputStream in = new DataInputStream(p.destination().getInputStream());
      assertThat(new String(in.readNBytes(10))).isEqualTo("0123456789");
      assertThatThrownBy(in::readByte).isInstanceOf(SocketTimeoutException.class);
      assertThat(p.proxy().forwardedToDestination()).isEqualTo(10);
      p.proxy().heal();
      assertThat(new String(in.readNBytes(6))).isEqualTo("ABCDEF");
    }
  }

  @Test
  void aResetReachesBothSides() throws Exception {
    try (Pair p = Pair.open()) {
      p.proxy().reset();
      assertThatThrownBy(() -> {
        for (int i = 0; i < 100; i++) {
          p.source().getOutputStream().write(new byte[4096]);
          Thread.sleep(5);
        }
      }).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> {
        int r = p.destination().getInputStream().read();
        if (r < 0) {
          throw new IOException("EOF");
        }
      }).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aDeadReceiverResetsTheSender() throws Exception {
    try (Pair p = Pair.open()) {
      p.destination().setSoLinger(true, 0);
      p.destination().close(); // the destination process died with nothing unread: RST
      assertThatThrownBy(() -> {
        for (int i = 0; i < 200; i++) {
          p.source().getOutputStream().write(new byte[4096]);
          Thread.sleep(5);
        }
      }).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aDroppingTriggerLosesItsMessageAndAnAfterTriggerStrikesOnceItIsForwarded()
      throws Exception {
    try (Pair p = Pair.open()) {
      CountDownLatch after = new CountDownLatch(1);
      p.proxy().onReturnPath(new FaultProxy.Trigger(t -> t == FaultProxy.RP_PONG,
          v -> v == 0x42, () -> { }, true, false));
      p.proxy().onReturnPath(new FaultProxy.Trigger(t -> t == FaultProxy.RP_PONG, v -> v == 4,
          after::countDown, false, true));
      rp(p.destination(), FaultProxy.RP_PONG, 3);
      rp(p.destination(), FaultProxy.RP_PONG, 0x42);
      rp(p.destination(), FaultProxy.RP_PONG, 4);
      DataInputStream in = new DataInputStream(p.source().getInputStream());
      in.readShort();
      in.readShort();
      assertThat(in.readInt()).isEqualTo(3);
      in.readShort();
      in.readShort();
      assertThat(in.readInt()).isEqualTo(4); // 0x42 was lost
      assertThat(after.await(2, TimeUnit.SECONDS)).isTrue();
    }
  }
}
