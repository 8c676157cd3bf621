package io.postcopysim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.UnrunnableScenario;
import io.postcopysim.scenarios.FolderLock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each class of bad input: exit 2 with one line; model bugs: exit 3. */
class CliInputTest {
  private static final String[] SMALL = {"--variants", "LEGACY", "--faults", "DEST_CRASH"};

  private static String[] small(String... head) {
    String[] all = new String[head.length + SMALL.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(SMALL, 0, all, head.length, SMALL.length);
    return all;
  }

  /** Exit 2, one line on stderr, no stack trace. */
  private static String badInput(Cli c) {
    assertThat(c.code()).as(c.err()).isEqualTo(2);
    assertThat(c.err().strip().lines()).as(c.err()).hasSize(1);
    assertThat(c.err()).doesNotContain("\tat ", "Exception");
    return c.err();
  }

  private static int handled(Exception e, StringWriter w) {
    return Pcsim.handle(e, new PrintWriter(w, true));
  }

  @Test
  void unrunnableScenariosAreBadInputAndKernelExceptionsAreModelBugs() {
    StringWriter w = new StringWriter();
    assertThat(handled(new UnrunnableScenario("LEGACY: precopy never converges"), w))
        .isEqualTo(2);
    assertThat(w.toString()).isEqualTo("pcsim: LEGACY: precopy never converges"
        + System.lineSeparator());
    assertThat(handled(new IllegalArgumentException("bad index"), new StringWriter()))
        .isEqualTo(3);
    assertThat(handled(new IllegalStateException("queue broken"), new StringWriter()))
        .isEqualTo(3);
    StringWriter io = new StringWriter();
    assertThat(handled(new AccessDeniedException("/root/out/results.json"), io)).isEqualTo(2);
    assertThat(io.toString()).contains("permission denied: /root/out/results.json");
  }

  @Test
  void helpWorks() {
    Cli help = Cli.run("help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("run", "replay", "merge");
    for (String cmd : List.of("run", "replay", "merge", "validate", "list")) {
      Cli c = Cli.run(cmd, "--help");
      assertThat(c.code()).as(cmd + " --help: " + c.err()).isZero();
      assertThat(c.out()).contains("Usage: pcsim " + cmd);
      assertThat(Cli.run("help", cmd).out()).contains("Usage: pcsim " + cmd);
    }
  }

  @Test
  void outputFolderProblemsAreOneLine(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "x");
    assertThat(badInput(Cli.run(small("run", "--out", file.toString())))).contains("a-file");
    assertThat(badInput(Cli.run(small("run", "--out", "")))).contains("--out must name");
    assertThat(badInput(Cli.run("merge", tmp.resolve("nothing").toString(), "--out",
        tmp.resolve("m").toString()))).contains("not a directory");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThat(badInput(Cli.run("merge", empty.toString(), "--out",
        tmp.resolve("m").toString()))).contains("manifest");
    assertThat(badInput(Cli.run("ground-truth", "--out", tmp.resolve("a,b").toString())))
        .contains("comma");
  }

  /**
   * {@code ground-truth --case}: a case the lab cannot strike says why and exits 2, whether
   * or not QEMU is installed here; a malformed case ID or a lone --case is bad input too.
   */
  @Test
  void aModelCaseTheLabCannotStrikeSaysWhy(@TempDir Path tmp) throws Exception {
    Path scenario = tmp.resolve("s.yaml");
    Files.writeString(scenario, "name: s\nmigration:\n  variants: [LEGACY, PING3]\n");
    String out = tmp.resolve("gt").toString();
    assertThat(badInput(Cli.run("ground-truth", "--case", "PING3/DEST_CRASH@5", "--scenario",
        scenario.toString(), "--qemu", "10.0", "--out", out))).contains("no QEMU has PING3");
    assertThat(badInput(Cli.run("ground-truth", "--case", "LEGACY/SOURCE_HOST_CRASH@5",
        "--scenario", scenario.toString(), "--qemu", "10.0", "--out", out)))
        .contains("no real counterpart");
    assertThat(badInput(Cli.run("ground-truth", "--case", "LEGACY-DEST_CRASH@5",
        "--scenario", scenario.toString(), "--out", out))).contains("VARIANT/KIND@POINT");
    assertThat(badInput(Cli.run("ground-truth", "--case", "LEGACY/DEST_CRASH@5", "--out",
        out))).contains("--scenario");
  }

  @Test
  void aLockedOutputFolderIsRefused(@TempDir Path tmp) throws Exception {
    try (FolderLock held = FolderLock.acquire(tmp)) {
      assertThat(badInput(Cli.run(small("run", "--out", tmp.toString())))).contains("in use");
    }
    assertThat(Cli.run(small("run", "--out", tmp.toString())).code()).isZero();
  }

  @Test
  void duplicatesAreRefused(@TempDir Path tmp) throws Exception {
    assertThat(badInput(Cli.run("run", "--variants", "LEGACY,LEGACY", "--out",
        tmp.toString()))).contains("twice");
    assertThat(badInput(Cli.run("run", "--faults", "DEST_CRASH,dest-crash", "--out",
        tmp.toString()))).contains("twice");
    Path a = tmp.resolve("a.yaml");
    Path b = tmp.resolve("b.yaml");
    Files.writeString(a, "name: same\n");
    Files.writeString(b, "name: same\n");
    assertThat(badInput(Cli.run(small("run", a.toString(), b.toString(), "--out",
        tmp.resolve("o").toString())))).contains("also the name of");
    assertThat(badInput(Cli.run("validate", a.toString(), b.toString())))
        .contains("also the name of");
  }

  @Test
  void zeroCasesIsRefused(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("setup.yaml");
    Files.writeString(f, "name: setup\nfaults: {points: [SETUP, ACTIVE]}\n");
    assertThat(Cli.run("validate", f.toString()).code()).isZero();
    // Load errors strike only while the device state loads: never in SETUP or ACTIVE.
    assertThat(badInput(Cli.run("run", f.toString(), "--faults", "DEST_LOAD_ERROR", "--out",
        tmp.resolve("o").toString()))).contains("no case for", "completes at");
  }

  @Test
  void replayRefusesCasesTheScenarioDoesNotEnumerate() {
    // A load error cannot strike before the device state arrives.
    assertThat(badInput(Cli.run("replay", "default", "--case", "LEGACY/DEST_LOAD_ERROR@0")))
        .contains("cannot strike before event 0");
    assertThat(badInput(Cli.run("replay", "default", "--case",
        "LEGACY/DEST_CRASH@5+PARTITION@999999"))).contains("second fault");
    assertThat(badInput(Cli.run("replay", "default", "--case", "garbage"))).contains("--case");
  }

  @Test
  void compressedShardsMergeAndAMergedReportReplaysFromItsResults(@TempDir Path tmp)
      throws Exception {
    for (int i = 1; i <= 2; i++) {
      assertThat(Cli.run(small("run", "--compress", "--shard", i + "/2", "--out",
          tmp.resolve("s" + i).toString())).code()).isZero();
      assertThat(Files.exists(tmp.resolve("s" + i).resolve("cases.csv.gz"))).isTrue();
      assertThat(Files.exists(tmp.resolve("s" + i).resolve("cases.csv"))).isFalse();
    }
    Path merged = tmp.resolve("merged dir");
    Cli m = Cli.run("merge", tmp.resolve("s1").toString(), tmp.resolve("s2").toString(),
        "--out", merged.toString());
    assertThat(m.code()).as(m.err()).isZero();
    String html = Files.readString(merged.resolve("report.html"));
    // The command is shell-quoted and names the merged results, not a built-in.
    String quoted = "./pcsim replay '" + merged.resolve("results.json") + "' --case ";
    assertThat(html).contains(quoted);
    String id = html.substring(html.indexOf(quoted) + quoted.length()).split("<")[0];
    Cli r = Cli.run("replay", merged.resolve("results.json").toString(), "--case", id);
    assertThat(r.code()).as(r.err()).isZero();
    String row = Files.readAllLines(merged.resolve("cases.csv")).stream()
        .filter(l -> l.startsWith(id + ",")).findFirst().orElseThrow();
    assertThat(r.out()).contains("trace hash: " + row.split(",")[10]);
    // Its results.json holds only the variants it ran.
    assertThat(badInput(Cli.run("replay", merged.toString(), "--case", "PING3/DEST_CRASH@5")))
        .contains("is not in");
  }

  @Test
  void listSaysWhatEachEntryIs() {
    String out = Cli.run("list").out();
    assertThat(out).contains("DEST_HOST_CRASH      the destination machine dies",
        "VM_LOST              UNSAFE: ", "LEGACY               QEMU up to 10.1");
  }

  @Test
  void namesAndMessagesReachTheTerminalWithoutControlCharacters() {
    Cli c = Cli.run("run", "no-such-\u001b[2J-scenario");
    assertThat(c.err()).doesNotContain("\u001b").contains("\\u001b");
  }
}
