package io.postcopysim.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hashing.text is FNV-1a over UTF-8 bytes whether or not it takes its ASCII shortcut. */
class HashingTest {
  private static long overBytes(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return Hashing.mix(h);
  }

  @Test
  void asciiAndOtherTextHashTheirUtf8Bytes() {
    for (String s : new String[] {"", "a", "LEGACY/42:PARTITION,LEGACY,PARTITION,42", "\u007f",
        "\u0080", "é", "x→y", "emoji \uD83D\uDE00 tail", "ascii then é"}) {
      assertThat(Hashing.text(s)).as(s).isEqualTo(overBytes(s));
    }
  }

  @Test
  void knownValueOfTheEmptyText() {
    assertThat(Hashing.text("")).isEqualTo(Hashing.mix(0xcbf29ce484222325L));
  }
}
