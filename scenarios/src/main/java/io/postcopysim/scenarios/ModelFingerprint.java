package io.postcopysim.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Which model made a result: a hash of the model's sources (sim-core, fault-models, scenarios)
 * computed at build time (scenarios/pom.xml). A checkpoint or shard from another build is
 * refused, since its cases came from other code than the rest of the run.
 */
public final class ModelFingerprint {
  private static final String RESOURCE = "/io/postcopysim/scenarios/model-fingerprint.txt";
  private static final String VALUE = load();

  private ModelFingerprint() {}

  /** The first 16 hex digits of the SHA-256 (enough to tell builds apart). */
  public static String value() {
    return VALUE;
  }

  private static String load() {
    try (InputStream in = ModelFingerprint.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        // Built without Maven (an IDE): say so rather than pretend to be a known build.
        return "unbuilt";
      }
      String full = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return full.length() > 16 ? full.substring(0, 16) : full;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
