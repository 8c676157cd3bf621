package io.postcopysim.cli;

import io.postcopysim.reports.SweepReport;
import io.postcopysim.scenarios.FolderLock;
import io.postcopysim.scenarios.Shard;
import io.postcopysim.scenarios.Sweep;
import io.postcopysim.scenarios.SweepResults;
import io.postcopysim.scenarios.SweepRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pcsim sweep}: every cell of a grid over scenario keys; sweep.csv and sweep.html. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = "Run every cell of a sweep (a base scenario and a grid over any scenario"
        + " keys); write sweep.csv and sweep.html. Built-ins: latency, device-load, timeouts.")
final class SweepCommand implements Callable<Integer> {
  static final String CHECKPOINT = ".pcsim-sweep-checkpoint";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE.yaml|NAME",
      description = "A sweep file or a built-in sweep's name (see list).")
  String sweep;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default:"
      + " out-sweep-NAME). Locked while in use.")
  String out;

  @Option(names = "--threads", description = "Worker threads per cell (default: the cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--shard", paramLabel = "I/N", description = "Run only every N-th cell,"
      + " starting at the I-th; merge the shards' folders with pcsim merge.")
  String shard;

  @Option(names = "--figures", paramLabel = "DIR", description = "Also write each chart of"
      + " sweep.html as a standalone SVG file in DIR: NAME-OUTCOME.svg.")
  String figures;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Flags flags = new Flags(spec.commandLine());
    Shard sh = shard == null ? null : flags.shard(shard);
    if (threads < 1) {
      throw flags.error("--threads must be at least 1");
    }
    Sweep s = Sweep.load(sweep); // every cell read and checked before anything runs
    Path outDir = flags.outDir("--out", out == null ? "out-sweep-" + s.name() : out);
    try (FolderLock lock = FolderLock.acquire(outDir)) {
      Files.createDirectories(outDir);
      long start = System.nanoTime(); // wall-clock-ok: the console's progress, never a file
      SweepResults r = SweepRunner.run(s, sh, threads, outDir.resolve(CHECKPOINT),
          (cell, done, total, cases, resumed) -> {
            err.printf(Locale.ROOT, "pcsim sweep %s: cell %d/%d (%s): %d cases%s, %.1f s so"
                + " far%n", Terminal.safe(s.name()), done, total,
                Terminal.safe(cell.describe(s.axes())), cases, resumed ? " (from checkpoint)" : "",
                (System.nanoTime() - start) / 1e9); // wall-clock-ok
            err.flush();
          });
      r.write(outDir, SweepReport.render(r));
      if (figures != null) {
        writeFigures(flags.outDir("--figures", figures), s.name(), r);
      }
      Files.deleteIfExists(outDir.resolve(CHECKPOINT));
      o.printf(Locale.ROOT, "sweep %s: %d of %d cells%s, %d rows -> %s%n", Terminal.safe(s.name()),
          r.rows().stream().map(SweepResults.Row::cell).distinct().count(), r.cellCount(),
          sh == null ? "" : " (shard " + sh + ")", r.rows().size(),
          Terminal.safe(outDir.toString()));
    }
    o.flush();
    return Pcsim.EXIT_OK;
  }

  /** Each figure written whole (a temporary file, then a move), never half a file. */
  private static void writeFigures(Path dir, String name, SweepResults r) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> f : SweepReport.figures(r).entrySet()) {
      Path target = dir.resolve(name + "-" + f.getKey());
      Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
      Files.writeString(tmp, f.getValue());
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
