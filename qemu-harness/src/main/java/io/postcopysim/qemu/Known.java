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

  static final Map<String, String> DISAGREEMENTS = Map.ofEntries();

  /** QEMU's reason for a known disagreement, or null. */
  static String reason(String version, String experiment) {
    return DISAGREEMENTS.get(version + "/" + experiment);
  }
}
