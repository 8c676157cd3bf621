package io.postcopysim.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One installed QEMU release and the root it runs in: 7.2 is the host's own (Debian bookworm),
 * 10.0 and 11.1 run inside the chroots that {@code qemu-harness/install-qemu.sh} makes under
 * {@link #CACHE} (Debian trixie, and trixie with trixie-backports).
 *
 * @param version "7.2", "10.0" or "11.1"
 * @param root the root QEMU runs in ({@code /} for the host's)
 */
public record QemuVersion(String version, Path root) {
  /** Where install-qemu.sh keeps the chroots (POSTCOPY_SIM_QEMU_CACHE overrides it). */
  public static final Path CACHE = Path.of(System.getenv().getOrDefault(
      "POSTCOPY_SIM_QEMU_CACHE", "/var/cache/postcopy-sim"));
  public static final List<String> KNOWN = List.of("7.2", "10.0", "11.1");
  static final String BINARY = "/usr/bin/qemu-system-x86_64";

  /** A known version by name ("7.2", "10.0", "11.1"). */
  public static QemuVersion of(String version) {
    return switch (version) {
      case "7.2" -> new QemuVersion(version, Path.of("/"));
      case "10.0", "11.1" -> new QemuVersion(version, CACHE.resolve("qemu-" + version));
      default -> throw new IllegalArgumentException("unknown QEMU version '" + version
          + "' (known: " + String.join(", ", KNOWN) + ")");
    };
  }

  /** "all" or a comma-separated list. */
  public static List<QemuVersion> parse(List<String> names) {
    List<QemuVersion> out = new ArrayList<>();
    for (String n : names) {
      if (n.equals("all")) {
        KNOWN.forEach(k -> out.add(of(k)));
      } else {
        out.add(of(n));
      }
    }
    return out;
  }

  boolean chroot() {
    return !root.equals(Path.of("/"));
  }

  /** Whether its binary is there (a chroot also needs install-qemu.sh's marker). */
  public boolean installed() {
    if (chroot() && !Files.exists(root.resolve(".postcopy-sim-installed"))) {
      return false;
    }
    return Files.isExecutable(root.resolve(BINARY.substring(1)));
  }

  /** The command that installs it. */
  public String installCommand() {
    return "sudo qemu-harness/install-qemu.sh " + version;
  }

  /**
   * The model's variant for this release: 10.2 brought the postcopy-device state (PONG 0x42
   * gate); 7.2 and 10.0 are LEGACY.
   */
  public String variant() {
    return version.equals("11.1") ? "POSTCOPY_DEVICE" : "LEGACY";
  }

  /** Whether the package carries PING 0x42 (QEMU 10.2 and later). */
  boolean pingPackagedLoaded() {
    return version.equals("11.1");
  }

  /** The command line prefix that starts QEMU in its root. */
  List<String> command() {
    return chroot() ? List.of("chroot", root.toString(), BINARY) : List.of(BINARY);
  }

  /** A path inside the root, as seen from the host. */
  Path onHost(String inside) {
    return root.resolve(inside.startsWith("/") ? inside.substring(1) : inside);
  }

  /** Bind-mounts /dev and /proc into a chroot (once; they stay for later runs). */
  void mountSystemDirs() throws IOException, InterruptedException {
    if (!chroot()) {
      return;
    }
    for (String d : List.of("dev", "proc")) {
      Path p = root.resolve(d);
      Files.createDirectories(p);
      if (Sh.run(List.of("mountpoint", "-q", p.toString())) != 0) {
        Sh.check(List.of("mount", "--bind", "/" + d, p.toString()));
      }
    }
  }
}
