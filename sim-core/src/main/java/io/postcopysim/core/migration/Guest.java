package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Fork;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.net.HostId;

/**
 * The guest. On the source it dirties the hottest pages of its working set at the dirty rate
 * (pages are ranked by heat, rank = page index, so "dirtied since t" is a prefix). On the
 * destination one vCPU touches a page every touch interval, drawn by Zipf(working set, skew);
 * a touch of a missing page is a fault that blocks the vCPU until the page arrives.
 *
 * <p>Touches of present pages change nothing, so they are not events: the guest draws touches
 * ahead until it finds a missing page and schedules only that fault.
 */
final class Guest {
  private static final int MAX_DRAWS_PER_STEP = 4096;
  private static final int TOUCH_LABEL = Labels.intern("dst:guest:page-fault");
  private static final int DRAW_LABEL = Labels.intern("dst:guest:touch");

  private final Simulation sim;
  private final MigrationParams params;
  private final MigrationRecord record;
  /** Zipf(working set, skew) draws, shared with the worlds forked from this one. */
  private final PageDraws access;
  /** This world's position in {@link #access}: the index of its next draw. */
  private long nextDraw;
  private final EventHandler touch = this::touch;
  private DestinationQemu destination;
  private boolean runningOnDestination;
  private long blockedPage = -1;
  private long blockedSince;
  private long pending = -1;

  Guest(Simulation sim, MigrationParams params, MigrationRecord record) {
    this.sim = sim;
    this.params = params;
    this.record = record;
    this.access = new PageDraws(sim.rng().stream("guest.access"), params.workingSetPages(),
        Math.max(params.accessSkew(), 1e-9));
  }

  /** A copy for a forked world: the same position in the same draws, so the same pages. */
  Guest(Guest o, Fork fork, MigrationRecord record) {
    this.sim = fork.simulation();
    this.params = o.params;
    this.record = record;
    this.access = o.access; // the same draws from the same position: the same pages
    this.nextDraw = o.nextDraw;
    this.runningOnDestination = o.runningOnDestination;
    this.blockedPage = o.blockedPage;
    this.blockedSince = o.blockedSince;
    this.pending = o.pending;
    fork.put(o, this);
    fork.handler(o.touch, touch);
  }

  void attach(DestinationQemu destination) {
    this.destination = destination;
  }

  /** Pages dirtied on the source in {@code nanos} of running: a prefix of the working set. */
  int dirtiedIn(long nanos) {
    double bytes = (double) params.dirtyBytesPerSecond() * nanos / Time.SECOND;
    return (int) Math.min(params.workingSetPages(), Math.ceil(bytes / params.pageBytes()));
  }

  // ---- on the destination ----

  void startOnDestination() {
    runningOnDestination = true;
    scheduleNextTouch(sim.now());
  }

  void stopOnDestination() {
    runningOnDestination = false;
    if (pending >= 0) {
      sim.cancel(pending);
      pending = -1;
    }
  }

  /** Draws touches from {@code from} on until one misses; schedules that one. */
  private void scheduleNextTouch(long from) {
    if (!runningOnDestination || blockedPage >= 0 || destination.hasWholeWorkingSet()
        || params.touchIntervalNanos() == Time.NEVER) {
      return; // an idle guest (touch-interval never) faults on nothing
    }
    long t = from;
    for (int i = 0; i < MAX_DRAWS_PER_STEP; i++) {
      t += params.touchIntervalNanos();
      int page = access.get(nextDraw++) - 1;
      if (!destination.hasPage(page)) {
        pending = sim.scheduleAt(t, HostId.DESTINATION.kernelId(), TOUCH_LABEL, touch, page);
        return;
      }
    }
    // Bounded work per event: continue drawing from a later event.
    pending = sim.scheduleAt(t, HostId.DESTINATION.kernelId(), DRAW_LABEL, touch, -1);
  }

  private void touch(long page) {
    pending = -1;
    if (!runningOnDestination) {
      return;
    }
    if (page < 0 || destination.hasPage((int) page)) {
      scheduleNextTouch(sim.now()); // it arrived meanwhile (pushed in the background)
      return;
    }
    blockedPage = page;
    blockedSince = sim.now();
    destination.pageFault((int) page);
  }

  /** The destination placed pages: a vCPU blocked on one of them runs again. */
  void pagesArrived(long first, long count) {
    if (blockedPage >= first && blockedPage < first + count) {
      if (!destination.hasPage((int) blockedPage)) {
        record.pageReadWithoutData(blockedPage);
      }
      record.pageFault(sim.now() - blockedSince);
      blockedPage = -1;
      scheduleNextTouch(sim.now());
    }
  }

  /** After a recovery, the blocked vCPU's request is sent again. */
  void refault() {
    if (blockedPage >= 0) {
      destination.reRequest((int) blockedPage);
    }
  }

  boolean blocked() {
    return blockedPage >= 0;
  }
}
