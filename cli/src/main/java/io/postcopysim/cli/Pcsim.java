package io.postcopysim.cli;

import io.postcopysim.core.kernel.UnrunnableScenario;
import io.postcopysim.faults.ModelInvariantViolation;
import io.postcopysim.scenarios.ScenarioException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code pcsim} command. Exit codes: 0 done, 1 --fail-on matched, 2 bad input (a scenario,
 * a flag, a file that cannot be read or written: one line), 3 a bug in the model (with a trace).
 */
@Command(
    name = "pcsim",
    mixinStandardHelpOptions = true,
    versionProvider = Pcsim.Version.class,
    description = "Deterministic simulator of QEMU postcopy live migration under failures.",
    subcommands = {RunCommand.class, ReplayCommand.class, ValidateCommand.class,
        ListCommand.class, MergeCommand.class, SweepCommand.class, SummaryCommand.class, GroundTruthCommand.class,
        CommandLine.HelpCommand.class})
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
    // A usage error is one line and a pointer to the help, not the whole usage text.
    cli.setParameterExceptionHandler((ex, a) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("pcsim " + cmd.getCommandName() + ": " + Terminal.safe(ex.getMessage())
          + " (see pcsim help " + cmd.getCommandName() + ")");
      return EXIT_BAD_INPUT;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> handle(ex, cmd.getErr()));
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * Bad input (scenario, unrunnable scenario, I/O on the user's paths) is one line and exit 2;
   * anything else reaching here, including IllegalArgumentException and
   * IllegalStateException from the kernel, is a model bug: exit 3 with its trace.
   */
  static int handle(Exception ex, PrintWriter err) {
    Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
    if (t instanceof ScenarioException se) {
      err.println("pcsim: " + Terminal.safe(se.describe()));
      return EXIT_BAD_INPUT;
    }
    if (t instanceof UnrunnableScenario || t instanceof CommandLine.ParameterException) {
      err.println("pcsim: " + Terminal.safe(t.getMessage()));
      return EXIT_BAD_INPUT;
    }
    if (t instanceof IOException io) {
      err.println("pcsim: " + Terminal.safe(IoErrors.describe(io)));
      return EXIT_BAD_INPUT;
    }
    if (t instanceof ModelInvariantViolation) {
      err.println("pcsim: " + t.getMessage());
      return EXIT_INTERNAL;
    }
    err.println("pcsim: internal error (a bug in the model, please report it): " + t);
    t.printStackTrace(err);
    return EXIT_INTERNAL;
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
      return new String[] {"pcsim " + (v == null ? "dev" : v) + " (model "
          + io.postcopysim.scenarios.ModelFingerprint.value() + ")"};
    }
  }
}
