package io.postcopysim.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.faults.CaseId;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.CaseRunner;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Outcome;
import io.postcopysim.scenarios.Results;
import io.postcopysim.scenarios.ResultsFiles;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The report's structure, checked against the results it was made from. */
class ReportStructureTest {
  private static final Document DOC = Jsoup.parse(Reports.HTML);

  @Test
  void everySectionIsThere() {
    for (String id : new String[] {"designs", "headline", "verdict", "matrices",
        "counterexamples", "distributions", "coverage", "parameters"}) {
      assertThat(DOC.getElementById(id)).as(id).isNotNull();
    }
    assertThat(DOC.title()).contains("report-test");
  }

  @Test
  void theDesignsSectionShowsTheRowOfEachDesignCompared() {
    for (Results.VariantResults v : Reports.RESULTS.variants()) {
      Element row = DOC.select("#designs tbody tr").stream()
          .filter(tr -> tr.selectFirst("th").text().equals(v.variant())).findFirst()
          .orElseThrow(() -> new AssertionError(v.variant()));
      assertThat(row.select("td")).hasSize(8);
    }
    assertThat(DOC.select("#designs thead th").eachText()).contains("gate", "gate-timeout",
        "ack", "status-after-package");
  }

  @Test
  void itIsSelfContained() {
    assertThat(DOC.select("script[src], link[href], img[src], iframe, object")).isEmpty();
    assertThat(Reports.HTML).doesNotContain("http://www.w3.org/1999/xlink\" xlink:href=\"http")
        .doesNotContain("url(http");
    assertThat(DOC.select("svg").size()).isGreaterThanOrEqualTo(3 * 2 + 3);
  }

  @Test
  void theHeadlineCountsAreTheResults() {
    for (Results.VariantResults v : Reports.RESULTS.variants()) {
      Element row = DOC.select("#headline tbody tr").stream()
          .filter(tr -> tr.selectFirst("th").text().equals(v.variant())).findFirst()
          .orElseThrow();
      Map<Outcome, Long> counts = v.cases().stream()
          .collect(Collectors.groupingBy(CaseResult::outcome, Collectors.counting()));
      for (Outcome o : Outcome.values()) {
        assertThat(row.select("td").get(o.ordinal()).text()).as(v.variant() + " " + o)
            .isEqualTo(String.valueOf(counts.getOrDefault(o, 0L)));
      }
    }
    assertThat(DOC.getElementById("results-hash").text())
        .isEqualTo(ResultsFiles.resultsHash(Reports.RESULTS));
  }

  @Test
  void eachCounterexampleIsTheEarliestOfItsOutcomeAndReplaysToIt() {
    var articles = DOC.select("article.cex");
    assertThat(articles).isNotEmpty();
    CaseRunner runner = new CaseRunner(Reports.SCENARIO.study());
    for (Element a : articles) {
      String id = a.selectFirst("code.case-id").text();
      assertThat(a.selectFirst("pre.replay").text())
          .isEqualTo("./pcsim replay report-test.yaml --case " + id);
      CaseId caseId = CaseId.parse(id);
      Results.VariantResults v = Reports.RESULTS.variants().stream()
          .filter(x -> x.variant().equals(caseId.variant())).findFirst().orElseThrow();
      CaseResult row = v.cases().stream().filter(c -> c.id().equals(caseId)).findFirst()
          .orElseThrow();
      assertThat(v.cases().stream().filter(c -> c.outcome() == row.outcome()).findFirst()
          .orElseThrow().id()).isEqualTo(caseId);
      GoldenRun g = GoldenRun.of(Reports.SCENARIO.study(),
          Reports.SCENARIO.study().variant(caseId.variant()));
      assertThat(runner.run(caseId, g, TraceMode.FULL).result()).isEqualTo(row);
      assertThat(a.select("svg")).as("sequence chart of " + id).hasSize(1);
      assertThat(a.select("svg").text()).contains(row.faultKind());
    }
    // Without locking the gated variant splits: its counterexample must be shown.
    assertThat(articles.eachAttr("id")).contains("cex-POSTCOPY_DEVICE-SPLIT_BRAIN");
  }

  @Test
  void coverageListsEveryProtocolStepThatWasFaulted() {
    for (Results.VariantResults v : Reports.RESULTS.variants()) {
      Set<String> labels = v.cases().stream().map(CaseResult::pointLabel)
          .collect(Collectors.toSet());
      Element details = DOC.select("#coverage details").stream()
          .filter(d -> d.selectFirst("summary").text().startsWith(v.variant() + ":"))
          .findFirst().orElseThrow();
      Set<String> shown = details.select("tbody td.key code").eachText().stream()
          .collect(Collectors.toSet());
      assertThat(shown).isEqualTo(labels);
    }
  }

  @Test
  void theVerdictWeighsEveryBadOutcomeByTimeNotByCount() {
    // The least exposed design has the least unsafe time (split, diverged, lost), then the
    // least stuck time; a design with the narrowest stuck window but lost VMs is not it.
    Results.VariantResults least = Reports.RESULTS.variants().stream()
        .min(java.util.Comparator
            .comparingLong((Results.VariantResults v) -> v.exposure().unsafeNanos())
            .thenComparingLong(v -> v.exposure().total().get(Outcome.STUCK_PAUSED)))
        .orElseThrow();
    assertThat(DOC.getElementById("verdict").text()).contains("Least exposed: "
        + least.variant());
  }

  @Test
  void theReportLeadsWithExposureInMilliseconds() {
    Element table = DOC.selectFirst("#exposure table");
    assertThat(table).isNotNull();
    assertThat(DOC.select("section").first().id()).isIn("glossary", "exposure");
    for (Results.VariantResults v : Reports.RESULTS.variants()) {
      Element row = table.select("tbody tr").stream()
          .filter(tr -> tr.selectFirst("th").text().equals(v.variant())).findFirst()
          .orElseThrow();
      long stuck = v.exposure().total().get(Outcome.STUCK_PAUSED);
      assertThat(row.select("td").get(1 + Outcome.STUCK_PAUSED.ordinal()).text())
          .startsWith(stuck == 0 ? "0" : HtmlReport.ms(stuck));
    }
  }

  @Test
  void theGlossaryDescribesEveryOutcome() {
    Element g = DOC.getElementById("glossary");
    assertThat(g).isNotNull();
    for (Outcome o : Outcome.values()) {
      assertThat(g.text()).contains(o.name() + (o.unsafe() ? " (unsafe)" : "") + " "
          + io.postcopysim.scenarios.Glossary.outcome(o.name()));
      assertThat(io.postcopysim.scenarios.Glossary.outcome(o.name()))
          .isNotEqualTo("(not described yet)");
    }
    assertThat(io.postcopysim.scenarios.Glossary.outcome("DIVERGED"))
        .contains("one after the other").contains("diverged");
  }

  @Test
  void stripsRunAlongVirtualTime() {
    var strips = DOC.select("figure.strip svg");
    assertThat(strips).isNotEmpty();
    for (Element svg : strips) {
      assertThat(svg.text()).contains("virtual time (ms)").doesNotContain("failure point");
    }
  }

  @Test
  void replayCommandsAreShellWords() {
    assertThat(Shell.quote("report-test.yaml")).isEqualTo("report-test.yaml");
    assertThat(Shell.quote("my runs/results.json")).isEqualTo("'my runs/results.json'");
    assertThat(Shell.quote("a'b;$(rm -rf x)")).isEqualTo("'a'\\''b;$(rm -rf x)'");
    assertThat(HtmlReport.render(Reports.RESULTS, Reports.SCENARIO, "dir with space/r.json"))
        .contains("./pcsim replay 'dir with space/r.json' --case ");
  }

  @Test
  void renderingTwiceGivesTheSameBytes() {
    assertThat(HtmlReport.render(Reports.RESULTS, Reports.SCENARIO, "report-test.yaml"))
        .isEqualTo(Reports.HTML);
  }
}
