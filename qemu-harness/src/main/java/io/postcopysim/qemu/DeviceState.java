package io.postcopysim.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Measures the device state a version sends, for the model's {@code vm.device-state}: the lab's
 * idle guest migrated to a file ({@code exec:cat}) three times; query-migrate's
 * {@code downtime-bytes} (what is sent after the stop: the device state and the few pages
 * dirtied since the last pass), the smallest of the three; else the file's size minus RAM
 * transferred. Once per version and output folder (kept in DIR/VERSION/device-state.txt).
 */
final class DeviceState {
  private DeviceState() {}

  /** The device state in bytes, or -1 (and a log line) when it cannot be measured. */
  static long measure(QemuVersion v, Path outDir, String ramInside, PrintWriter log)
      throws IOException, InterruptedException {
    Path cached = outDir.resolve("device-state.txt");
    if (Files.exists(cached)) {
      return Long.parseLong(Files.readString(cached).strip());
    }
    Files.createDirectories(outDir);
    long best = -1;
    for (int i = 0; i < 3; i++) {
      long d = once(v, outDir, ramInside, log);
      best = d > 0 && (best < 0 || d < best) ? d : best;
    }
    if (best > 0) {
      Files.writeString(cached, best + "\n");
      log.println("QEMU " + v.version() + ": device state " + best + " bytes");
    }
    return best;
  }

  private static long once(QemuVersion v, Path outDir, String ramInside, PrintWriter log)
      throws IOException, InterruptedException {
    String runDir = "/tmp/pcsim-measure-" + ProcessHandle.current().pid();
    Path runOnHost = Files.createDirectories(v.onHost(runDir));
    String file = runDir + "/state.bin";
    try (Qemu q = Qemu.start(v, "measure", runDir, ramInside, "256M", outDir, 0, false,
        List.of())) {
      q.qmp("migrate-set-parameters", Map.of("max-bandwidth", 1L << 30));
      q.qmp("migrate", Map.of("uri", "exec:cat > " + file));
      Lab.await("measure: migration to a file completed", 30_000,
          () -> List.of("completed", "failed").contains(q.migrationStatus()));
      JsonNode info = q.qmp("query-migrate");
      long ram = info.path("ram").path("transferred").asLong(-1);
      long size = Files.size(v.onHost(file));
      long downtime = info.path("ram").path("downtime-bytes").asLong(-1);
      // 11.1 may report downtime-bytes 0: then what is neither precopy nor postcopy bytes.
      long rest = ram - info.path("ram").path("precopy-bytes").asLong(ram)
          - info.path("ram").path("postcopy-bytes").asLong(0);
      long device = downtime > 0 ? downtime : rest > 0 ? rest : size - ram;
      if (!info.path("status").asText().equals("completed") || device <= 0) {
        log.println("QEMU " + v.version() + ": device state not measured (" + info + ")");
        return -1;
      }
      return device;
    } catch (IOException | IllegalStateException e) {
      log.println("QEMU " + v.version() + ": device state not measured: " + e.getMessage());
      return -1;
    } finally {
      Files.deleteIfExists(v.onHost(file));
      Files.deleteIfExists(v.onHost(runDir + "/measure.qmp"));
      Files.deleteIfExists(runOnHost);
    }
  }
}
