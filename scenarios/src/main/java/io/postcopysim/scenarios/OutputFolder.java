package io.postcopysim.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Commits a set of output files to a folder as one: each file is written to a temporary file
 * beside its target, then the old manifest goes, the files are renamed into place, and
 * {@value #MANIFEST} (SHA-256 and name of each, {@code sha256sum -c} format) is written last.
 * A reader that finds the manifest and matching files knows they belong to one run; a crash
 * half-way leaves no manifest, and readers refuse the folder.
 */
public final class OutputFolder {
  public static final String MANIFEST = "manifest.sha256";

  /** Writes one file's bytes. */
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private OutputFolder() {}

  /**
   * @param files name to content, in the manifest's order
   * @param stale names to delete with the commit (a file another form of the output replaces)
   */
  public static void commit(Path dir, Map<String, Content> files, List<String> stale)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, Path> temps = new LinkedHashMap<>();
    StringBuilder manifest = new StringBuilder();
    try {
      for (Map.Entry<String, Content> f : files.entrySet()) {
        Path tmp = Files.createTempFile(dir.toAbsolutePath(), "." + f.getKey(), ".tmp");
        temps.put(f.getKey(), tmp);
        MessageDigest sha = sha256();
        try (OutputStream out = new DigestOutputStream(
            new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), sha)) {
          f.getValue().writeTo(out);
        }
        publicPermissions(tmp);
        manifest.append(HexFormat.of().formatHex(sha.digest())).append("  ").append(f.getKey())
            .append('\n');
      }
      Files.deleteIfExists(dir.resolve(MANIFEST));
      for (Map.Entry<String, Path> t : temps.entrySet()) {
        move(t.getValue(), dir.resolve(t.getKey()));
      }
      for (String s : stale) {
        Files.deleteIfExists(dir.resolve(s));
      }
      writeAtomically(dir.resolve(MANIFEST), manifest.toString());
    } finally {
      for (Path t : temps.values()) {
        Files.deleteIfExists(t);
      }
    }
  }

  /**
   * The files the manifest lists, each checked against its hash.
   *
   * @throws ScenarioException when the folder is not one finished, unaltered output
   */
  public static List<String> verify(Path dir) throws IOException {
    Path m = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(m)) {
      throw new ScenarioException(dir.toString(), 0, 0, "", "no " + MANIFEST + ": not a"
          + " finished pcsim output (a run that was interrupted while writing, or not a run's"
          + " folder)");
    }
    List<String> names = new ArrayList<>();
    int n = 0;
    try (BufferedReader r = Files.newBufferedReader(m, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        n++;
        String[] f = line.split("  ", 2);
        if (f.length != 2 || f[1].contains("/") || f[1].startsWith(".")) {
          throw new ScenarioException(m.toString(), n, 1, "", "not a manifest line");
        }
        Path file = dir.resolve(f[1]);
        if (!Files.isRegularFile(file)) {
          throw new ScenarioException(dir.toString(), 0, 0, "", f[1] + " is missing (the"
              + " manifest lists it)");
        }
        if (!f[0].equals(sha256(file))) {
          throw new ScenarioException(file.toString(), 0, 0, "", "does not match " + MANIFEST
              + ": changed, cut short, or from another run than the rest of the folder");
        }
        names.add(f[1]);
      }
    }
    return names;
  }

  /** One file, atomically (temporary file, then rename). */
  public static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(),
        "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      publicPermissions(tmp);
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** createTempFile makes the file private; results are ordinary files (rw-r--r--). */
  private static void publicPermissions(Path p) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the default
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
