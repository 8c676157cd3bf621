package io.postcopysim.faults;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.UnrunnableScenario;
import io.postcopysim.core.kernel.Trace.TraceEvent;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.migration.DestAutostart;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.migration.MigrationRecord;
import io.postcopysim.core.migration.MigrationResult;
import io.postcopysim.core.migration.MigrationStatus;
import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.net.HostId;
import java.util.ArrayList;
import java.util.List;

/**
 * A variant's failure-free run: its measures and its failure points, each with its label and
 * phase read from the trace and the status changes.
 */
public final class GoldenRun {
  static final String LOAD_STARTS_POSTCOPY = "dst:recv:MIG_CMD_PACKAGED";
  static final String LOAD_STARTS_PRECOPY = "dst:recv:DEVICE_STATE";
  static final String LOAD_ENDS = "dst:main:device-state-loaded";

  private final Variant variant;
  private final MigrationResult result;
  private final List<FailurePoint> points;
  private final long loadFrom;
  private final long loadTo;
  private final long activatedAt;
  private final Outcome outcome;
  private final String finding;
  private long gapNanos;
  private long[] faultLatencies = new long[0];
  private long destinationStartedAt = io.postcopysim.core.kernel.Time.NEVER;

  private GoldenRun(Variant variant, MigrationResult result, List<FailurePoint> points,
      long loadFrom, long loadTo, long activatedAt, Outcome outcome, String finding) {
    this.variant = variant;
    this.finding = finding;
    this.outcome = outcome;
    this.result = result;
    this.points = points;
    this.loadFrom = loadFrom;
    this.loadTo = loadTo;
    this.activatedAt = activatedAt;
  }

  public static GoldenRun of(Study study, Variant variant) {
    Simulation sim = new Simulation(study.seed(), TraceMode.FULL);
    Migration m = new Migration(sim, study.params(), study.tcp(), variant).start();
    Simulation.RunEnd end = sim.run(study.horizonNanos(), Study.MAX_EVENTS);
    if (end != Simulation.RunEnd.QUIESCENT) {
      throw new UnrunnableScenario(variant.name() + "'s failure-free run did not settle: "
          + (end == Simulation.RunEnd.HORIZON ? "still running at the horizon ("
              + Time.format(study.horizonNanos()) + ")"
              : "still running after " + Study.MAX_EVENTS + " events, at "
                  + Time.format(sim.now()))
          + " with the source " + m.status(HostId.SOURCE).qapiName()
          + (m.status(HostId.SOURCE) == MigrationStatus.ACTIVE
              ? ": precopy does not converge (dirty rate, bandwidth, downtime-limit)" : ""));
    }
    List<TraceEvent> events = sim.trace().events();
    List<MigrationRecord.StatusChange> source = m.record().statuses().stream()
        .filter(s -> s.host() == HostId.SOURCE).toList();
    List<FailurePoint> points = new ArrayList<>(events.size());
    int next = 0;
    MigrationStatus phase = MigrationStatus.NONE;
    long previous = 0;
    long loadFrom = -1;
    long loadTo = -1;
    for (TraceEvent e : events) {
      while (next < source.size() && source.get(next).afterEvent() < e.index()) {
        phase = source.get(next++).status();
      }
      points.add(new FailurePoint(e.index(), e.time(), previous, e.label(), phase));
      previous = e.time();
      if (loadFrom < 0 && (e.label().equals(LOAD_STARTS_POSTCOPY)
          || e.label().equals(LOAD_STARTS_PRECOPY))) {
        loadFrom = e.index();
      }
      if (e.label().equals(LOAD_ENDS)) {
        loadTo = e.index(); // the last: a load that faulted on guest pages ends when they came
      }
    }
    long activated = m.record().lockEvents().stream()
        .filter(l -> l.host() == HostId.DESTINATION && l.what().equals("activate"))
        .mapToLong(MigrationRecord.LockEvent::afterEvent).findFirst().orElse(events.size());
    Outcome outcome = Oracle.classify(Facts.of(m, true));
    GoldenRun g = new GoldenRun(variant, m.result(), List.copyOf(points), loadFrom, loadTo,
        activated, outcome, finding(variant, m, outcome));
    g.faultLatencies = m.record().faultLatencies();
    g.destinationStartedAt = m.record().destinationStartedAt();
    g.gapNanos = study.gapNanos();
    return g;
  }

  /**
   * What a failure-free run that does not migrate says. With no fault injected, only the
   * design's own timer (PING3's timeout shorter than the device load, say) can make a side give
   * up: that is the design's finding, reported. A run that fails with nobody noticing anything
   * is a model error.
   */
  private static String finding(Variant variant, Migration m, Outcome outcome) {
    boolean completed = m.status(HostId.SOURCE) == MigrationStatus.COMPLETED
        && m.status(HostId.DESTINATION) == MigrationStatus.COMPLETED;
    if (outcome == Outcome.MIGRATED
        || completed && m.params().destAutostart() == DestAutostart.OFF) {
      return ""; // migrated; or, with autostart off, completed and waiting for management
    }
    MigrationRecord r = m.record();
    long noticed = Math.min(r.detectedAt(HostId.SOURCE), r.detectedAt(HostId.DESTINATION));
    if (noticed == Time.NEVER) {
      throw new ModelInvariantViolation(variant.name() + "/failure-free",
          "the failure-free run ends " + outcome + " with no failure noticed by either side");
    }
    HostId who = r.detectedAt(HostId.SOURCE) == noticed ? HostId.SOURCE : HostId.DESTINATION;
    return variant.name() + " does not migrate even without a fault: the "
        + (who == HostId.SOURCE ? "source" : "destination")
        + " gave up at " + Time.format(noticed) + " on its own timer, and the run ends "
        + outcome;
  }

  /**
   * The design's own finding when its failure-free run does not migrate (see
   * {@link #outcome()}), or empty.
   */
  public String finding() {
    return finding;
  }

  public Variant variant() {
    return variant;
  }

  /** The oracle's class of the failure-free run (MIGRATED unless the scenario is broken). */
  public Outcome outcome() {
    return outcome;
  }

  /** Every guest page fault's latency in the failure-free run, in order. */
  /** When the destination started the guest in the failure-free run (NEVER if it did not). */
  public long destinationStartedAt() {
    return destinationStartedAt;
  }

  public long[] faultLatencies() {
    return faultLatencies.clone();
  }

  public MigrationResult result() {
    return result;
  }

  public List<FailurePoint> points() {
    return points;
  }

  public FailurePoint point(long index) {
    if (index < 0 || index >= points.size()) {
      throw new IllegalArgumentException("point " + index + " is not an event of "
          + variant.name() + "'s failure-free run (0.." + (points.size() - 1) + ")");
    }
    return points.get((int) index);
  }

  /**
   * Whether {@code kind} can strike before event {@code index}: a load error only while the
   * destination has the device state to load (from its arrival to the end of the load), an
   * activation error only until the destination activated its disk; every other kind anywhere.
   */
  public boolean applies(FaultKind kind, long index) {
    return applies(kind, index, 0);
  }

  /**
   * As {@link #applies(FaultKind, long)} for a point inside the gap before event {@code index}
   * ({@code gap} > 0): a load error there needs the load under way already (the device state
   * arrives with an event, so not in the gap before that event).
   */
  public boolean applies(FaultKind kind, long index, int gap) {
    return switch (kind) {
      case DEST_LOAD_ERROR -> loadFrom >= 0 && (gap == 0 ? index >= loadFrom : index > loadFrom)
          && index <= loadTo;
      case DEST_ACTIVATE_ERROR -> index <= activatedAt;
      default -> true;
    };
  }

  /** The spacing of points inside quiet gaps ({@code faults.gap-points}), 0 when there are none. */
  public long gapNanos() {
    return gapNanos;
  }

  /**
   * How many points lie inside the quiet gap before event {@code index}: with gap points every
   * g ns, one at each t(index-1) + j*g strictly before t(index). None without gap points.
   */
  public int gaps(long index) {
    FailurePoint p = point(index);
    if (gapNanos <= 0 || p.width() <= gapNanos) {
      return 0;
    }
    return (int) Math.min(Integer.MAX_VALUE, (p.width() - 1) / gapNanos);
  }

  /**
   * Where a first fault strikes and the span it stands for: the event's point (whose span, with
   * gap points, starts at the last point inside its gap), or the gap-th point inside the gap,
   * at t(index-1) + gap*g, standing for the g before it.
   */
  public FailurePoint point(Fault f) {
    FailurePoint p = point(f.point());
    int n = gaps(f.point());
    if (f.gap() > n) {
      throw new IllegalArgumentException("point " + f.point() + "." + f.gap() + ": the gap before"
          + " event " + f.point() + " of " + variant.name() + "'s failure-free run has "
          + (n == 0 ? "no points" : "points 1.." + n));
    }
    if (n == 0) {
      return p;
    }
    long start = p.previousTime();
    if (f.gap() == 0) {
      return new FailurePoint(p.index(), p.time(), start + n * gapNanos, p.label(), p.phase());
    }
    long at = start + f.gap() * gapNanos;
    return new FailurePoint(p.index(), at, at - gapNanos, p.label(), p.phase(), f.gap());
  }
}
