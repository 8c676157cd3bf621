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

  @Option(names = "--case", paramLabel = "CASE_ID", description = "Strike this model case's"
      + " fault at its protocol step on real QEMU (with --scenario), or say why the lab cannot.")
  String caseId;

  @Option(names = "--scenario", paramLabel = "FILE", description = "The scenario of --case.")
  Path scenario;

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
    if ((caseId == null) != (scenario == null) || caseId != null && (rejudge || only != null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--case and"
          + " --scenario go together, without --rejudge or --only");
    }
    List<QemuVersion> versions = QemuVersion.parse(qemu != null ? qemu
        : List.of(caseId != null && caseId.startsWith("POSTCOPY_DEVICE/") ? "11.1" : "7.2"));
    if (caseId != null) {
      return runCase(versions, err); // says why the lab cannot place a case, installed or not
    }
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

  private Integer runCase(List<QemuVersion> versions, PrintWriter err) throws Exception {
    try {
      io.postcopysim.faults.CaseId.parse(caseId);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter o = spec.commandLine().getOut();
    List<GroundTruth.Row> rows = new java.util.ArrayList<>();
    for (QemuVersion v : versions) {
      try {
        GroundTruth.CaseRun r = GroundTruth.runCase(versions.size() == 1 ? out
            : out.resolve(v.version()), v, caseId, scenario, err);
        rows.add(r.row());
        o.println(caseId + " " + r.summary().substring(r.row().experiment().length()));
      } catch (GroundTruth.Unplaceable e) {
        err.println("pcsim ground-truth: the lab cannot strike " + caseId + " on QEMU "
            + v.version() + ": " + e.getMessage());
        return Pcsim.EXIT_BAD_INPUT;
      } catch (GroundTruth.NotInstalled e) {
        err.println("pcsim ground-truth: " + e.getMessage());
        return Pcsim.EXIT_BAD_INPUT;
      }
    }
    o.print(GroundTruth.table(rows));
    o.println("-> " + out.resolve("agreement.csv"));
    o.flush();
    return Pcsim.EXIT_OK;
  }
}
