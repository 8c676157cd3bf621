package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * cases.csv's number formats are written in integers for speed; they must give, character for
 * character, what the BigDecimal and Formatter spellings they replaced give, or every stored
 * results hash would change.
 */
class CasesCsvFormatProperties {
  private static String millisByBigDecimal(long nanos) {
    return new BigDecimal(nanos).movePointLeft(6).setScale(3, RoundingMode.HALF_EVEN)
        .toPlainString();
  }

  @Property(tries = 2000)
  void millisAsBigDecimalSpellsIt(@ForAll long nanos) {
    assertThat(CasesCsv.millis(nanos)).isEqualTo(millisByBigDecimal(nanos));
  }

  @Property(tries = 2000)
  void millisOfSimulatedTimesAsBigDecimalSpellsThem(
      @ForAll @LongRange(min = -5_000_000, max = 5_000_000) long nanos) {
    assertThat(CasesCsv.millis(nanos)).isEqualTo(millisByBigDecimal(nanos));
  }

  @Test
  void millisAtTheEdges() {
    for (long n : new long[] {0, 1, -1, 499, 500, 501, 1500, 2500, -500, -1500, -2500, 999_999,
        1_000_000, -999_500, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
        Long.MAX_VALUE - 500}) {
      assertThat(CasesCsv.millis(n)).as("%d ns", n).isEqualTo(millisByBigDecimal(n));
    }
  }

  @Property(tries = 2000)
  void hexAsFormatterSpellsIt(@ForAll long hash) {
    assertThat(CasesCsv.hex(hash)).isEqualTo(String.format(Locale.ROOT, "%016x", hash));
  }

  @Test
  void hexAtTheEdges() {
    for (long h : new long[] {0, 1, 0xf, 0x10, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
      assertThat(CasesCsv.hex(h)).isEqualTo(String.format(Locale.ROOT, "%016x", h));
    }
  }
}
