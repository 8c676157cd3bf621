package io.postcopysim.qemu;

import io.postcopysim.core.kernel.Time;

/**
 * The scenario an experiment ran, as a scenario file the model loads
 * ({@link io.postcopysim.scenarios.ScenarioLoader}): the lab's guest, caps, TCP give-up,
 * autostart and recovery, the experiment's variant and fault kind. One file per experiment, in
 * its output folder, so both sides run the same setup.
 */
final class ScenarioFile {
  /** Guest RAM (-m 256M; 64 MiB of random bytes at 16 MiB, the rest zero pages). */
  static final long RAM_BYTES = 256L << 20;
  /** migrate-set-parameters max-bandwidth and max-postcopy-bandwidth. */
  static final long MAX_BANDWIDTH = 32L << 20;
  static final long MAX_POSTCOPY_BANDWIDTH = 8L << 20;
  /**
   * max-bandwidth of an experiment without a cap: 1 TiB/s, a rate limit no version reaches
   * (QEMU's 0 means "disabled" only in some versions).
   */
  static final long UNLIMITED_BANDWIDTH = 1L << 40;
  /**
   * The window QEMU's destination advertised to a source streaming without a cap, as ss -tinoe
   * read it on the source (snd_wnd) right after the way back was cut, in the first run that
   * measured it (2026-11-28, a cut 6-7 ms after the switch): what an uncapped scenario says
   * before its own run measured it ({@link SocketLog}). Linux sizes it by how fast the reading
   * process copies (tcp_rcvbuf autotuning), so it varies from run to run. Capped streams never
   * fill it.
   */
  static long receiveWindowBytes(QemuVersion v) {
    return switch (v.version()) {
      case "7.2" -> 38_912;
      case "10.0" -> 1_551_360;
      default -> 26_624;
    };
  }

  /**
   * The rate of an uncapped stream (ss -tinoe, bytes sent from active to the cut: 7.2 17.5 MB
   * in 64.5 ms, 10.0 56.8 MB in 61.1 ms, 11.1 43.2 MB in 64.6 ms; the destination's loading
   * holds it), as the model's path rate.
   */
  static String uncappedRate(QemuVersion v) {
    return switch (v.version()) {
      case "7.2" -> "2170Mbit/s";
      case "10.0" -> "7440Mbit/s";
      default -> "5350Mbit/s";
    };
  }
  /**
   * QEMUFile's buffer (IO_BUF_SIZE, 32 KiB): QEMU writes its stream to the socket in pieces of
   * at most this, so this is how finely bytes leave and are acknowledged. An uncapped stream
   * (full buffers, the receive window binding) is modelled at that grain, with TCP's
   * ack-clocked window; a capped one keeps its buffers nearly empty, the window never binds,
   * and the model's coarser chunks and older window approximation (receive-window 0) stand.
   */
  static final long STREAM_CHUNK = 32L << 10;
  /** Without a cap the 256 MiB guest's first pass ends in tens of ms: switch over early. */
  static final long UNLIMITED_PRECOPY_MILLIS = 10;
  /** The lab waits this long in active before migrate-start-postcopy. */
  static final long PRECOPY_MILLIS = 300;
  /** QEMU's default downtime-limit. */
  static final long DOWNTIME_LIMIT_MILLIS = 300;

  private ScenarioFile() {}

  /**
   * loadvm_postcopy_handle_listen to postcopy_ram_listen_thread_start on the lab's guests,
   * from QEMU's own trace (PCSIM_QEMU_TRACE=loadvm_postcopy_handle_listen,
   * postcopy_ram_listen_thread_start): 7.2 3.5 and 3.8 ms (most of it in the userfaultfd
   * registration), 10.0 0.3 and 1.0 ms, 11.1 0.8 ms.
   */
  static long listenMicros(QemuVersion v) {
    return switch (v.version()) {
      case "7.2" -> 3_600;
      case "10.0" -> 700;
      default -> 800;
    };
  }

  /**
   * @param deviceStateBytes the device state measured on this version (-1: not measured, the
   *     model's default is written)
   */
  static String text(Experiment e, QemuVersion v, long deviceStateBytes) {
    return text(e, v, deviceStateBytes, null);
  }

  /**
   * @param measured the uncapped stream's window and rate in this run ({@link SocketLog}), or
   *     null for the version's values of the run that first measured them
   */
  static String text(Experiment e, QemuVersion v, long deviceStateBytes, SocketLog measured) {
    Lab.Setup s = e.setup();
    long ram = s.smallGuest() ? Lab.SMALL_RAM_BYTES : RAM_BYTES;
    long giveUp = GroundTruth.giveUpNanos(s.tcpRetries2());
    String autostart = s.destinationAutostart() ? "early-cont" : "off";
    long dev = deviceStateBytes > 0 ? deviceStateBytes : 1L << 20;
    StringBuilder b = new StringBuilder();
    b.append("# Ground-truth experiment ").append(e.name()).append(" on QEMU ")
        .append(v.version()).append(", written by the lab: the model runs this file.\n");
    b.append("# ").append(e.fault().replace('\n', ' ')).append('\n');
    b.append("name: ").append(e.name()).append('\n');
    b.append("seed: 42\n");
    b.append("horizon: ").append(GroundTruth.MODEL_HORIZON / Time.SECOND).append("s\n");
    b.append("# -m ").append(ram >> 20).append("M, TCG, no OS (SeaBIOS idles): almost no dirtying;"
        + " device-state measured (").append(deviceStateBytes > 0 ? "exec: migration to a file,"
        + " minus RAM" : "not measured: model default").append(")\n");
    long data = s.smallGuest() ? Lab.SMALL_IMAGE_BYTES : Lab.IMAGE_BYTES;
    b.append("# the guest's RAM is zero but for its random image (").append(data >> 20)
        .append(" MiB): QEMU sends a zero page as a 9-byte header\n");
    b.append("vm: {ram: ").append(ram >> 20).append("MiB, page-size: 4KiB, device-state: ")
        .append(dev).append("B, device-load-time: 5ms, dirty-rate: 1MiB/s, working-set: ")
        .append(Math.min(data, 16L << 20) >> 20).append("MiB, access-skew: 0.9, stream-chunk: ")
        .append(s.unlimited() ? (STREAM_CHUNK >> 10) + "KiB" : s.smallGuest() ? "256KiB"
            : "4MiB").append(", zero-pages: ")
        .append((ram - data) >> 20).append("MiB, postcopy-listen-time: ")
        .append(listenMicros(v)).append("us")
        .append(", touch-interval: never}  # no OS: the guest touches no missing page\n");
    b.append("# loopback in a network namespace; QEMU's caps are migration.max-bandwidth and"
        + " max-postcopy-bandwidth;"
        + " give-up is Linux's for tcp_retries2=").append(s.tcpRetries2())
        .append(" on loopback (tcp_model_timeout from TCP_RTO_MIN), each RTO expiry rounded by"
            + " Debian's HZ=250 timer wheel; delayed ACKs of 40 ms\n");
    b.append("network:\n");
    b.append(s.unlimited() ? "  bandwidth: " + (measured != null ? measured.bitsPerSecond()
        + "bit/s" : uncappedRate(v)) + "  # uncapped: the destination's loading holds the"
        + " stream (ss: bytes sent by the fault since active)\n"
        : "  bandwidth: 25Gbit/s  # loopback; QEMU's caps are max-bandwidth below\n");
    b.append("  latency: 50us\n");
    b.append("  socket-buffer: 4MiB\n");
    b.append("  tcp: {retransmit-give-up: ").append(giveUp / Time.MILLISECOND)
        .append("ms, rto-min: 200ms, user-timeout: 0s, delayed-ack: 40ms, timer-hz: 250,"
            + " receive-window: ").append(!s.unlimited() ? 0 : measured != null
                ? measured.window() : receiveWindowBytes(v)).append("B,"
            + " keepalive: {enabled: false}}\n");
    b.append("migration:\n");
    b.append("  variants: [").append(e.variantFor(v)).append("]\n");
    b.append("  qemu-version: ").append(v.version()).append('\n');
    // struck before any switchover: RAM before anything else
    boolean precopyOnly = e.step().equals(Experiments.RAM) && e.after() == null;
    b.append("  precopy-time: ").append(precopyOnly ? "30s" : s.smallGuest() ? "1ms"
        : (s.unlimited() ? UNLIMITED_PRECOPY_MILLIS : PRECOPY_MILLIS) + "ms").append(precopyOnly ? "  # the lab never issues"
        + " migrate-start-postcopy: the fault strikes in precopy" : s.smallGuest()
        ? "  # migrate-start-postcopy right after migrate returns: the migration thread's"
        + " first iteration (one rate-limit window) has begun" : "").append('\n');
    b.append("  downtime-limit: ").append(DOWNTIME_LIMIT_MILLIS).append("ms\n");
    b.append("  max-bandwidth: ").append(s.unlimited() ? "0  # no cap: the link and the"
        + " receive window hold the stream back" : (MAX_BANDWIDTH >> 20) + "MiB/s").append('\n');
    b.append("  max-postcopy-bandwidth: ").append(s.smallGuest() ? "0"
        : (MAX_POSTCOPY_BANDWIDTH >> 20) + "MiB/s").append('\n');
    b.append(s.disk() ? "  disk-locking: true  # one raw image, QEMU's own locks (file.locking=on)\n"
        + "  disk-lock-lease: 0s  # a dead process's lock is free at once\n"
        : "  disk-locking: false  # no disk\n");
    b.append("  dest-autostart: ").append(autostart).append(s.destinationAutostart() ? ""
        : "  # -S, no cont").append('\n');
    b.append("  return-path: ").append(s.returnPath() || s.postcopy()).append('\n');
    b.append("  postcopy-recovery: {enabled: ").append(e.healMillis() >= 0)
        .append(", after-heal: 0s}\n");
    b.append("faults:\n");
    b.append("  kinds: [").append(e.kind().name()).append("]\n");
    b.append("  points: all\n");
    b.append("  gap-points: 1ms  # the lab strikes a few ms after the destination's RESUME\n");
    b.append("  max-faults: 1\n");
    b.append("  partition-heal: ").append(e.healMillis() >= 0 ? e.healMillis() + "ms" : "never")
        .append('\n');
    return b.toString();
  }
}
