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
      int split = c.get(Outcome.SPLIT_BRAIN);
      int diverged = c.get(Outcome.DIVERGED);
      int lost = c.get(Outcome.VM_LOST);
      int unsettled = c.get(Outcome.UNSETTLED);
      int stuck = c.get(Outcome.STUCK_PAUSED);
      long lostAfterSwitch = v.cases().stream().filter(x -> x.outcome() == Outcome.VM_LOST
          && x.phase() == MigrationStatus.POSTCOPY_ACTIVE).count();
      b.append("<li><b>").append(HtmlReport.esc(v.variant())).append("</b>: ");
      if (split + diverged + lost + stuck + unsettled == 0) {
        b.append("no single fault leaves the VM stuck, split or lost.");
      } else {
        b.append(String.format(Locale.ROOT, "%d of %d cases stuck", stuck, v.cases().size()));
        if (split > 0) {
          b.append(", <b>").append(split).append(" split brain</b>");
          first(v, Outcome.SPLIT_BRAIN, b);
        }
        if (diverged > 0) {
          b.append(", <b>").append(diverged).append(" diverged</b> (the source ran again after"
              + " the destination had run: disk and memory no longer match)");
          first(v, Outcome.DIVERGED, b);
        }
        if (unsettled > 0) {
          b.append(", ").append(unsettled).append(" unsettled at the horizon (raise"
              + " <code>horizon</code> to judge them)");
        }
        if (lost > 0) {
          b.append(", ").append(lost).append(" VM lost (")
              .append(lostAfterSwitch).append(" of them struck in postcopy-active, where the"
                  + " destination holds pages nobody else has)");
        }
        b.append('.');
      }
      b.append("</li>\n");
    }
    return b.append("</ul>\n").toString();
  }

  private static void first(Results.VariantResults v, Outcome o, StringBuilder b) {
    v.cases().stream().filter(x -> x.outcome() == o).findFirst().map(CaseResult::pointLabel)
        .ifPresent(l -> b.append(" (first at <code>").append(HtmlReport.esc(l))
            .append("</code>)"));
  }
}
