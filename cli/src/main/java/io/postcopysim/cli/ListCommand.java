package io.postcopysim.cli;

import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.Outcome;
import io.postcopysim.scenarios.Catalog;
import io.postcopysim.scenarios.DesignsReader;
import io.postcopysim.scenarios.Glossary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pcsim list}: built-in scenarios, variants (each with its row of decisions), fault kinds,
 * outcomes, each with a line; given a scenario, its own designs too.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List built-in scenarios, variants (designs, each with its row of decisions),"
        + " fault kinds, outcomes.")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "FILE.yaml|NAME",
      description = "Also list this scenario's own designs (migration.designs).")
  String scenario;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("scenarios (built-in; run with ./pcsim run NAME):");
    for (String n : Catalog.names()) {
      out.printf("  %-20s %s%n", n, Catalog.summary(n));
    }
    out.println("sweeps (built-in; run with ./pcsim sweep NAME):");
    for (String n : io.postcopysim.scenarios.Sweep.names()) {
      out.printf("  %-20s %s%n", n, io.postcopysim.scenarios.Sweep.summary(n));
    }
    List<Variant> designs = new ArrayList<>(Variants.all());
    if (scenario != null) {
      ScenarioArgs.one(scenario).scenario().study().variants().stream()
          .filter(v -> !DesignsReader.builtIn(v)).forEach(designs::add);
    }
    out.println("variants (migration.variants, --variants; a row of decisions each,"
        + " migration.designs adds more):");
    for (Variant v : designs) {
      out.printf("  %-20s %s%n", v.name(), Glossary.variant(v.name()));
      out.printf("  %-20s %s%n", "", DesignsReader.oneLine(v));
    }
    out.println("fault kinds (faults.kinds, --faults):");
    for (FaultKind k : FaultKind.values()) {
      out.printf("  %-20s %s%n", k.name(), Glossary.faultKind(k.name()));
    }
    out.println("outcomes (--fail-on):");
    for (Outcome o : Outcome.values()) {
      out.printf("  %-20s %s%s%n", o.name(), o.unsafe() ? "UNSAFE: " : "",
          Glossary.outcome(o.name()));
    }
    out.flush();
    return Pcsim.EXIT_OK;
  }
}
