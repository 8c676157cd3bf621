package io.postcopysim.qemu;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The differences between real QEMU and the model that are understood and not yet modelled,
 * each keyed by what differs (a signature on one mismatch of a row), not by experiment: a
 * live run where the same mechanism shows up in another experiment, or not at all, stays
 * stable. A row is "known" when every one of its mismatches is explained by some difference;
 * anything else is a new disagreement. The one place the lab and {@code QemuAgreementTest}
 * read. Remove a difference once the model has its mechanism ({@code RecordedAgreementTest}
 * fails on one that explains nothing).
 */
final class Known {
  private Known() {}

  /**
   * What one mismatch of one row is, as the predicate sees it. {@code proxy}: whether the lab
   * ran that observation with the fault proxy in the path (an experiment may since have lost
   * it, and a recorded run is judged by what it ran).
   */
  record Mismatch(QemuVersion version, Experiment experiment, GroundTruth.Row row,
      String what, boolean proxy) {
    boolean on(String... versions) {
      return Set.of(versions).contains(version.version());
    }

    boolean is(String text) {
      return what.equals(text);
    }
  }

  /** One understood difference: its name, QEMU's reason, and which mismatches it explains. */
  record Difference(String name, String reason, Predicate<Mismatch> explains) {}

  static final Difference PROXY_ACKS = new Difference("PROXY_ACKS",
      "The lab's proxy, which times the fault at a PONG it holds, is the destination's TCP"
      + " peer: its kernel, not QEMU's source, acknowledges the destination's last PONGs, and"
      + " did so before the cut (QEMU's destination stays postcopy-active); in the model the"
      + " source's delayed ack of PONG 4 is still pending at the cut, so the destination's"
      + " TCP gives up. Outcomes agree. Since 2026-11-28-d the kernel strikes the giveup cuts"
      + " as the PONG passes (no proxy), and QEMU's destination pauses as the model's does",
      m -> m.proxy()
          && m.is("destination postcopy-active/running vs postcopy-paused/running"));
  static final Difference ACK_RACE = new Difference("ACK_RACE",
      "A real race: whether QEMU 7.2/10.0's destination pauses too when the way back to the"
      + " source is cut a few ms after it resumed depends on whether its last small messages"
      + " (PONG 4, PONG 3, page requests) were acknowledged before the cut, and Linux's"
      + " delayed-ACK heuristics (a 40 ms delayed ack, or a quick ack after the return path's"
      + " idle precopy) decide that from run to run. Of 14 such strikes over four runs the"
      + " destination paused in 7: 1 of the 5 within 1.3 ms of RESUME, 6 of the 9 later ones."
      + " The model strikes at the same offset after its destination starts and has the"
      + " delayed ack and Nagle, not the quick-ack heuristics: its destination pauses. Outcomes"
      + " agree. Since 2026-11-28-d a packet drop strikes 100 ms after the destination runs,"
      + " past those acks (Experiments.ACKS_SETTLED_MILLIS), and the kernel strikes the cuts at"
      + " the PONG (the PONG unacknowledged), where both sides agree",
      m -> m.on("7.2", "10.0") && GroundTruth.dropsPackets(m.experiment().kind())
          && (m.is("destination postcopy-paused/running vs postcopy-active/running")
              || m.is("destination postcopy-active/running vs postcopy-paused/running")));
  static final Difference SHUT_RACE = new Difference("SHUT_RACE",
      "A real race: the 32 MiB guest completes on the destination within milliseconds of"
      + " resuming; whether its SHUT had reached the proxy, coalesced with PONG 3 behind the"
      + " same delayed ack, when the proxy held PONG 3 and killed the destination decides"
      + " whether 7.2's source completes (session 4's run) or is wedged after its final EOF"
      + " (2026-11-28's run). The model's SHUT goes with PONG 3. Outcomes agree (VM_LOST)",
      m -> m.on("7.2", "10.0") && m.experiment().setup().smallGuest()
          && m.experiment().kind() == io.postcopysim.faults.FaultKind.DEST_CRASH
          && (m.what().startsWith("source ") || m.what().startsWith("detection")));

  static final Difference COMPLETION_RACE = new Difference("COMPLETION_RACE",
      "A real race: the 32 MiB guest completes on the destination within milliseconds of"
      + " resuming, and PONG 3, behind a delayed ack and Nagle, reaches the lab's strike tens"
      + " of ms after RESUME; on 10.0 the destination completed 22-24 ms before the strike in"
      + " runs b and c, 4 ms after it in run d (the model: before). The completion is no"
      + " reaction to the fault, yet it is the first status change after it. Outcomes and final"
      + " states agree",
      m -> m.experiment().setup().smallGuest() && m.what().startsWith("detection")
          && firstChangeAfterFault(m.row().qemuTimeline()).startsWith("dst:completed@+"));

  static final List<Difference> ALL = List.of(PROXY_ACKS, ACK_RACE, SHUT_RACE, COMPLETION_RACE);

  /** The first entry of a status timeline at or after the fault ("side:status@+ms"), or "". */
  private static String firstChangeAfterFault(String timeline) {
    for (String x : timeline.split(" ")) {
      if (x.contains("@+")) {
        return x;
      }
    }
    return "";
  }

  /**
   * The differences that explain every mismatch of a row (in order, without repeats), or
   * empty when some mismatch is unexplained or the lab itself failed.
   */
  static Optional<List<Difference>> explain(QemuVersion v, Experiment e, GroundTruth.Row row,
      List<String> mismatches, boolean proxy) {
    List<Difference> used = new java.util.ArrayList<>();
    for (String what : mismatches) {
      Mismatch m = new Mismatch(v, e, row, what, proxy);
      Optional<Difference> d = ALL.stream().filter(x -> x.explains().test(m)).findFirst();
      if (d.isEmpty() || what.equals("lab failed")) {
        return Optional.empty();
      }
      if (used.stream().noneMatch(x -> x.name().equals(d.get().name()))) {
        used.add(d.get());
      }
    }
    return Optional.of(used);
  }

  /** The reasons of the named differences, joined. */
  static String reasons(String names) {
    StringBuilder b = new StringBuilder();
    for (String n : names.split(",")) {
      ALL.stream().filter(d -> d.name().equals(n)).findFirst()
          .ifPresent(d -> b.append(b.length() == 0 ? "" : "; ").append(d.reason()));
    }
    return b.toString();
  }
}
