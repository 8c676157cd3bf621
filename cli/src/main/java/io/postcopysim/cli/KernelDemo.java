package io.postcopysim.cli;

import io.postcopysim.core.kernel.EventHandler;
import io.postcopysim.core.kernel.Labels;
import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.TraceMode;
import org.apache.commons.math3.distribution.ExponentialDistribution;

/**
 * The hold model on the real kernel: {@code pending} events, each of which reschedules itself at
 * now + Exp(1 ms) until {@code events} have been processed.
 */
final class KernelDemo {
  private static final int HOLD = Labels.intern("demo:hold");

  record Result(long events, long virtualTime, long traceHash) {}

  static Result run(long seed, int pending, long events) {
    Simulation sim = new Simulation(seed, TraceMode.HASH_ONLY);
    ExponentialDistribution increment =
        new ExponentialDistribution(sim.rng().stream("demo"), 1_000_000.0);
    EventHandler[] hold = new EventHandler[1];
    hold[0] = host -> {
      if (sim.processed() + sim.pending() < events) {
        sim.schedule((long) increment.sample(), (int) host, HOLD, hold[0], host);
      }
    };
    for (int i = 0; i < pending; i++) {
      sim.schedule((long) increment.sample(), i & 1, HOLD, hold[0], i & 1);
    }
    sim.run(Long.MAX_VALUE);
    return new Result(sim.processed(), sim.now(), sim.trace().hash());
  }

  private KernelDemo() {}
}
