package io.postcopysim.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static final int HOST = 1;
  private static final int LABEL = Labels.intern("test:event");

  @Test
  void equalTimesPopInInsertionOrder() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    List<Long> order = new ArrayList<>();
    for (long i = 0; i < 50; i++) {
      sim.schedule(Time.millis(i % 3), HOST, LABEL, order::add, i);
    }
    sim.run(Time.SECOND);
    List<Long> expected = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      for (long i = 0; i < 50; i++) {
        if (i % 3 == t) {
          expected.add(i);
        }
      }
    }
    assertThat(order).isEqualTo(expected);
  }

  @Test
  void anInterceptionBetweenEventsRunsAtItsTimeAndWhatItSchedulesComesFirst() {
    Simulation sim = new Simulation(1, TraceMode.FULL);
    List<String> order = new ArrayList<>();
    sim.schedule(Time.millis(1), HOST, LABEL, a -> order.add("a@" + sim.now()), 0);
    sim.schedule(Time.millis(10), HOST, LABEL, b -> order.add("b@" + sim.now()), 0);
    long[] seen = new long[2];
    sim.interceptBetween(1, Time.millis(4), e -> {
      seen[0] = sim.now();
      seen[1] = e.index();
      sim.schedule(Time.millis(2), HOST, LABEL, c -> order.add("c@" + sim.now()), 0);
      return false; // ignored: there is no event to drop
    });
    sim.run(Time.SECOND);
    assertThat(seen).containsExactly(Time.millis(4), 1);
    assertThat(order).containsExactly("a@" + Time.millis(1), "c@" + Time.millis(6),
        "b@" + Time.millis(10));
    assertThat(sim.processed()).isEqualTo(3);
  }

  @Test
  void anInterceptionBetweenEventsWhoseMomentWentByDoesNotRun() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    sim.schedule(Time.millis(1), HOST, LABEL, a -> { }, 0);
    sim.schedule(Time.millis(2), HOST, LABEL, a -> { }, 0);
    boolean[] ran = {false};
    sim.interceptBetween(1, Time.millis(3), e -> ran[0] = true); // event 1 comes before 3 ms
    sim.run(Time.SECOND);
    assertThat(ran[0]).isFalse();
    assertThatThrownBy(() -> sim.interceptBetween(0, Time.millis(5), e -> true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eventsScheduledAtThePresentByAHandlerRunAfterThoseAlreadyWaiting() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    List<String> order = new ArrayList<>();
    sim.schedule(10, HOST, LABEL, a -> {
      order.add("first");
      sim.schedule(0, HOST, LABEL, b -> order.add("spawned"), 0);
    }, 0);
    sim.schedule(10, HOST, LABEL, a -> order.add("second"), 0);
    sim.run(Time.SECOND);
    assertThat(order).containsExactly("first", "second", "spawned");
  }

  @Test
  void cancelledTimerNeverFires() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    List<Long> fired = new ArrayList<>();
    long keep = sim.schedule(Time.millis(1), HOST, LABEL, fired::add, 1);
    long drop = sim.schedule(Time.millis(2), HOST, LABEL, fired::add, 2);
    assertThat(sim.cancel(drop)).isTrue();
    assertThat(sim.cancel(drop)).as("second cancel").isFalse();
    assertThat(sim.pending()).isEqualTo(1);
    sim.run(Time.SECOND);
    assertThat(fired).containsExactly(1L);
    assertThat(sim.cancel(keep)).as("cancel after firing").isFalse();
  }

  @Test
  void staleHandleDoesNotCancelTheEventThatReusedItsSlot() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    List<Long> fired = new ArrayList<>();
    long first = sim.schedule(1, HOST, LABEL, fired::add, 1);
    sim.run(Time.SECOND);
    sim.schedule(1, HOST, LABEL, fired::add, 2); // reuses the freed slot
    assertThat(sim.cancel(first)).isFalse();
    sim.run(Time.SECOND);
    assertThat(fired).containsExactly(1L, 2L);
  }

  @Test
  void horizonStopsTheRunAndLeavesLaterEventsPending() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    List<Long> fired = new ArrayList<>();
    sim.schedule(Time.seconds(1), HOST, LABEL, fired::add, 1);
    sim.schedule(Time.seconds(3), HOST, LABEL, fired::add, 3);
    assertThat(sim.run(Time.seconds(2))).isEqualTo(Simulation.RunEnd.HORIZON);
    assertThat(fired).containsExactly(1L);
    assertThat(sim.now()).isEqualTo(Time.seconds(2));
    // Continuing is allowed, including scheduling between the horizon and the next event.
    sim.schedule(Time.millis(500), HOST, LABEL, fired::add, 2);
    assertThat(sim.run(Time.seconds(10))).isEqualTo(Simulation.RunEnd.QUIESCENT);
    assertThat(fired).containsExactly(1L, 2L, 3L);
  }

  @Test
  void eventAtExactlyTheHorizonRuns() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    List<Long> fired = new ArrayList<>();
    sim.schedule(Time.seconds(2), HOST, LABEL, fired::add, 1);
    sim.run(Time.seconds(2));
    assertThat(fired).containsExactly(1L);
  }

  @Test
  void schedulingInThePastIsRefused() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    sim.schedule(100, HOST, LABEL, a -> {}, 0);
    sim.run(Time.SECOND);
    assertThatThrownBy(() -> sim.scheduleAt(50, HOST, LABEL, a -> {}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("present");
    assertThatThrownBy(() -> sim.schedule(-1, HOST, LABEL, a -> {}, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stopEndsTheRunAfterTheCurrentEvent() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    List<Long> fired = new ArrayList<>();
    sim.schedule(1, HOST, LABEL, a -> {
      fired.add(a);
      sim.stop();
    }, 1);
    sim.schedule(2, HOST, LABEL, fired::add, 2);
    assertThat(sim.run(Time.SECOND)).isEqualTo(Simulation.RunEnd.STOPPED);
    assertThat(fired).containsExactly(1L);
  }

  @Test
  void interceptorRunsBeforeEventKWithTheClockAtItsTime() {
    Simulation sim = new Simulation(1, TraceMode.FULL);
    List<String> log = new ArrayList<>();
    for (long i = 0; i < 5; i++) {
      sim.schedule(Time.millis(10 * i), HOST, LABEL, a -> log.add("event" + a), i);
    }
    sim.interceptBefore(3, e -> {
      log.add("intercept@" + e.index() + "/" + sim.now());
      return true;
    });
    sim.run(Time.SECOND);
    assertThat(log).containsExactly(
        "event0", "event1", "event2", "intercept@3/" + Time.millis(30), "event3", "event4");
    assertThat(sim.trace().size()).isEqualTo(5);
  }

  @Test
  void interceptorCanDropTheEventAndScheduleInstead() {
    Simulation sim = new Simulation(1, TraceMode.FULL);
    List<String> log = new ArrayList<>();
    int injected = Labels.intern("test:injected");
    for (long i = 0; i < 3; i++) {
      sim.schedule(Time.millis(10 * i), HOST, LABEL, a -> log.add("event" + a), i);
    }
    sim.interceptBefore(1, e -> {
      sim.schedule(0, HOST, injected, a -> log.add("injected"), 0);
      return false;
    });
    sim.run(Time.SECOND);
    assertThat(log).containsExactly("event0", "injected", "event2");
    assertThat(sim.trace().events()).extracting(Trace.TraceEvent::label)
        .containsExactly("test:event", "test:injected", "test:event");
  }

  @Test
  void interceptorCanCancelTheEventItStandsBefore() {
    Simulation sim = new Simulation(1, TraceMode.FULL);
    List<Long> fired = new ArrayList<>();
    long[] handles = new long[3];
    for (int i = 0; i < 3; i++) {
      handles[i] = sim.schedule(Time.millis(i), HOST, LABEL, fired::add, i);
    }
    sim.interceptBefore(1, e -> {
      assertThat(sim.cancel(handles[1])).isTrue();
      return true;
    });
    sim.run(Time.SECOND);
    assertThat(fired).containsExactly(0L, 2L);
    assertThat(sim.cancel(handles[1])).isFalse();
  }

  @Test
  void interceptionOfAnAlreadyProcessedEventIsRefused() {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    sim.schedule(1, HOST, LABEL, a -> {}, 0);
    sim.schedule(2, HOST, LABEL, a -> {}, 0);
    sim.step();
    assertThatThrownBy(() -> sim.interceptBefore(0, e -> true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fullTraceRecordsIndexTimeHostAndLabel() {
    Simulation sim = new Simulation(1, TraceMode.FULL);
    int other = Labels.intern("test:other");
    sim.schedule(5, 2, other, a -> {}, 0);
    sim.schedule(1, HOST, LABEL, a -> {}, 0);
    sim.run(Time.SECOND);
    assertThat(sim.trace().events()).containsExactly(
        new Trace.TraceEvent(0, 1, HOST, "test:event"),
        new Trace.TraceEvent(1, 5, 2, "test:other"));
  }

  @Test
  void hashOnlyTraceRefusesToListEventsButHashesTheSame() {
    Simulation full = new Simulation(1, TraceMode.FULL);
    Simulation lean = new Simulation(1, TraceMode.HASH_ONLY);
    for (Simulation sim : List.of(full, lean)) {
      sim.schedule(5, HOST, LABEL, a -> {}, 0);
      sim.run(Time.SECOND);
    }
    assertThat(lean.trace().hash()).isEqualTo(full.trace().hash());
    assertThatThrownBy(() -> lean.trace().events()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void hashSeesTimeHostAndLabel() {
    long base = hashOfOne(5, HOST, LABEL);
    assertThat(hashOfOne(6, HOST, LABEL)).isNotEqualTo(base);
    assertThat(hashOfOne(5, 2, LABEL)).isNotEqualTo(base);
    assertThat(hashOfOne(5, HOST, Labels.intern("test:other"))).isNotEqualTo(base);
    assertThat(hashOfOne(5, HOST, LABEL)).isEqualTo(base);
  }

  private static long hashOfOne(long time, int host, int label) {
    Simulation sim = new Simulation(1, TraceMode.HASH_ONLY);
    sim.schedule(time, host, label, a -> {}, 0);
    sim.run(Time.SECOND);
    return sim.trace().hash();
  }
}
