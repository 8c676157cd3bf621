package io.postcopysim.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report from disk in headless Chromium (Debian's package, which .ci/run installs)
 * and fails on any console error or failed load.
 */
class ReportInBrowserTest {
  private static Path chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    return null;
  }

  @Test
  void opensFromDiskWithoutConsoleErrors(@TempDir Path tmp) throws Exception {
    Path browser = chromium();
    assumeTrue(browser != null, "chromium is not installed");
    Path html = tmp.resolve("report.html");
    Files.writeString(html, Reports.HTML, StandardCharsets.UTF_8);
    Path log = tmp.resolve("chromium.log");
    Path dom = tmp.resolve("dom.html");
    Process p = new ProcessBuilder(browser.toString(), "--headless=new", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--user-data-dir=" + tmp.resolve("profile"),
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom",
        html.toUri().toString())
        .redirectError(log.toFile()).redirectOutput(dom.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    String dumped = Files.readString(dom, StandardCharsets.UTF_8);
    String stderr = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(dumped).as(stderr).contains("Safety report: report-test", "</svg>");
    List<String> console = stderr.lines().filter(l -> l.contains("CONSOLE")
        || l.contains("Uncaught") || l.contains("net::ERR_")).toList();
    assertThat(console).as("console errors").isEmpty();
  }
}
