package io.postcopysim.scenarios;

import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.faults.Enumerator;
import io.postcopysim.faults.FailurePoint;
import io.postcopysim.faults.GoldenRun;
import io.postcopysim.faults.Study;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A variant with no case at all has nothing judged, and "no fault leaves the VM stuck" would
 * be read as safe. This says why a variant has none (the phases its run reaches, when it
 * completes), or null when it has cases.
 */
public final class NoCases {
  private NoCases() {}

  public static String why(Study study, GoldenRun g) {
    if (!new Enumerator(study).singles(g).isEmpty()) {
      return null;
    }
    Set<MigrationStatus> reached = new LinkedHashSet<>();
    for (FailurePoint p : g.points()) {
      reached.add(p.phase());
    }
    Set<String> wanted = new TreeSet<>();
    study.phases().forEach(p -> wanted.add(p.name()));
    return "no case for " + g.variant().name() + ": its failure-free run reaches the source"
        + " phases " + reached + " and completes at "
        + CasesCsv.millis(g.result().totalTime()) + " ms"
        + (wanted.isEmpty() ? "" : ", never " + wanted) + ", and the fault kinds "
        + study.kinds() + " have no failure point there; 0 cases would judge nothing";
  }
}
