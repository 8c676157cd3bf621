package io.postcopysim.core.net;

import io.postcopysim.core.kernel.Simulation;
import java.util.ArrayList;
import java.util.List;

/** A socket listener that records what the application saw, and when. */
final class Recorder implements SocketListener {
  record Seen(long time, String what) {}

  private final Simulation sim;
  final List<Seen> seen = new ArrayList<>();

  Recorder(Simulation sim) {
    this.sim = sim;
  }

  @Override
  public void onMessage(Message message) {
    seen.add(new Seen(sim.now(), message.kind().name()));
  }

  @Override
  public void onError(SocketError error) {
    seen.add(new Seen(sim.now(), error.name()));
  }

  long timeOf(String what) {
    return seen.stream().filter(s -> s.what().equals(what)).mapToLong(Seen::time).findFirst()
        .orElseThrow(() -> new AssertionError(what + " never seen; saw " + seen));
  }

  boolean saw(String what) {
    return seen.stream().anyMatch(s -> s.what().equals(what));
  }
}
