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

  private static final String PROXY_ACKS =
      "The lab's proxy is the destination's TCP peer: it acknowledges every byte the"
      + " destination sends after the cut, so QEMU's destination never reaches TCP's give-up"
      + " and stays postcopy-active; in the model the cut leaves those bytes unacknowledged"
      + " and the destination pauses at its give-up. Outcomes agree; the model has no cut that"
      + " a middlebox acknowledges";
  private static final String DST_PAUSES_72_100 =
      "QEMU 7.2/10.0's destination pauses in the very millisecond the source's TCP gives up,"
      + " though iptables drops every packet between them (11.1's stays postcopy-active, as"
      + " the model's idle destination does): mechanism not found. Outcomes agree";
  private static final String SHUT_ORDER =
      "QEMU 7.2's destination reports completed a few ms after it sent SHUT (from the"
      + " incoming bottom half), so a status change follows the fault; the model's"
      + " destination completes before the SHUT leaves. Outcomes agree";
  private static final String EOF_72 =
      "QEMU 7.2's source, every page sent, waits in postcopy-active for SHUT; the"
      + " destination's death ends the return path with an EOF that 7.2's return-path thread"
      + " does not treat as an error, so the source neither fails nor pauses; the model's"
      + " 7.2 source fails (and, as 7.2 does, leaves its guest stopped). Outcomes agree";
  private static final String SMALL_GUEST =
      "32 MiB guest, no postcopy cap: QEMU's destination has every page and reports"
      + " completed (and sends SHUT) 20-30 ms before its PONG reaches the source; the"
      + " model's destination has not all pages at the PONG, so its source pauses";
  private static final String SMALL_DEVICE_WAITS =
      "32 MiB guest, all RAM sent before the return path is cut: QEMU 11.1's source has"
      + " nothing unacknowledged, never reaches TCP's give-up and waits in postcopy-device"
      + " while the guest runs on the destination; the model's push is not over at the cut,"
      + " so its source gives up, fails and starts its guest again";
  private static final String LOST_EVENT =
      "QEMU's destination exited 14 ms after it failed and its MIGRATION failed event was"
      + " lost with the QMP connection: QEMU's detection reads -1; outcomes and states agree";
  private static final String COMMIT_PACING =
      "QEMU's rate limit ends a ram_save_iterate every 100 ms window, so 10.2's source"
      + " commits 32 ms after the cut; the model paces whole 2 MiB writes at"
      + " max-postcopy-bandwidth (8 MiB/s, 250 ms each) and commits at 290 ms; and the"
      + " proxy acknowledges the destination's later bytes (see PROXY_ACKS). Outcomes agree";

  static final Map<String, String> DISAGREEMENTS = Map.ofEntries(
      Map.entry("7.2/giveup-to-dest-before-pong3", PROXY_ACKS),
      Map.entry("10.0/giveup-to-dest-before-pong3", PROXY_ACKS),
      Map.entry("11.1/rp-cut-before-pong42", PROXY_ACKS),
      Map.entry("7.2/legacy-partition-postcopy", DST_PAUSES_72_100),
      Map.entry("7.2/legacy-cut-to-dest-postcopy", DST_PAUSES_72_100),
      Map.entry("7.2/giveup-both-postcopy-active", DST_PAUSES_72_100),
      Map.entry("7.2/giveup-to-source-postcopy-active", DST_PAUSES_72_100),
      Map.entry("10.0/legacy-partition-postcopy", DST_PAUSES_72_100),
      Map.entry("10.0/legacy-cut-to-dest-postcopy", DST_PAUSES_72_100),
      Map.entry("10.0/legacy-cut-to-source-postcopy", DST_PAUSES_72_100),
      Map.entry("10.0/giveup-both-before-pong3", DST_PAUSES_72_100),
      Map.entry("10.0/giveup-both-postcopy-active", DST_PAUSES_72_100),
      Map.entry("10.0/giveup-to-dest-postcopy-active", DST_PAUSES_72_100),
      Map.entry("7.2/precopy-rp-shut-blackhole", SHUT_ORDER),
      Map.entry("7.2/dest-kill-before-shut", EOF_72),
      Map.entry("7.2/small-dest-kill-before-pong3", SMALL_GUEST),
      Map.entry("7.2/small-rp-cut-before-pong3", SMALL_GUEST),
      Map.entry("10.0/small-dest-kill-before-pong3", SMALL_GUEST),
      Map.entry("10.0/small-rp-cut-before-pong3", SMALL_GUEST),
      Map.entry("11.1/small-rp-cut-before-pong42", SMALL_DEVICE_WAITS),
      Map.entry("10.0/precopy-src-kill", LOST_EVENT),
      Map.entry("11.1/giveup-to-dest-before-pong42", COMMIT_PACING));

  /** QEMU's reason for a known disagreement, or null. */
  static String reason(String version, String experiment) {
    return DISAGREEMENTS.get(version + "/" + experiment);
  }
}
