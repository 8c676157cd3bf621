package io.postcopysim.qemu;

import java.util.Map;

/**
 * The rows where real QEMU and the model are known to disagree and the model owner has not
 * fixed the model yet: VERSION/EXPERIMENT and what QEMU does there. The one place the lab and
 * {@code QemuAgreementTest} read; a row that disagrees and is not here is a new disagreement.
 * Remove an entry once the model agrees (the row then reads "yes" anyway).
 */
final class Known {
  private Known() {}

  private static final String SILENT_DST =
      "QEMU's destination stays postcopy-active: its idle guest faults on no missing"
      + " page, so it has nothing unacknowledged to send and never reaches TCP's give-up,"
      + " and the source's give-up on Linux (tcp_retries2) closes its socket without an"
      + " RST; the model's destination pauses 5 ms after the source";
  private static final String SHUT_ORDER =
      "QEMU's destination reports completed a few ms after it sent SHUT (from the"
      + " incoming bottom half), so a status change follows the fault; the model's"
      + " destination completes before the SHUT leaves";
  private static final String SHUT_EOF_72 =
      "QEMU 7.2's source, every page sent, waits in postcopy-active for SHUT; the"
      + " destination's death ends the return path with a FIN (EOF, no error) and the"
      + " source neither completes nor pauses; the model's source completes";
  private static final String SHUT_EOF_FAILS =
      "QEMU's source, every page sent and the destination completed and running, fails"
      + " on the return path's EOF and starts its guest again (DIVERGED); the model's"
      + " source completes";
  private static final String PONG_LOST =
      "QEMU 11.1's destination runs the guest before its PONG 0x42 leaves; the lab's"
      + " proxy loses that PONG with the kill, and the source, still in postcopy-device,"
      + " fails and starts its guest again after the destination ran (DIVERGED); the"
      + " model's crash before the source receives the PONG delivers the PONG already"
      + " sent, so its source goes postcopy-active and then pauses";
  private static final String HOST_CRASH_DEVICE =
      "QEMU 11.1's source in postcopy-device (PONG 0x42 not received) gives up after"
      + " TCP's give-up (~13 s), fails and starts its guest again after the destination"
      + " ran (DIVERGED); the model's source goes postcopy-active at once and pauses"
      + " (VM_LOST)";
  private static final String SMALL_GUEST =
      "32 MiB guest, no postcopy cap: QEMU's destination has every page and reports"
      + " completed (and sends SHUT) 20-30 ms before its PONG reaches the source; the"
      + " model's destination has not all pages at the PONG, so its source pauses";

  private static final String SMALL_DEVICE_WAITS =
      "32 MiB guest, all RAM sent before the return path is cut: QEMU 11.1's source has nothing"
      + " unacknowledged, never reaches TCP's give-up and waits in postcopy-device while the"
      + " guest runs on the destination (VM_LOST by the oracle); the model's source gives up at"
      + " 12.6 s, fails and starts its guest again (SPLIT_BRAIN)";

  static final Map<String, String> DISAGREEMENTS = Map.ofEntries(
      Map.entry("11.1/small-rp-cut-before-pong42", SMALL_DEVICE_WAITS),
      Map.entry("7.2/legacy-pong3-blackhole", SILENT_DST),
      Map.entry("7.2/legacy-cut-to-source-postcopy", SILENT_DST),
      Map.entry("7.2/rp-cut-before-pong3", SILENT_DST),
      Map.entry("7.2/rp-cut-before-pong3-S", SILENT_DST),
      Map.entry("7.2/giveup-both-before-pong3", SILENT_DST),
      Map.entry("7.2/giveup-to-dest-before-pong3", SILENT_DST),
      Map.entry("7.2/giveup-to-dest-postcopy-active", SILENT_DST),
      Map.entry("7.2/giveup-to-source-before-pong3", SILENT_DST),
      Map.entry("10.0/legacy-pong3-blackhole", SILENT_DST),
      Map.entry("10.0/legacy-cut-to-source-postcopy", SILENT_DST),
      Map.entry("10.0/rp-cut-before-pong3", SILENT_DST),
      Map.entry("10.0/rp-cut-before-pong3-S", SILENT_DST),
      Map.entry("10.0/giveup-both-before-pong3", SILENT_DST),
      Map.entry("10.0/giveup-to-dest-before-pong3", SILENT_DST),
      Map.entry("10.0/giveup-to-source-postcopy-active", SILENT_DST),
      Map.entry("11.1/rp-cut-before-pong42", SILENT_DST),
      Map.entry("11.1/rp-cut-before-pong42-S", SILENT_DST),
      Map.entry("11.1/giveup-both-before-pong42", SILENT_DST),
      Map.entry("11.1/giveup-both-postcopy-active", SILENT_DST),
      Map.entry("11.1/giveup-to-dest-before-pong42", SILENT_DST),
      Map.entry("11.1/giveup-to-dest-postcopy-active", SILENT_DST),
      Map.entry("11.1/giveup-to-source-before-pong42", SILENT_DST),
      Map.entry("11.1/giveup-to-source-postcopy-active", SILENT_DST),
      Map.entry("7.2/precopy-rp-shut-blackhole", SHUT_ORDER),
      Map.entry("10.0/precopy-rp-shut-blackhole", SHUT_ORDER),
      Map.entry("7.2/dest-kill-before-shut", SHUT_EOF_72),
      Map.entry("10.0/dest-kill-before-shut", SHUT_EOF_FAILS),
      Map.entry("11.1/dest-kill-before-shut", SHUT_EOF_FAILS),
      Map.entry("11.1/dest-kill-before-pong42", PONG_LOST),
      Map.entry("11.1/small-dest-kill-before-pong42", PONG_LOST),
      Map.entry("11.1/dest-host-crash-before-pong42", HOST_CRASH_DEVICE),
      Map.entry("7.2/small-dest-kill-before-pong3", SMALL_GUEST),
      Map.entry("7.2/small-rp-cut-before-pong3", SMALL_GUEST),
      Map.entry("10.0/small-dest-kill-before-pong3", SMALL_GUEST),
      Map.entry("10.0/small-rp-cut-before-pong3", SMALL_GUEST));

  /** QEMU's reason for a known disagreement, or null. */
  static String reason(String version, String experiment) {
    return DISAGREEMENTS.get(version + "/" + experiment);
  }
}
