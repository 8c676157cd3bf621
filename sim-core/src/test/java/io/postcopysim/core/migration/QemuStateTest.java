package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each QEMU's mutable state is one value with one {@code copy()}: every field, set away from its
 * default, comes out of the copy equal, and a mutable one as a copy of its own (so a fork and
 * its original never share a queue or a page set). A field added to the state and forgotten in
 * {@code copy()} fails here, before ForkTest's runs would have to stumble on it.
 */
class QemuStateTest {
  @ParameterizedTest
  @ValueSource(strings = {"SourceQemu$State", "DestinationQemu$State"})
  void copyCarriesEveryFieldAndSharesNothingMutable(String name) throws Exception {
    Class<?> type = Class.forName("io.postcopysim.core.migration." + name);
    var ctor = type.getDeclaredConstructor();
    ctor.setAccessible(true);
    Object state = ctor.newInstance();
    List<Field> fields = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        fields.add(f);
        setAwayFromDefault(state, f);
      }
    }
    assertThat(fields).hasSizeGreaterThan(10);
    Method copy = type.getDeclaredMethod("copy");
    copy.setAccessible(true);
    Object c = copy.invoke(state);
    for (Field f : fields) {
      Object a = f.get(state);
      Object b = f.get(c);
      if (a instanceof ArrayDeque<?> q) {
        assertThat(b).as(f.getName()).isNotSameAs(a);
        assertThat(new ArrayList<>((ArrayDeque<?>) b)).as(f.getName())
            .isEqualTo(new ArrayList<>(q));
      } else if (a instanceof PageRanges p) {
        assertThat(b).as(f.getName()).isNotSameAs(a);
        assertThat(b).as(f.getName()).hasToString(p.toString());
      } else {
        assertThat(b).as(f.getName()).isEqualTo(a);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void setAwayFromDefault(Object state, Field f) throws Exception {
    Class<?> t = f.getType();
    if (t == ArrayDeque.class) {
      ((ArrayDeque<Object>) f.get(state)).add(MigMessage.ping(Wire.PING_3));
    } else if (t == boolean.class) {
      f.setBoolean(state, !f.getBoolean(state));
    } else if (t == int.class) {
      f.setInt(state, f.getInt(state) + 7);
    } else if (t == long.class) {
      f.setLong(state, f.getLong(state) + 7);
    } else if (t == MigrationStatus.class) {
      f.set(state, MigrationStatus.POSTCOPY_RECOVER);
    } else if (t == DestinationQemu.PostcopyState.class) {
      f.set(state, DestinationQemu.PostcopyState.END);
    } else if (t == PageRanges.class) {
      PageRanges p = new PageRanges();
      p.add(3, 9);
      f.set(state, p);
    } else if (t == RateLimit.class) {
      f.set(state, new RateLimit(7, 9));
    } else if (t == List.class) {
      f.set(state, List.of(MigMessage.ping(Wire.PING_3)));
    } else {
      throw new AssertionError(f + ": a field of a type this test does not know yet");
    }
  }
}
