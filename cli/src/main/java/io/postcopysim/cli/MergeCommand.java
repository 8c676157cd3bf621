package io.postcopysim.cli;

import io.postcopysim.reports.HtmlReport;
import io.postcopysim.scenarios.Merge;
import io.postcopysim.scenarios.Results;
import io.postcopysim.scenarios.ResultsFiles;
import io.postcopysim.scenarios.Scenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pcsim merge}: shard outputs into the result of one unsharded run. */
@Command(name = "merge", description = "Merge the outputs of --shard runs into one result.")
final class MergeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "DIR")
  List<Path> dirs;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Override
  public Integer call() throws Exception {
    Results r = Merge.merge(dirs);
    ResultsFiles.write(out, r);
    String name = String.valueOf(r.scenario().get("name"));
    ResultsFiles.writeAtomically(out.resolve("report.html"),
        HtmlReport.render(r, Scenario.fromResolved(r.scenario()), name));
    PrintWriter o = spec.commandLine().getOut();
    o.printf("merged %d shards: %d cases -> %s (results hash %s)%n", dirs.size(), r.caseCount(),
        out, ResultsFiles.resultsHash(r));
    o.flush();
    return Pcsim.EXIT_OK;
  }
}
