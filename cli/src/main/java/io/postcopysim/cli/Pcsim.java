package io.postcopysim.cli;

import io.postcopysim.faults.ModelInvariantViolation;
import io.postcopysim.scenarios.ScenarioException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pcsim} command. Exit codes: 0 done, 1 --fail-on matched, 2 bad input, 3 internal. */
@Command(
    name = "pcsim",
    mixinStandardHelpOptions = true,
    versionProvider = Pcsim.Version.class,
    description = "Deterministic simulator of QEMU postcopy live migration under failures.",
    subcommands = {RunCommand.class, ReplayCommand.class, ValidateCommand.class,
        ListCommand.class, MergeCommand.class, GroundTruthCommand.class})
public final class Pcsim implements Callable<Integer> {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAIL_ON = 1;
  public static final int EXIT_BAD_INPUT = 2;
  public static final int EXIT_INTERNAL = 3;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command in-process; tests call this instead of {@link #main}. */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command in-process with the given output streams. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Pcsim());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof ScenarioException se) {
        cmd.getErr().println("pcsim: " + se.describe());
        return EXIT_BAD_INPUT;
      }
      if (ex instanceof ModelInvariantViolation) {
        cmd.getErr().println("pcsim: " + ex.getMessage());
        return EXIT_INTERNAL;
      }
      if (ex instanceof IllegalArgumentException) {
        cmd.getErr().println("pcsim " + cmd.getCommandName() + ": " + ex.getMessage());
        return EXIT_BAD_INPUT;
      }
      cmd.getErr().println("pcsim: internal error: " + ex);
      ex.printStackTrace(cmd.getErr());
      return EXIT_INTERNAL;
    });
    // picocli's default for a usage error is 2, which is also ours for bad input.
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return EXIT_OK;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Pcsim.class.getPackage().getImplementationVersion();
      return new String[] {"pcsim " + (v == null ? "dev" : v)};
    }
  }
}
