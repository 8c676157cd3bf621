package io.postcopysim.core.kernel;

import java.util.Arrays;

/**
 * One simulated world: a virtual clock, the pending events, named random streams and the trace.
 * Single-threaded by design: determinism comes from processing events one at a time in (time,
 * insertion sequence) order.
 *
 * <pre>{@code
 * Simulation sim = new Simulation(42, TraceMode.HASH_ONLY);
 * int tick = Labels.intern("demo:tick");
 * sim.schedule(Time.millis(5), HOST, tick, arg -> System.out.println(sim.now()), 0);
 * sim.run(Time.SECOND);
 * }</pre>
 */
public final class Simulation {
  private final EventQueue queue;
  private final RngStreams rng;
  private final Trace trace;

  // Payload of each queue slot, indexed by slot. Set by the constructors, not initialisers: a
  // fork clones the original's, and initialisers would allocate arrays only to drop them.
  private EventHandler[] handlers;
  private long[] args;
  private int[] hosts;
  private int[] labels;

  private long now;
  private long processed;
  private boolean stopRequested;

  // Interceptions, sorted by event index; few per run (one per injected fault).
  private long[] interceptAt = new long[0];
  private Interceptor[] interceptors = new Interceptor[0];
  // Interceptions between events (a fault inside a quiet gap): at most a few per run.
  private long[] betweenIndex = new long[0];
  private long[] betweenTime = new long[0];
  private Interceptor[] betweenBy = new Interceptor[0];
  private int nextBetween;
  private Interceptor observer;
  private long lastObserved = -1;
  private int nextIntercept;
  private final EventInfo current = new EventInfo();

  public Simulation(long seed, TraceMode mode) {
    this.queue = new EventQueue(64);
    this.rng = new RngStreams(seed);
    this.trace = new Trace(mode);
    this.handlers = new EventHandler[64];
    this.args = new long[64];
    this.hosts = new int[64];
    this.labels = new int[64];
  }

  /**
   * A fork: the same clock, pending events, counters and trace hash, but no interceptors or
   * observer. Its events still call the original world's handlers until
   * {@link #remapHandlers} points them at the copied world's; the model's fork does both.
   */
  public Simulation(Simulation o) {
    this.queue = o.queue.copy();
    this.rng = o.rng;
    this.trace = o.trace.copy();
    // As far as the copied queue's slots: every slot in use is below its capacity.
    int capacity = queue.slotCapacity();
    this.handlers = Arrays.copyOf(o.handlers, capacity);
    this.args = Arrays.copyOf(o.args, capacity);
    this.hosts = Arrays.copyOf(o.hosts, capacity);
    this.labels = Arrays.copyOf(o.labels, capacity);
    this.now = o.now;
    this.processed = o.processed;
  }

  /**
   * Replaces every pending event's handler by its counterpart in {@code map}. A handler missing
   * from the map belongs to nothing that was copied: the fork would call into the old world, so
   * it fails loudly instead.
   */
  public void remapHandlers(java.util.Map<EventHandler, EventHandler> map) {
    // Most pending events are one flow's deliveries, sharing a handler: the last mapping is
    // kept so that runs of equal handlers skip the identity-hash lookup.
    EventHandler from = null;
    EventHandler to = null;
    for (int i = 0; i < handlers.length; i++) {
      EventHandler h = handlers[i];
      if (h == null) {
        continue;
      }
      if (h != from) {
        EventHandler n = map.get(h);
        if (n == null) {
          throw new IllegalStateException("event " + Labels.name(labels[i])
              + " has a handler the fork does not know: " + h);
        }
        from = h;
        to = n;
      }
      handlers[i] = to;
    }
  }

  public long now() {
    return now;
  }

  public RngStreams rng() {
    return rng;
  }

  public Trace trace() {
    return trace;
  }

  /** Events processed so far; also the index the next processed event will get. */
  public long processed() {
    return processed;
  }

  /** Time of the next pending event, or {@link Long#MAX_VALUE} when none is pending. */
  public long nextTime() {
    return queue.peekTime();
  }

  /** Pending events (cancelled timers excluded). */
  public int pending() {
    return queue.size();
  }

  /**
   * Schedules {@code handler.handle(arg)} after {@code delay} ns of virtual time; returns a handle
   * for {@link #cancel(long)}.
   */
  public long schedule(long delay, int host, int label, EventHandler handler, long arg) {
    if (delay < 0) {
      throw new IllegalArgumentException("negative delay " + delay);
    }
    return scheduleAt(Math.addExact(now, delay), host, label, handler, arg);
  }

  /** Schedules at an absolute virtual time, which must not be in the past. */
  public long scheduleAt(long time, int host, int label, EventHandler handler, long arg) {
    if (time < now) {
      throw new IllegalArgumentException(
          "cannot schedule at " + Time.format(time) + ", the present is " + Time.format(now));
    }
    if (handler == null) {
      throw new NullPointerException("handler");
    }
    long handle = queue.push(time);
    int slot = (int) handle;
    if (slot >= handlers.length) {
      int capacity = Math.max(queue.slotCapacity(), slot + 1);
      handlers = Arrays.copyOf(handlers, capacity);
      args = Arrays.copyOf(args, capacity);
      hosts = Arrays.copyOf(hosts, capacity);
      labels = Arrays.copyOf(labels, capacity);
    }
    handlers[slot] = handler;
    args[slot] = arg;
    hosts[slot] = host;
    labels[slot] = label;
    return handle;
  }

  /** Cancels a pending event; false if it already ran or was cancelled. */
  public boolean cancel(long handle) {
    return queue.cancel(handle);
  }

  public boolean isPending(long handle) {
    return queue.isPending(handle);
  }

  /**
   * Calls {@code interceptor} before the event with index {@code eventIndex} is processed. Several
   * interceptions may target one index; they run in the order they were added.
   */
  public void interceptBefore(long eventIndex, Interceptor interceptor) {
    if (eventIndex < processed) {
      throw new IllegalArgumentException(
          "event " + eventIndex + " was already processed (" + processed + " so far)");
    }
    int n = interceptAt.length;
    int pos = n;
    while (pos > nextIntercept && interceptAt[pos - 1] > eventIndex) {
      pos--;
    }
    long[] at = new long[n + 1];
    Interceptor[] by = new Interceptor[n + 1];
    System.arraycopy(interceptAt, 0, at, 0, pos);
    System.arraycopy(interceptors, 0, by, 0, pos);
    at[pos] = eventIndex;
    by[pos] = interceptor;
    System.arraycopy(interceptAt, pos, at, pos + 1, n - pos);
    System.arraycopy(interceptors, pos, by, pos + 1, n - pos);
    interceptAt = at;
    interceptors = by;
  }

  /**
   * Calls {@code interceptor} with the clock at {@code time}, after event {@code eventIndex - 1}
   * and before anything later than {@code time}: a fault inside the quiet gap before event
   * {@code eventIndex}, where nothing is scheduled. Whatever the interceptor schedules runs in
   * (time, insertion) order with the rest, so an event it schedules before event
   * {@code eventIndex}'s time comes first. It runs only if this world processes exactly
   * {@code eventIndex} events and then has nothing pending before {@code time} (its return value
   * is ignored: there is no event to drop). Several interceptions go in the order added; their
   * times must not decrease.
   */
  public void interceptBetween(long eventIndex, long time, Interceptor interceptor) {
    if (eventIndex < processed || time < now) {
      throw new IllegalArgumentException("event " + eventIndex + " at " + Time.format(time)
          + " is in the past (" + processed + " events, " + Time.format(now) + ")");
    }
    int n = betweenIndex.length;
    if (n > nextBetween && (betweenIndex[n - 1] > eventIndex
        || betweenIndex[n - 1] == eventIndex && betweenTime[n - 1] > time)) {
      throw new IllegalArgumentException("interceptions between events go in time order");
    }
    betweenIndex = Arrays.copyOf(betweenIndex, n + 1);
    betweenTime = Arrays.copyOf(betweenTime, n + 1);
    betweenBy = Arrays.copyOf(betweenBy, n + 1);
    betweenIndex[n] = eventIndex;
    betweenTime[n] = time;
    betweenBy[n] = interceptor;
  }

  /**
   * Runs the interceptions between events that are due: this world is at their index and
   * nothing pending comes before their time. One whose index went by unmet is dropped.
   */
  private void interceptBetween() {
    while (nextBetween < betweenIndex.length) {
      long index = betweenIndex[nextBetween];
      long time = betweenTime[nextBetween];
      if (index < processed || index == processed && time < now) {
        nextBetween++; // its moment passed without it: the run went elsewhere
        continue;
      }
      if (index > processed || queue.peekTime() <= time) {
        return;
      }
      now = time;
      current.index = processed;
      current.time = time;
      current.host = -1;
      current.label = -1;
      betweenBy[nextBetween++].beforeEvent(current);
    }
  }

  /** Makes {@link #run(long)} return after the current event. */
  public void stop() {
    stopRequested = true;
  }

  /**
   * Processes events in (time, insertion) order until none is pending, the next one lies beyond
   * {@code horizon}, or {@link #stop()} is called. The clock ends at the last event's time, or at
   * the horizon when pending events remain beyond it.
   */
  public RunEnd run(long horizon) {
    return run(horizon, Long.MAX_VALUE);
  }

  /**
   * As {@link #run(long)}, but also stops once {@code maxProcessed} events have been processed
   * in this world's whole history ({@link RunEnd#EVENT_LIMIT}): a bound on work and memory for
   * a run that never settles before its horizon.
   */
  public RunEnd run(long horizon, long maxProcessed) {
    stopRequested = false;
    while (true) {
      long next = queue.peekTime();
      if (next == Long.MAX_VALUE) {
        return RunEnd.QUIESCENT;
      }
      if (next > horizon) {
        now = Math.max(now, horizon);
        return RunEnd.HORIZON;
      }
      if (processed >= maxProcessed) {
        return RunEnd.EVENT_LIMIT;
      }
      step();
      if (stopRequested) {
        return RunEnd.STOPPED;
      }
    }
  }

  /**
   * Processes every event up to {@code time} and leaves the clock at {@code time}, even when the
   * queue ran dry earlier: "let t pass".
   */
  public RunEnd advanceTo(long time) {
    if (time < now) {
      throw new IllegalArgumentException(
          "cannot go back to " + Time.format(time) + " from " + Time.format(now));
    }
    RunEnd end = run(time);
    if (end != RunEnd.STOPPED) {
      now = time;
    }
    return end;
  }

  /** Processes exactly one event; false when none is pending. */
  public boolean step() {
    if (nextBetween < betweenIndex.length) {
      interceptBetween();
    }
    int slot = queue.pop();
    if (slot < 0) {
      return false;
    }
    long time = queue.lastPoppedTime();
    assert time >= now : "time went backwards";
    now = time;
    EventHandler handler = handlers[slot];
    long arg = args[slot];
    int host = hosts[slot];
    int label = labels[slot];
    handlers[slot] = null;
    boolean proceed = true;
    if (nextIntercept < interceptAt.length && interceptAt[nextIntercept] == processed) {
      // The slot is not released yet, so the interceptor may cancel this very event (a fault
      // that makes it impossible, such as a crash of the host it would run on).
      proceed = intercept(time, host, label);
    }
    if (observer != null && processed != lastObserved) {
      // Once per index, at the same pop an interceptor of that index would fire (which may be
      // a lazily cancelled event's slot): the observer sees what such a fault would meet.
      lastObserved = processed;
      current.index = processed;
      current.time = time;
      current.host = host;
      current.label = label;
      observer.beforeEvent(current);
    }
    if (!queue.release(slot) || !proceed) {
      return true;
    }
    trace.record(time, host, label);
    processed++;
    handler.handle(arg);
    return true;
  }

  private boolean intercept(long time, int host, int label) {
    current.index = processed;
    current.time = time;
    current.host = host;
    current.label = label;
    boolean proceed = true;
    while (nextIntercept < interceptAt.length && interceptAt[nextIntercept] == processed) {
      proceed &= interceptors[nextIntercept++].beforeEvent(current);
    }
    return proceed;
  }

  /**
   * Calls {@code observer} before every event, after any interceptor of that index, so it sees
   * the state a fault injected there would meet. Its return value is ignored: it only looks.
   * The enumerator uses it once per first fault to find where a second fault would be a no-op.
   */
  public void observeEach(Interceptor observer) {
    this.observer = observer;
  }

  /** How a run ended. */
  public enum RunEnd {
    /** Nothing is pending: no later event can happen. */
    QUIESCENT,
    /** The next event lies beyond the horizon. */
    HORIZON,
    /** The event bound was reached with events still pending. */
    EVENT_LIMIT,
    STOPPED
  }

  /** The event an interceptor sees; a view reused between calls. */
  public static final class EventInfo {
    private long index;
    private long time;
    private int host;
    private int label;

    public long index() {
      return index;
    }

    public long time() {
      return time;
    }

    public int host() {
      return host;
    }

    public int label() {
      return label;
    }

    public String labelName() {
      return Labels.name(label);
    }
  }
}
