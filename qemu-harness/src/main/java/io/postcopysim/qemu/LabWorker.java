package io.postcopysim.qemu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One experiment in its own network namespace: {@link GroundTruth} starts this in a fresh JVM
 * under {@code unshare -n}, so the QEMUs, the proxy, the iptables rules and the tcp_retries2
 * setting all live in that namespace and vanish with it. Writes DIR/observation.json.
 *
 * <p>Arguments: VERSION EXPERIMENT DIR RAM_INSIDE_ROOT [CASE_ID SCENARIO] (the small guest's
 * image is beside it, with -small before .bin; with a case, the experiment is the case's
 * placement, derived again here from the same scenario)
 */
public final class LabWorker {
  private LabWorker() {}

  private static Experiment placed(QemuVersion v, String caseId, String scenario) {
    Experiments.Placement p = Experiments.forCase(v, io.postcopysim.faults.CaseId.parse(caseId),
        io.postcopysim.scenarios.ScenarioLoader.load(Path.of(scenario)).study());
    if (p instanceof Experiments.Placed placed) {
      return placed.experiment();
    }
    throw new IllegalArgumentException(((Experiments.NotPlaced) p).why());
  }

  public static void main(String[] args) throws Exception {
    QemuVersion v = QemuVersion.of(args[0]);
    Experiment e = args.length > 5 ? placed(v, args[4], args[5])
        : Experiments.forVersion(v).stream().filter(x -> x.name().equals(args[1]))
            .findFirst().orElseThrow(() -> new IllegalArgumentException("no experiment "
                + args[1] + " for QEMU " + args[0]));
    Path dir = Files.createDirectories(Path.of(args[2]));
    String runDir = "/tmp/pcsim-" + ProcessHandle.current().pid();
    Path runOnHost = Files.createDirectories(v.onHost(runDir));
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode facts;
    int rc = 0;
    Net net = Net.setUp(e.setup().tcpRetries2(), e.setup().receiveBufferMax());
    String ram = e.setup().smallGuest() ? args[3].replace(".bin", "-small.bin") : args[3];
    try (Lab lab = new Lab(v, dir, runDir, ram, e.setup(), net)) {
      String error = null;
      try {
        e.strike().run(lab);
      } catch (Exception ex) {
        error = ex.toString();
        rc = 1;
      }
      lab.observe(e.settleMillis());
      facts = lab.facts();
      if (e.setup().unlimited()) {
        SocketLog s = SocketLog.read(dir.resolve("ss.log"), facts);
        if (s != null) { // the uncapped stream's window and rate, for the model's scenario
          facts.put("source_window_after_fault", s.window());
          facts.put("source_rate_bps", s.bitsPerSecond());
        }
      }
      if (error != null) {
        facts.put("error", error);
      }
    } finally {
      try (Stream<Path> s = Files.walk(runOnHost)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    facts.put("experiment", e.name());
    facts.put("fault", e.fault());
    facts.put("settle_ms", e.settleMillis());
    facts.put("tcp_retries2", e.setup().tcpRetries2());
    facts.put("proxy", e.setup().proxy());
    facts.put("destination_autostart", e.setup().destinationAutostart());
    facts.put("postcopy_ram", e.setup().postcopy());
    facts.put("return_path", e.setup().returnPath() || e.setup().postcopy());
    facts.put("small_guest", e.setup().smallGuest());
    facts.put("disk", e.setup().disk());
    facts.put("give_up_ms", GroundTruth.giveUpNanos(e.setup().tcpRetries2()) / 1_000_000);
    Path tmp = dir.resolve("observation.json.tmp");
    json.writeValue(tmp.toFile(), facts);
    Files.move(tmp, dir.resolve("observation.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.exit(rc);
  }
}
