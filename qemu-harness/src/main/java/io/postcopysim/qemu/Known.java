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

  /** What one mismatch of one row is, as the predicate sees it. */
  record Mismatch(QemuVersion version, Experiment experiment, GroundTruth.Row row,
      String what) {
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
      + " TCP gives up. Outcomes agree",
      m -> m.experiment().setup().proxy()
          && m.is("destination postcopy-active/running vs postcopy-paused/running"));
  static final Difference ACK_RACE = new Difference("ACK_RACE",
      "Whether QEMU 7.2/10.0's destination pauses too depends on whether the source"
      + " acknowledged its last switchover PONGs before the cut: the source's ack is delayed"
      + " (40 ms) while it waits for its next rate-limit window, and Nagle holds PONG 3 behind"
      + " PONG 4's ack; a cut inside that window leaves the destination's own TCP to give up"
      + " (the timer wheel puts that in the source's tick or 256 ms later). The model has the"
      + " mechanism (delayed ACK, Nagle, the HZ=250 wheel) but strikes at the end of its"
      + " point's quiet gap, 40 ms after the load, where QEMU's lab strikes 1-5 ms after"
      + " RESUME; the race falls either way from run to run. Outcomes agree",
      m -> m.on("7.2", "10.0") && GroundTruth.dropsPackets(m.experiment().kind())
          && (m.is("destination postcopy-paused/running vs postcopy-active/running")
              || m.is("destination postcopy-active/running vs postcopy-paused/running")));
  static final Difference SMALL_GUEST = new Difference("SMALL_GUEST",
      "32 MiB guest, no postcopy cap: QEMU's destination has every page and reports"
      + " completed (and sends SHUT) 20-30 ms before its PONG reaches the source; the"
      + " model's destination has not all pages at the PONG, so its source pauses",
      m -> m.on("7.2", "10.0") && m.experiment().setup().smallGuest()
          && m.row().qemuTimeline().contains("dst:completed@-"));
  static final Difference SMALL_DEVICE_WAITS = new Difference("SMALL_DEVICE_WAITS",
      "32 MiB guest, all RAM sent before the return path is cut: QEMU 11.1's source has"
      + " nothing unacknowledged, never reaches TCP's give-up and waits in postcopy-device"
      + " while the guest runs on the destination; the model's push is not over at the cut,"
      + " so its source gives up, fails and starts its guest again",
      m -> m.on("11.1") && m.experiment().setup().smallGuest()
          && GroundTruth.dropsPackets(m.experiment().kind()));
  static final Difference COMMIT_PACING = new Difference("COMMIT_PACING",
      "QEMU's rate limit ends a ram_save_iterate every 100 ms window, so 10.2's source"
      + " commits 32 ms after the cut; the model paces whole 2 MiB writes at"
      + " max-postcopy-bandwidth (8 MiB/s, 250 ms each) and commits at 290 ms. Outcomes agree",
      m -> m.on("11.1") && m.what().startsWith("detection")
          && m.row().qemuTimeline().contains("src:postcopy-active@+")
          && m.row().modelTimeline().startsWith("src:postcopy-active@+"));

  static final List<Difference> ALL = List.of(PROXY_ACKS, ACK_RACE,
      SMALL_GUEST, SMALL_DEVICE_WAITS, COMMIT_PACING);

  /**
   * The differences that explain every mismatch of a row (in order, without repeats), or
   * empty when some mismatch is unexplained or the lab itself failed.
   */
  static Optional<List<Difference>> explain(QemuVersion v, Experiment e, GroundTruth.Row row,
      List<String> mismatches) {
    List<Difference> used = new java.util.ArrayList<>();
    for (String what : mismatches) {
      Mismatch m = new Mismatch(v, e, row, what);
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
