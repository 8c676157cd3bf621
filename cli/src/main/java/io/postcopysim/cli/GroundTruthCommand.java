package io.postcopysim.cli;

import io.postcopysim.qemu.GroundTruth;
import io.postcopysim.qemu.QemuVersion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pcsim ground-truth}: real QEMU against the model, experiment by experiment. */
@Command(name = "ground-truth", mixinStandardHelpOptions = true, description = "Run fault experiments on real QEMU (loopback,"
    + " TCG) and the matching model cases; write DIR/agreement.csv and print the table.")
final class GroundTruthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Option(names = "--only", split = ",", paramLabel = "EXPERIMENT",
      description = "Run only these experiments.")
  List<String> only;

  @Option(names = "--rejudge", description = "Run no QEMU: judge today's model against the"
      + " observations an earlier run stored in DIR, and rewrite DIR/agreement.csv.")
  boolean rejudge;

  @Option(names = "--qemu", split = ",", paramLabel = "VERSION",
      description = "QEMU versions: 7.2 (the host's), 10.0, 11.1 (chroots made by"
          + " qemu-harness/install-qemu.sh), or all. Default: 7.2.")
  List<String> qemu;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    // The harness passes files under --out to QEMU as -device loader,file=PATH: QEMU's option
    // syntax would split a path at a comma.
    if (out.toString().contains(",")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--out must not"
          + " contain a comma (QEMU's -device loader,file= option would split the path there)");
    }
    List<QemuVersion> versions = QemuVersion.parse(qemu == null ? List.of("7.2") : qemu);
    for (QemuVersion v : versions) {
      if (!rejudge && !v.installed()) {
        err.println("pcsim ground-truth: QEMU " + v.version() + " is not installed; install it"
            + " with: " + v.installCommand());
        return Pcsim.EXIT_BAD_INPUT;
      }
    }
    Set<String> chosen = new HashSet<>(only == null ? List.of() : only);
    for (String n : chosen) {
      if (!GroundTruth.experimentNames().contains(n)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "unknown experiment '" + n + "' (known: " + GroundTruth.experimentNames() + ")");
      }
    }
    List<GroundTruth.Row> rows = rejudge ? GroundTruth.rejudge(out, versions, chosen, err)
        : GroundTruth.run(out, versions, chosen, err);
    PrintWriter o = spec.commandLine().getOut();
    o.print(GroundTruth.table(rows));
    o.println("-> " + out.resolve("agreement.csv"));
    o.flush();
    return Pcsim.EXIT_OK;
  }
}
