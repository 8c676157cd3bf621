package io.postcopysim.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The network of one experiment: the network namespace this JVM was started in ({@code unshare
 * -n}, by {@link GroundTruth}), its loopback, its own {@code net.ipv4.tcp_retries2}, and
 * iptables rules that drop packets per direction of the migration connection, identified by
 * TCP port, in the INPUT chain (dropped on arrival, as on a wire; the sender sees no local
 * error): source-to-destination packets have the destination port of a listening side
 * (destination or proxy), destination-to-source packets have it as source port.
 */
final class Net {
  private final List<Integer> ports = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  /** Brings lo up and sets tcp_retries2; refuses to touch a namespace that has other links. */
  static Net setUp(int tcpRetries2) throws IOException, InterruptedException {
    return setUp(tcpRetries2, 0);
  }

  /** The same, and net.ipv4.tcp_rmem's maximum at {@code receiveBufferMax} unless 0. */
  static Net setUp(int tcpRetries2, int receiveBufferMax)
      throws IOException, InterruptedException {
    String links = Sh.check(List.of("ip", "-o", "link", "show"));
    if (links.lines().count() != 1 || !links.contains(": lo:")) {
      throw new IOException("not in a fresh network namespace (run under unshare -n): "
          + links.strip());
    }
    Sh.check(List.of("ip", "link", "set", "lo", "up"));
    Files.writeString(Path.of("/proc/sys/net/ipv4/tcp_retries2"), tcpRetries2 + "\n");
    Net n = new Net();
    n.log.add("lo up, net.ipv4.tcp_retries2=" + tcpRetries2);
    if (receiveBufferMax > 0) {
      String rmem = "4096 " + receiveBufferMax + " " + receiveBufferMax;
      Files.writeString(Path.of("/proc/sys/net/ipv4/tcp_rmem"), rmem + "\n");
      n.log.add("net.ipv4.tcp_rmem=" + rmem);
    }
    return n;
  }

  /** The listening ports of the migration connection(s): destination, and proxy if any. */
  void addPort(int port) {
    ports.add(port);
  }

  /** DROP every source-to-destination packet (data, and the acks of the return path). */
  void dropToDestination() throws IOException, InterruptedException {
    for (int p : ports) {
      iptables("-I", "INPUT", "-p", "tcp", "--dport", Integer.toString(p), "-j", "DROP");
    }
  }

  /** DROP every destination-to-source packet (return path, and the acks of the main stream). */
  void dropToSource() throws IOException, InterruptedException {
    for (int p : ports) {
      iptables("-I", "INPUT", "-p", "tcp", "--sport", Integer.toString(p), "-j", "DROP");
    }
  }

  void dropBoth() throws IOException, InterruptedException {
    dropToDestination();
    dropToSource();
  }

  /**
   * Arms a source-to-destination cut that the kernel itself strikes as the first
   * destination-to-source packet carrying {@code message} arrives (iptables {@code string} match
   * records it in the {@code xt_recent} list {@value #RECENT}, whose check then drops every
   * later source-to-destination packet). No proxy is in the path, so the destination's TCP
   * peer is the source's kernel, as in the model: the ack of that very message is the first
   * packet lost (a proxy would have acknowledged it on arrival, before any strike).
   */
  void cutToDestinationAfter(byte[] message) throws IOException, InterruptedException {
    armCut(message, false, false, true, false);
  }

  /**
   * Arms a destination-to-source cut (the source's acks and the return path) that the kernel
   * strikes as the first source-to-destination packet carrying {@code message} arrives: the
   * destination gets that packet, its ack is the first thing lost, and the source's window
   * stays where its last ack left it.
   */
  void cutToSourceAfter(byte[] message) throws IOException, InterruptedException {
    armCut(message, true, false, false, true);
  }

  /**
   * Arms a cut of the given directions that the kernel strikes as the first
   * destination-to-source packet carrying {@code message} arrives, that packet lost with it:
   * the message never reaches the source, and the destination's TCP sees it unacknowledged.
   */
  void cutAtReturnPathMessage(byte[] message, boolean toDestination, boolean toSource)
      throws IOException, InterruptedException {
    armCut(message, false, true, toDestination, toSource);
  }

  /**
   * The rules: the carrier's packet (matched by {@code string} on the message's bytes) sets the
   * {@code xt_recent} list {@value #RECENT} (and is dropped when {@code dropCarrier}); the
   * list's check drops every later packet of the cut directions. Each listening port of the
   * connection, as the other rules.
   */
  private void armCut(byte[] message, boolean carrierToDestination, boolean dropCarrier,
      boolean cutToDestination, boolean cutToSource) throws IOException, InterruptedException {
    StringBuilder hex = new StringBuilder("|");
    for (byte b : message) {
      hex.append(String.format("%02x", b & 0xff));
    }
    hex.append('|');
    for (int p : ports) {
      String port = Integer.toString(p);
      List<String> set = new ArrayList<>(List.of("-A", "INPUT", "-p", "tcp",
          carrierToDestination ? "--dport" : "--sport", port, "-m", "string", "--algo", "bm",
          "--hex-string", hex.toString(), "-m", "recent", "--name", RECENT, "--set"));
      if (dropCarrier) {
        set.addAll(List.of("-j", "DROP"));
      }
      iptables(set.toArray(String[]::new));
      if (cutToDestination) {
        iptables("-I", "INPUT", "-p", "tcp", "--dport", port, "-m", "recent", "--name", RECENT,
            "--rcheck", "-j", "DROP");
      }
      if (cutToSource) {
        iptables("-I", "INPUT", "-p", "tcp", "--sport", port, "-m", "recent", "--name", RECENT,
            "--rcheck", "-j", "DROP");
      }
    }
  }

  /** Whether the kernel struck the cut {@link #armCut} armed. */
  boolean armedCutStruck() throws IOException {
    Path list = Path.of("/proc/net/xt_recent", RECENT);
    return Files.exists(list) && !Files.readString(list).isBlank();
  }

  static final String RECENT = "pcsim";

  /** Removes every rule: the partition heals (TCP retransmits what was held). */
  void heal() throws IOException, InterruptedException {
    iptables("-F", "INPUT");
  }

  /**
   * A middlebox reset: both ends' sockets of the migration connection are destroyed ({@code ss
   * -K}); each end gets ECONNABORTED/RST at once.
   */
  void reset() throws IOException, InterruptedException {
    for (int p : ports) {
      String f = "sport = :" + p + " or dport = :" + p;
      log.add("ss -K '" + f + "'");
      Sh.check(List.of("ss", "-K", "-t", f));
    }
  }

  private void iptables(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("iptables", "-w"));
    cmd.addAll(List.of(args));
    log.add(String.join(" ", cmd));
    Sh.check(cmd);
  }

  List<String> log() {
    return List.copyOf(log);
  }
}
