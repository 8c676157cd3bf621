package io.postcopysim.cli;

import io.postcopysim.reports.HtmlReport;
import io.postcopysim.reports.SweepReport;
import io.postcopysim.scenarios.SweepResults;
import io.postcopysim.scenarios.SweepRunner;
import io.postcopysim.scenarios.FolderLock;
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
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Merge the outputs of --shard runs (of run or of sweep) into one result.")
final class MergeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "DIR")
  List<Path> dirs;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  String out;

  @Option(names = "--compress", description = "Write cases.csv.gz instead of cases.csv.")
  boolean compress;

  @Override
  public Integer call() throws Exception {
    Path outDir = new Flags(spec.commandLine()).outDir("--out", out);
    try (FolderLock lock = FolderLock.acquire(outDir)) {
      if (java.nio.file.Files.exists(dirs.get(0).resolve(SweepResults.JSON))) {
        SweepResults s = SweepRunner.merge(dirs);
        s.write(outDir, SweepReport.render(s));
        spec.commandLine().getOut().printf("merged %d sweep shards: %d rows -> %s%n",
            dirs.size(), s.rows().size(), Terminal.safe(outDir.toString()));
        spec.commandLine().getOut().flush();
        return Pcsim.EXIT_OK;
      }
      Results r = Merge.merge(dirs);
      // The scenario of a merge is results.json's own (it may have come from a file the
      // reader does not have, or a built-in of the same name with other parameters).
      String replayFrom = outDir.resolve(ResultsFiles.JSON).toString();
      ResultsFiles.write(outDir, r, compress,
          HtmlReport.render(r, Scenario.fromResolved(r.scenario()), replayFrom));
      PrintWriter o = spec.commandLine().getOut();
      o.printf("merged %d shards: %d cases -> %s (results hash %s)%n", dirs.size(),
          r.caseCount(), Terminal.safe(outDir.toString()), ResultsFiles.resultsHash(r));
      o.flush();
    }
    return Pcsim.EXIT_OK;
  }
}
