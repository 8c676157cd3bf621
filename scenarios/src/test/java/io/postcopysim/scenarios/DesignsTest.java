package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.postcopysim.core.migration.Variant;
import io.postcopysim.core.migration.Variants;
import io.postcopysim.faults.FaultKind;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code migration.designs}: a design is one YAML entry, read, refused or run like a built-in. */
class DesignsTest {
  private static final String ALL_KINDS = Arrays.stream(FaultKind.values()).map(Enum::name)
      .collect(Collectors.joining(", "));

  /** A small world (512 MiB) where every fault kind strikes at every point. */
  private static Scenario small(String migration) {
    return ScenarioLoader.parse("""
        name: designs
        vm: {ram: 512MiB, working-set: 64MiB, stream-chunk: 32MiB}
        migration:
        %s
          precopy-time: 100ms
        faults:
          kinds: [%s]
        """.formatted(migration.indent(2).stripTrailing(), ALL_KINDS), "designs.yaml");
  }

  /** The eight built-ins, every decision spelled, no like:. */
  private static final String SPELLED = """
      designs:
        X_LEGACY: {postcopy: true, run-in-package: true, gate: none, gate-timeout: none,
          ack: none, status-after-package: postcopy-active, dest-status-after-listen: active,
          precopy-handshake: false}
        X_POSTCOPY_DEVICE: {postcopy: true, run-in-package: true, gate: pong-packaged-loaded,
          gate-timeout: none, ack: none, status-after-package: postcopy-device,
          dest-status-after-listen: postcopy-device, precopy-handshake: false}
        X_PING3: {postcopy: true, run-in-package: true, gate: pong-3, gate-timeout: ping3-timeout,
          ack: none, status-after-package: device, dest-status-after-listen: active,
          precopy-handshake: false}
        X_POSTCOPY_SETUP: {postcopy: true, run-in-package: false, gate: run-ack,
          gate-timeout: none, ack: after-load, status-after-package: postcopy-setup,
          dest-status-after-listen: active, precopy-handshake: false}
        X_BOUNDARY_MOVE: {postcopy: true, run-in-package: false, gate: run-ack,
          gate-timeout: none, ack: after-load, status-after-package: device,
          dest-status-after-listen: active, precopy-handshake: false}
        X_ACK_AFTER_ACTIVATE: {postcopy: true, run-in-package: false, gate: run-ack,
          gate-timeout: none, ack: after-activate, status-after-package: postcopy-setup,
          dest-status-after-listen: active, precopy-handshake: false}
        X_PRECOPY: {postcopy: false, run-in-package: true, gate: none, gate-timeout: none,
          ack: none, status-after-package: device, dest-status-after-listen: active,
          precopy-handshake: false}
        X_PRECOPY_ACK: {postcopy: false, run-in-package: true, gate: none, gate-timeout: none,
          ack: none, status-after-package: device, dest-status-after-listen: active,
          precopy-handshake: true}
      """;

  private static final List<String> BUILT_INS =
      Variants.all().stream().map(Variant::name).toList();

  @Test
  void eachBuiltInSpelledOutInYamlGivesItsCasesByteForByte() throws Exception {
    Scenario builtIn = small("variants: [" + String.join(", ", BUILT_INS) + "]");
    Scenario spelled = small("variants: [" + BUILT_INS.stream().map(n -> "X_" + n)
        .collect(Collectors.joining(", ")) + "]\n" + SPELLED);
    String expected = ResultsFiles.csv(BatchRunnerTest.run(builtIn, 2, null, null));
    String got = ResultsFiles.csv(BatchRunnerTest.run(spelled, 2, null, null));
    for (String n : BUILT_INS) {
      got = got.replace("X_" + n + "/", n + "/").replace("," + "X_" + n + ",", "," + n + ",");
    }
    assertThat(got).doesNotContain("X_");
    assertThat(got).isEqualTo(expected);
    for (int i = 0; i < BUILT_INS.size(); i++) {
      Variant v = spelled.study().variants().get(i);
      assertThat(v.spec().named(BUILT_INS.get(i))).isEqualTo(Variants.all().get(i));
      assertThat(DesignsReader.decisions(v)).isEqualTo(DesignsReader.decisions(
          Variants.all().get(i)));
    }
  }

  /** Designs no built-in matches (the README's and the contract's examples among them). */
  private static final String OWN = """
      variants: [PONG3_THEN_RUN, CONTRACT_EXAMPLE, SETUP_WITH_TIMEOUT, DEVICE_GATE_IN_DEVICE]
      designs:
        PONG3_THEN_RUN: {like: PING3, run-in-package: false, gate-timeout: 5s}
        CONTRACT_EXAMPLE: {like: POSTCOPY_SETUP, gate: pong-3, gate-timeout: 2s,
          ack: after-activate, status-after-package: device, run-in-package: false}
        SETUP_WITH_TIMEOUT: {like: POSTCOPY_SETUP, gate-timeout: 1s}
        DEVICE_GATE_IN_DEVICE: {like: POSTCOPY_DEVICE, status-after-package: device,
          dest-status-after-listen: active, gate-timeout: 3s}
      """;

  @Test
  void designsNoBuiltInMatchesRunEveryFaultKindWithNoInvariantBroken() throws Exception {
    Scenario s = small(OWN);
    Set<Object> builtInRows = Variants.all().stream().map(v -> v.spec().named("X"))
        .collect(Collectors.toSet());
    for (Variant v : s.study().variants()) {
      assertThat(builtInRows).doesNotContain(v.spec().named("X"));
    }
    // A broken model invariant (a guest started without its disk, a page read before it
    // arrived) throws out of the run, naming the case.
    Results r = BatchRunnerTest.run(s, 2, null, null);
    for (Results.VariantResults v : r.variants()) {
      Set<FaultKind> kinds = v.cases().stream().map(c -> c.id().first().kind())
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(kinds).as(v.variant()).containsExactlyInAnyOrder(FaultKind.values());
      assertThat(v.golden().outcome()).as(v.variant()).hasToString("MIGRATED");
    }
  }

  @Test
  void aDesignIsRecordedInResultsSoItsCasesReplayFromResultsJson() {
    Scenario s = small(OWN);
    Scenario back = Scenario.fromResolved(s.resolved());
    assertThat(back.study().variants()).isEqualTo(s.study().variants());
    assertThat(small("variants: [LEGACY]").resolved().get("migration").toString())
        .doesNotContain("designs");
  }

  static Stream<Arguments> malformed() {
    String m = "migration:\n  variants: [LEGACY]\n  designs:\n";
    return Stream.of(
        // text, line, column, key, message fragment
        Arguments.of(m + "    MINE: {like: POSTCOPY_SETP}\n", 4, 18, "migration.designs.MINE.like",
            "did you mean 'POSTCOPY_SETUP'?"),
        Arguments.of(m + "    MINE: {like: PING3, gaet: none}\n", 4, 25,
            "migration.designs.MINE.gaet", "unknown key, did you mean 'gate'?"),
        Arguments.of(m + "    MINE: {like: PING3, gate: pong3}\n", 4, 31,
            "migration.designs.MINE.gate", "unknown value 'pong3', did you mean 'pong-3'?"),
        Arguments.of(m + "    MINE: {like: PING3, ack: after-laod}\n", 4, 30,
            "migration.designs.MINE.ack", "did you mean 'after-load'?"),
        Arguments.of(m + "    MINE: {like: PING3, status-after-package: postcopy-actve}\n", 4,
            47, "migration.designs.MINE.status-after-package",
            "did you mean 'postcopy-active'?"),
        Arguments.of(m + "    MINE: {like: PING3, gate-timeout: nnone}\n", 4, 39,
            "migration.designs.MINE.gate-timeout", "did you mean 'none'?"),
        Arguments.of(m + "    MINE: {like: PING3, gate-timeout: 2 parsecs}\n", 4, 39,
            "migration.designs.MINE.gate-timeout", "unknown unit 'parsecs'"),
        Arguments.of(m + "    MINE: {like: PING3, run-in-package: sometimes}\n", 4, 41,
            "migration.designs.MINE.run-in-package", "expected true or false"),
        Arguments.of(m + "    LEGACY: {like: PING3}\n", 4, 5, "migration.designs.LEGACY",
            "redefines the built-in LEGACY"),
        Arguments.of(m + "    my-design: {like: PING3}\n", 4, 5, "migration.designs.my-design",
            "did you mean 'MY_DESIGN'?"),
        Arguments.of(m + "    MINE: {gate: none}\n", 4, 11, "migration.designs.MINE.postcopy",
            "missing here: postcopy, run-in-package, gate-timeout, ack"),
        Arguments.of(m + "    MINE: {like: LEGACY, status-after-package: device}\n", 4, 5,
            "migration.designs.MINE", "gate none commits as soon as the package is written"),
        Arguments.of(m + "    MINE: {like: PING3, status-after-package: postcopy-active}\n", 4,
            5, "migration.designs.MINE", "pauses on an error (postcopy_pause)"),
        Arguments.of(m + "    MINE: {like: POSTCOPY_SETUP, ack: none}\n", 4, 5,
            "migration.designs.MINE", "gate run-ack waits for MIG_RP_MSG_POSTCOPY_RUN_ACK"),
        Arguments.of(m + "    MINE: {like: PRECOPY, gate: pong-3}\n", 4, 5,
            "migration.designs.MINE", "a precopy design (postcopy: false)"),
        Arguments.of(m + "    MINE: {like: LEGACY, run-in-package: false}\n", 4, 5,
            "migration.designs.MINE", "gate none"),
        Arguments.of(m + "    MINE: PING3\n", 4, 11, "migration.designs.MINE",
            "expected a mapping of keys"),
        Arguments.of("migration:\n  variants: [LEGACY]\n  designs: [MINE]\n", 3, 12,
            "migration.designs", "expected a mapping of design names"),
        Arguments.of("migration:\n  variants: [LEGACY, MIEN]\n  designs:\n"
            + "    MINE: {like: PING3}\n", 2, 22, "migration.variants",
            "unknown value 'MIEN', did you mean 'MINE'?"),
        Arguments.of("migration:\n  variants: [LEGACY, MINE]\n  qemu-version: '10.0'\n"
            + "  designs:\n    MINE: {like: POSTCOPY_DEVICE, status-after-package: device}\n",
            3, 17, "migration.qemu-version", "exists from QEMU 10.2 on"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void aMalformedDesignIsRejectedWithWhereAndWhy(String text, int line, int column, String key,
      String message) {
    ScenarioException e = catchThrowableOfType(() -> ScenarioLoader.parse(text, "bad.yaml"),
        ScenarioException.class);
    assertThat(e).as(text).isNotNull();
    assertThat(e.describe()).startsWith("bad.yaml:" + line + ":" + column + ": " + key + ": ")
        .contains(message);
  }

  @Test
  void theRowOfABuiltInReadsLikeTheContract() {
    assertThat(DesignsReader.oneLine(Variants.PING3)).isEqualTo("postcopy: true,"
        + " run-in-package: true, gate: pong-3, gate-timeout: ping3-timeout, ack: none,"
        + " status-after-package: device, dest-status-after-listen: active,"
        + " precopy-handshake: false");
  }
}
