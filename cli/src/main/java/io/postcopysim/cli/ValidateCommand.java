package io.postcopysim.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pcsim validate}: exit 0 when every scenario is usable, 2 with the first error. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check scenario files; exit 0, or 2 with the error.")
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE.yaml|DIR|NAME")
  List<String> scenarios;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<ScenarioArgs.Named> named = ScenarioArgs.resolve(scenarios);
    ScenarioArgs.requireDistinctNames(named); // as run would refuse them
    for (ScenarioArgs.Named n : named) {
      out.printf("%s: ok (%s, %d variants, %d fault kinds)%n", Terminal.safe(n.arg()),
          n.scenario().name(),
          n.scenario().study().variants().size(), n.scenario().study().kinds().size());
    }
    out.flush();
    return Pcsim.EXIT_OK;
  }
}
