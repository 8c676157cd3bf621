package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** PageRanges behaves exactly as a BitSet under any sequence of operations. */
class PageRangesProperties {
  record Op(int kind, int from, int len) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 200), Arbitraries.integers().between(0, 40))
        .as(Op::new);
    return op.list().ofMaxSize(60);
  }

  @Property(tries = 500)
  void agreesWithABitSet(@ForAll("ops") List<Op> ops) {
    PageRanges r = new PageRanges();
    BitSet b = new BitSet();
    for (Op o : ops) {
      int to = o.from() + o.len();
      switch (o.kind()) {
        case 0 -> {
          long fresh = (long) o.len() - b.get(o.from(), to).cardinality();
          assertThat(r.add(o.from(), to)).as("add %s", o).isEqualTo(fresh);
          b.set(o.from(), to);
        }
        case 1 -> {
          long present = b.get(o.from(), to).cardinality();
          assertThat(r.remove(o.from(), to)).as("remove %s", o).isEqualTo(present);
          b.clear(o.from(), to);
        }
        default -> assertThat(r.countIn(o.from(), to))
            .isEqualTo(b.get(o.from(), to).cardinality());
      }
      assertThat(r.size()).isEqualTo(b.cardinality());
      for (int p = 0; p < 260; p++) {
        assertThat(r.contains(p)).as("contains %d after %s in %s", p, o, r).isEqualTo(b.get(p));
        int next = b.nextSetBit(p);
        assertThat(r.next(p)).as("next %d in %s", p, r).isEqualTo(next);
        if (b.get(p)) {
          assertThat(r.runEnd(p)).isEqualTo(b.nextClearBit(p));
        }
      }
      // Runs stay disjoint and non-adjacent: as few as the bitmap's own runs.
      int bitmapRuns = 0;
      for (int p = b.nextSetBit(0); p >= 0; p = b.nextSetBit(b.nextClearBit(p))) {
        bitmapRuns++;
      }
      assertThat(r.runs()).isEqualTo(bitmapRuns);
    }
    PageRanges c = r.complement(300);
    BitSet cb = new BitSet();
    cb.set(0, 300);
    cb.andNot(b);
    assertThat(c.size()).isEqualTo(cb.cardinality());
    assertThat(r.copy().toString()).isEqualTo(r.toString());
  }
}
