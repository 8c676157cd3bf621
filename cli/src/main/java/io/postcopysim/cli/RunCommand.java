package io.postcopysim.cli;

import io.postcopysim.core.kernel.Time;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pcsim run}. Until the migration model and scenario files land, it runs the kernel demo:
 * a hold-model workload whose trace hash shows the run is reproducible.
 */
@Command(name = "run", description = "Run the built-in default job (for now: the kernel demo).")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--seed", description = "Scenario seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--events", description = "Events to process (default: ${DEFAULT-VALUE}).")
  long events = 1_000_000;

  @Option(names = "--pending", description = "Pending events kept in the queue (default: ${DEFAULT-VALUE}).")
  int pending = 10_000;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (events <= 0 || pending <= 0) {
      spec.commandLine().getErr().println("pcsim run: --events and --pending must be positive");
      return Pcsim.EXIT_BAD_INPUT;
    }
    KernelDemo.Result r = KernelDemo.run(seed, pending, events);
    out.printf("kernel demo (hold model): seed=%d pending=%d%n", seed, pending);
    out.printf("events processed: %d%n", r.events());
    out.printf("virtual time:     %s%n", Time.format(r.virtualTime()));
    out.printf("trace hash:       %016x%n", r.traceHash());
    out.flush();
    return Pcsim.EXIT_OK;
  }
}
