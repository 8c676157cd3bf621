package io.postcopysim.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The queue against a reference model: a TreeMap keyed by (time, insertion sequence). Any mix of
 * pushes (at or after the present), cancels and pops must pop exactly what the model pops.
 * jqwik prints the seed and the shrunk operation list of a failure.
 */
class EventQueueProperties {

  /**
   * One step: push at now + delay, cancel the i-th handle, pop, or only peek (which moves the
   * radix minimum ahead of the present, so a later push below it takes the rebase path).
   */
  record Op(int kind, long delay, int index) {}

  @Provide
  Arbitrary<List<Op>> operations() {
    // Small delays make equal times (the FIFO rule) frequent; large ones exercise high buckets.
    Arbitrary<Long> delay = Arbitraries.oneOf(
        Arbitraries.longs().between(0, 3),
        Arbitraries.longs().between(0, 1_000),
        Arbitraries.longs().between(0, Long.MAX_VALUE / 4));
    Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, 9), delay, Arbitraries.integers().between(0, 1_000))
        .as((k, d, i) -> new Op(k < 5 ? 0 : k < 7 ? 1 : k < 9 ? 2 : 3, d, i));
    return op.list().ofMaxSize(400);
  }

  @Property(tries = 300)
  void popsExactlyAsTheReferenceModel(@ForAll("operations") List<Op> ops) {
    EventQueue queue = new EventQueue(4);
    TreeMap<long[], Integer> model = new TreeMap<>((a, b) ->
        a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    List<Long> handles = new ArrayList<>();
    List<long[]> keys = new ArrayList<>();
    long now = 0;
    long seq = 0;
    for (Op op : ops) {
      switch (op.kind()) {
        case 0 -> {
          long time = Math.min(now + op.delay(), Long.MAX_VALUE / 2);
          long[] key = {time, seq++};
          handles.add(queue.push(time));
          keys.add(key);
          model.put(key, handles.size() - 1);
        }
        case 1 -> {
          if (!handles.isEmpty()) {
            int i = op.index() % handles.size();
            boolean inModel = model.remove(keys.get(i)) != null;
            assertThat(queue.cancel(handles.get(i))).isEqualTo(inModel);
          }
        }
        case 3 -> assertThat(queue.peekTime())
            .isEqualTo(model.isEmpty() ? Long.MAX_VALUE : model.firstKey()[0]);
        default -> {
          Map.Entry<long[], Integer> expected = model.pollFirstEntry();
          assertThat(queue.peekTime())
              .isEqualTo(expected == null ? Long.MAX_VALUE : expected.getKey()[0]);
          int slot = queue.pop();
          if (expected == null) {
            assertThat(slot).isEqualTo(-1);
          } else {
            assertThat(queue.handle(slot)).isEqualTo(handles.get(expected.getValue()));
            assertThat(queue.lastPoppedTime()).isEqualTo(expected.getKey()[0]);
            now = queue.lastPoppedTime();
            queue.release(slot);
          }
        }
      }
      assertThat(queue.size()).isEqualTo(model.size());
    }
    // Drain: the rest must also come out in model order.
    while (!model.isEmpty()) {
      Map.Entry<long[], Integer> expected = model.pollFirstEntry();
      int slot = queue.pop();
      assertThat(queue.handle(slot)).isEqualTo(handles.get(expected.getValue()));
      queue.release(slot);
    }
    assertThat(queue.pop()).isEqualTo(-1);
  }
}
