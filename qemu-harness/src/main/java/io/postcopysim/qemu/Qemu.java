package io.postcopysim.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;


/**
 * One QEMU process: a TCG guest without disk or OS whose RAM holds random bytes (so no page is
 * a zero page), controlled over QMP, started in its version's root (a chroot for 10.0 and
 * 11.1) and in the network namespace of this JVM.
 */
final class Qemu implements Closeable {
  static final String BINARY = "qemu-system-x86_64";

  private final String name;
  private final Process process;
  private final Qmp qmp;
  private volatile long exitedAtMillis = -1;

  private Qemu(String name, Process process, Qmp qmp) {
    this.name = name;
    this.process = process;
    this.qmp = qmp;
    process.onExit().thenRun(() -> exitedAtMillis = System.currentTimeMillis()); // wall-clock-ok
  }

  /**
   * @param runDir a directory inside the version's root (as QEMU sees it) for the QMP socket
   * @param ram the guest RAM image, as QEMU sees it
   * @param mem -m (256M; 32M for the small guest)
   * @param logDir where QEMU's output goes (on the host)
   * @param incomingPort for a destination: {@code -incoming tcp:127.0.0.1:PORT}, else 0
   * @param paused {@code -S}: the guest starts only on {@code cont} (libvirt's way)
   * @param extra more arguments (e.g. a device only this side has)
   */
  static Qemu start(QemuVersion v, String name, String runDir, String ram, String mem,
      Path logDir,
      int incomingPort, boolean paused, List<String> extra)
      throws IOException, InterruptedException {
    String sock = runDir + "/" + name + ".qmp";
    List<String> cmd = new ArrayList<>(v.command());
    cmd.addAll(List.of("-machine", "pc,accel=tcg", "-m", mem,
        "-nodefaults", "-display", "none", "-serial", "none", "-monitor", "none",
        "-device", "loader,file=" + ram + ",addr=0x1000000",
        "-qmp", "unix:" + sock + ",server=on,wait=off"));
    cmd.addAll(extra);
    cmd.addAll(traceArgs(System.getenv(TRACE_ENV)));
    if (incomingPort > 0) {
      cmd.addAll(List.of("-incoming", "tcp:127.0.0.1:" + incomingPort));
    }
    if (paused) {
      cmd.add("-S");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logDir.resolve(name + ".log").toFile()).start();
    try {
      return new Qemu(name, p, Qmp.connect(v.onHost(sock), 10_000));
    } catch (IOException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /**
   * Optional QEMU trace events for lab diagnostics: a comma-separated list of event names or
   * patterns (e.g. {@code migrate_send_rp_message,postcopy_pause_*}) in this environment
   * variable; the events go to the side's log (QEMU's "log" trace backend, on stderr).
   */
  static final String TRACE_ENV = "PCSIM_QEMU_TRACE";

  static List<String> traceArgs(String patterns) {
    List<String> out = new ArrayList<>();
    if (patterns == null || patterns.isBlank()) {
      return out;
    }
    out.addAll(List.of("-msg", "timestamp=on")); // PID@SECONDS.MICROS: before each event
    for (String t : patterns.split(",")) {
      if (!t.isBlank()) {
        out.addAll(List.of("-trace", "enable=" + t.strip()));
      }
    }
    return out;
  }

  /** QMP events so far. */
  List<Qmp.Event> events() {
    return qmp.events();
  }

  /** When the process exited (epoch ms), or -1. */
  long exitedAtMillis() {
    return exitedAtMillis;
  }

  long pid() {
    return process.pid();
  }

  JsonNode qmp(String command, Map<String, ?> args) throws IOException {
    return qmp.execute(command, args);
  }

  JsonNode qmp(String command) throws IOException {
    return qmp.execute(command);
  }

  /** query-migrate's status ("none" before any migration), or "dead". */
  String migrationStatus() {
    try {
      return qmp.execute("query-migrate").path("status").asText("none");
    } catch (IOException e) {
      return "dead";
    }
  }

  /** query-status: "running", "paused", "postmigrate", "inmigrate", ... or "dead". */
  String runState() {
    try {
      return qmp.execute("query-status").path("status").asText();
    } catch (IOException e) {
      return "dead";
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  String name() {
    return name;
  }

  @Override
  public void close() throws IOException {
    try {
      qmp.close();
    } finally {
      process.destroyForcibly();
    }
  }
}
