package io.postcopysim.reports;

import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.CaseResult;
import io.postcopysim.faults.Outcome;
import io.postcopysim.scenarios.Results;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A short verdict written from the numbers, never from a table of expectations. */
final class Verdict {
  private Verdict() {}

  static String write(Results r) {
    StringBuilder b = new StringBuilder("<ul>\n");
    List<Results.VariantResults> vs = r.variants();
    // Every bad outcome weighs: the unsafe time the protocol causes first (split, diverged,
    // lost, less the loss every postcopy design shares), then stuck time, then the shared
    // loss; counts follow how many events a phase has and decide nothing here.
    Comparator<Results.VariantResults> risk = Comparator
        .comparingLong((Results.VariantResults v) -> v.exposure().protocolUnsafeNanos())
        .thenComparingLong(v -> v.exposure().total().get(Outcome.STUCK_PAUSED))
        .thenComparingLong(v -> v.exposure().sharedLossNanos());
    Results.VariantResults safest = vs.stream().min(risk).orElseThrow();
    Results.VariantResults riskiest = vs.stream().max(risk).orElseThrow();
    b.append("<li>Least exposed: <b>").append(HtmlReport.esc(safest.variant())).append("</b> (")
        .append(exposure(safest)).append(")");
    if (risk.compare(riskiest, safest) > 0) {
      b.append("; most exposed: <b>").append(HtmlReport.esc(riskiest.variant())).append("</b> (")
          .append(exposure(riskiest)).append(")");
    }
    b.append(". Exposure: milliseconds of the migration in which one fault, summed over the"
        + " fault kinds, ends unsafe (split brain, diverged, lost) by the protocol's doing, or"
        + " stuck; the loss every postcopy design shares (the destination dies while it runs"
        + " the guest in postcopy-active) is shown apart.</li>\n");
    long minStuck = vs.stream().mapToLong(Results.VariantResults::stuckNanos).min().orElse(0);
    List<String> narrowest = vs.stream().filter(v -> v.stuckNanos() == minStuck)
        .map(Results.VariantResults::variant).toList();
    b.append("<li>Narrowest stuck window: <b>").append(String.join(", ", narrowest))
        .append("</b> (").append(HtmlReport.ms(minStuck)).append(")");
    vs.stream().max(Comparator.comparingLong(Results.VariantResults::stuckNanos))
        .filter(v -> v.stuckNanos() > minStuck)
        .ifPresent(v -> b.append("; widest: <b>").append(HtmlReport.esc(v.variant()))
            .append("</b> (").append(HtmlReport.ms(v.stuckNanos())).append(")"));
    b.append(".</li>\n");
    for (Results.VariantResults v : vs) {
      Map<Outcome, Integer> c = HtmlReport.counts(v.cases());
      int stuck = c.get(Outcome.STUCK_PAUSED);
      long lostAfterSwitch = v.cases().stream().filter(x -> x.outcome() == Outcome.VM_LOST
          && x.phase() == MigrationStatus.POSTCOPY_ACTIVE).count();
      b.append("<li><b>").append(HtmlReport.esc(v.variant())).append("</b>: ");
      if (v.cases().isEmpty()) {
        b.append("no case was run, so nothing is known.");
      } else if (HtmlReport.unsafe(c) + stuck == 0) {
        b.append("no single fault leaves the VM stuck, split, diverged or lost.");
      } else {
        b.append(String.format(Locale.ROOT, "%d of %d cases stuck", stuck, v.cases().size()));
        // Every unsafe outcome the model knows, in its order (a new one is reported too).
        for (Outcome o : Outcome.values()) {
          int n = c.get(o);
          if (!o.unsafe() || n == 0) {
            continue;
          }
          if (o == Outcome.VM_LOST) {
            b.append(", ").append(n).append(" VM lost (").append(lostAfterSwitch)
                .append(" of them struck in postcopy-active, where the destination holds pages"
                    + " nobody else has)");
          } else {
            b.append(", <b>").append(n).append(' ').append(o.name().toLowerCase(Locale.ROOT)
                .replace('_', ' ')).append("</b>");
            first(v, o, b);
          }
        }
        b.append('.');
      }
      int unsettled = c.get(Outcome.UNSETTLED);
      if (unsettled > 0) {
        b.append(" <b>").append(unsettled).append(" cases unsettled</b> at the horizon: raise"
            + " <code>horizon</code> to judge them.");
      }
      b.append("</li>\n");
    }
    return b.append("</ul>\n").toString();
  }

  private static String exposure(Results.VariantResults v) {
    return HtmlReport.ms(v.exposure().protocolUnsafeNanos()) + " unsafe by the protocol, "
        + HtmlReport.ms(v.exposure().total().get(Outcome.STUCK_PAUSED)) + " stuck, "
        + HtmlReport.ms(v.exposure().sharedLossNanos()) + " lost as every postcopy design";
  }

  private static void first(Results.VariantResults v, Outcome o, StringBuilder b) {
    v.cases().stream().filter(x -> x.outcome() == o).findFirst().map(CaseResult::pointLabel)
        .ifPresent(l -> b.append(" (first at <code>").append(HtmlReport.esc(l))
            .append("</code>)"));
  }
}
