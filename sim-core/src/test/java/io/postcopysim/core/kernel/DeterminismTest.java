package io.postcopysim.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class DeterminismTest {
  private static final int[] LABELS = {
    Labels.intern("work:a"), Labels.intern("work:b"), Labels.intern("work:c")
  };

  /** A random self-scheduling workload with cancels, driven by the simulation's own streams. */
  static long randomWorkload(long seed) {
    Simulation sim = new Simulation(seed, TraceMode.HASH_ONLY);
    RandomGenerator rng = sim.rng().stream("workload");
    long[] timer = new long[1];
    EventHandler[] self = new EventHandler[1];
    self[0] = arg -> {
      if (sim.processed() > 20_000) {
        return;
      }
      int fanout = 1 + rng.nextInt(2);
      for (int i = 0; i < fanout; i++) {
        long delay = rng.nextInt(4) == 0 ? 0 : (long) (rng.nextDouble() * Time.MILLISECOND);
        timer[0] = sim.schedule(delay, rng.nextInt(3), LABELS[rng.nextInt(3)], self[0], arg + 1);
      }
      if (rng.nextInt(3) == 0) {
        sim.cancel(timer[0]);
      }
    };
    for (int i = 0; i < 10; i++) {
      sim.schedule(0, 0, LABELS[0], self[0], i);
    }
    sim.run(Time.HOUR);
    return sim.trace().hash();
  }

  @Test
  void sameSeedGivesSameTraceHash() {
    assertThat(randomWorkload(7)).isEqualTo(randomWorkload(7));
  }

  @Test
  void differentSeedGivesDifferentTraceHash() {
    assertThat(randomWorkload(7)).isNotEqualTo(randomWorkload(8));
  }

  @Test
  void namedStreamsAreReproducibleAndIndependent() {
    RngStreams a = new RngStreams(42);
    RngStreams b = new RngStreams(42);
    long[] guest1 = draw(a.stream("guest"));
    assertThat(draw(b.stream("guest"))).isEqualTo(guest1);
    assertThat(draw(a.stream("network"))).isNotEqualTo(guest1);
    assertThat(draw(new RngStreams(43).stream("guest"))).isNotEqualTo(guest1);
  }

  @Test
  void drawingFromOneStreamDoesNotShiftAnother() {
    RngStreams rng = new RngStreams(42);
    RandomGenerator network = rng.stream("network");
    draw(network);
    draw(network);
    assertThat(draw(rng.stream("guest"))).isEqualTo(draw(new RngStreams(42).stream("guest")));
  }

  private static long[] draw(RandomGenerator g) {
    long[] out = new long[8];
    for (int i = 0; i < out.length; i++) {
      out[i] = g.nextLong();
    }
    return out;
  }
}
