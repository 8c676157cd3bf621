package io.postcopysim.cli;

import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.faults.FaultKind;
import io.postcopysim.faults.Outcome;
import io.postcopysim.scenarios.Catalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pcsim list}: built-in scenarios, variants, fault kinds, outcomes. */
@Command(name = "list", description = "List built-in scenarios, variants, fault kinds, outcomes.")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("scenarios (built-in; run with ./pcsim run NAME):");
    for (String n : Catalog.names()) {
      out.printf("  %-20s %s%n", n, Catalog.summary(n));
    }
    out.println("variants:");
    for (Variant v : Variants.all()) {
      out.printf("  %s%n", v.name());
    }
    out.println("fault kinds:");
    for (FaultKind k : FaultKind.values()) {
      out.printf("  %s%n", k.name());
    }
    out.println("outcomes:");
    for (Outcome o : Outcome.values()) {
      out.printf("  %s%n", o.name());
    }
    out.flush();
    return Pcsim.EXIT_OK;
  }
}
