package io.postcopysim.scenarios;

import io.postcopysim.faults.Outcome;
import java.util.Map;

/**
 * One line on what each outcome, variant and fault kind means, for {@code pcsim list} and the
 * report's glossary. Keyed by name so that a constant added to the model (an outcome, a design)
 * shows up at once, with a plain fallback until it is described here.
 */
public final class Glossary {
  private static final Map<String, String> VARIANTS = Map.of(
      "LEGACY", "QEMU up to 10.1: the source is postcopy-active as soon as the package is sent",
      "POSTCOPY_DEVICE", "QEMU 10.2: the source waits in postcopy-device for a PONG sent just"
          + " before RUN; falls back only on a channel error",
      "PING3", "gate on PONG 3 with a finite timeout; a timeout or error before it resumes the"
          + " source",
      "POSTCOPY_SETUP", "the RFC: the destination acks after loading; RUN only after the ack",
      "BOUNDARY_MOVE", "as POSTCOPY_SETUP, but the source reports device until RUN is sent",
      "ACK_AFTER_ACTIVATE", "as POSTCOPY_SETUP, but the destination takes the disk lock before"
          + " it acks",
      "PRECOPY", "precopy with return path: the destination starts after loading, then SHUT",
      "PRECOPY_ACK", "precopy; the destination starts only on the source's go after \"loaded\"");

  private static final Map<String, String> KINDS = Map.ofEntries(
      Map.entry("SOURCE_CRASH", "kill -9 of the source QEMU (its sockets close)"),
      Map.entry("SOURCE_HOST_CRASH", "the source machine dies: silence"),
      Map.entry("DEST_CRASH", "kill -9 of the destination QEMU (its sockets close)"),
      Map.entry("DEST_HOST_CRASH", "the destination machine dies: silence"),
      Map.entry("DEST_LOAD_ERROR", "the destination fails to load the device state"),
      Map.entry("DEST_ACTIVATE_ERROR", "the destination cannot take the disk lock at RUN"),
      Map.entry("PARTITION", "both directions blackholed"),
      Map.entry("PARTITION_TO_DEST", "source-to-destination blackholed (acks stop too)"),
      Map.entry("PARTITION_TO_SOURCE", "destination-to-source blackholed: the return path"),
      Map.entry("CONNECTION_RESET", "a middlebox resets every connection between the hosts"),
      Map.entry("LOSE_MESSAGE_TO_SOURCE", "a middlebox takes the next message toward the"
          + " source: acknowledged, never delivered (what a proxy holding a PONG does)"));

  private Glossary() {}

  public static String outcome(String name) {
    return java.util.Arrays.stream(Outcome.values()).filter(o -> o.name().equals(name))
        .findFirst().map(Outcome::meaning).orElse("(not described yet)");
  }

  public static String variant(String name) {
    return VARIANTS.getOrDefault(name, "a design defined in a scenario file");
  }

  public static String faultKind(String name) {
    return KINDS.getOrDefault(name, "(not described yet)");
  }
}
