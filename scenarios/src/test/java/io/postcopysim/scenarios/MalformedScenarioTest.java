package io.postcopysim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each malformed file is rejected with file, line, column, key and a message that helps. */
class MalformedScenarioTest {
  static Stream<Arguments> malformed() {
    return Stream.of(
        // text, line, column, key, message fragment
        Arguments.of("", 0, 0, "", "the file is empty"),
        Arguments.of("just some words", 1, 1, "", "a scenario is a YAML mapping"),
        Arguments.of("name: x\nvm: {ram: [1, 2}\n", 2, 16, "", "not valid YAML"),
        Arguments.of("- 1\n- 2\n", 1, 1, "", "not a list"),
        Arguments.of("name: x\nvm:\n  rma: 4GiB\n", 3, 3, "vm.rma",
            "unknown key, did you mean 'ram'?"),
        Arguments.of("name: x\nnetwerk: {bandwidth: 1Gbit/s}\n", 2, 1, "netwerk",
            "did you mean 'network'?"),
        Arguments.of("vm: {ram: 4GB/s}\n", 1, 11, "vm.ram", "unknown unit 'GB/s'"),
        Arguments.of("vm: {ram: 4096}\n", 1, 11, "vm.ram", "has no unit"),
        Arguments.of("vm: {ram: 0GiB}\n", 1, 11, "vm.ram", "must be greater than zero"),
        Arguments.of("vm: {ram: -4GiB}\n", 1, 11, "vm.ram", "is not a size"),
        Arguments.of("vm: {ram: 4GiB, page-size: 3KiB}\n", 1, 28, "vm.page-size",
            "must be a power of two"),
        Arguments.of("vm: {ram: 1GiB, working-set: 2GiB}\n", 1, 30, "vm.working-set",
            "must not exceed ram"),
        Arguments.of("seed: forty-two\n", 1, 7, "seed", "expected a whole number"),
        Arguments.of("vm: {access-skew: high}\n", 1, 19, "vm.access-skew", "expected a number"),
        Arguments.of("migration: {disk-locking: maybe}\n", 1, 27, "migration.disk-locking",
            "expected true or false"),
        Arguments.of("network: {latency: 5 parsecs}\n", 1, 20, "network.latency",
            "unknown unit 'parsecs', expected a duration"),
        Arguments.of("network: {bandwidth: 0Gbit/s}\n", 1, 22, "network.bandwidth",
            "must be greater than zero"),
        Arguments.of("migration: {variants: [LEGACY, POSTCOPY_DEVISE]}\n", 1, 32,
            "migration.variants", "unknown value 'POSTCOPY_DEVISE', did you mean 'POSTCOPY_DEVICE'?"),
        Arguments.of("faults: {kinds: [DEST_CRASH, METEOR_STRIKE]}\n", 1, 30, "faults.kinds",
            "unknown value 'METEOR_STRIKE'"),
        Arguments.of("faults: {points: [POSTCOPY_WAITING]}\n", 1, 19, "faults.points",
            "unknown value 'POSTCOPY_WAITING'"),
        Arguments.of("faults: {max-faults: 3}\n", 1, 22, "faults.max-faults",
            "must be between 1 and 2"),
        Arguments.of("faults: {gap-points: 10us}\n", 1, 22, "faults.gap-points",
            "must be 0 (off) or at least 100us"),
        Arguments.of("faults: {max-faults: 2, gap-points: 10ms}\n", 1, 37, "faults.gap-points",
            "for single faults"),
        Arguments.of("faults: {rates-per-year: {DEST_CRASH: 0.5, PARTITON: 2}}\n", 1, 44,
            "faults.rates-per-year.PARTITON", "did you mean 'PARTITION'?"),
        Arguments.of("faults: {rates-per-year: {DEST_CRASH: -1}}\n", 1, 39,
            "faults.rates-per-year.DEST_CRASH", "must be between 0.0"),
        Arguments.of("faults: {rates-per-year: [DEST_CRASH]}\n", 1, 26,
            "faults.rates-per-year", "expected a mapping"),
        Arguments.of("faults: {partition-heal: sometimes}\n", 1, 26, "faults.partition-heal",
            "is not a duration"),
        Arguments.of("migration: {dest-autostart: later}\n", 1, 29, "migration.dest-autostart",
            "unknown value 'later'"),
        Arguments.of("vm: 4GiB\n", 1, 5, "vm", "expected a mapping of keys"),
        Arguments.of("name: a\nname: b\n", 2, 1, "name", "duplicate key"),
        Arguments.of("horizon: 1s\n", 1, 10, "horizon", "does not finish within the horizon"),
        Arguments.of("migration: {variants: []}\n", 1, 23, "migration.variants",
            "must not be empty"),
        // integers beyond long: Jackson's BigInteger would wrap (this one to 42)
        Arguments.of("seed: 18446744073709551658\n", 1, 7, "seed", "must be between"),
        // durations whose nanoseconds overflow long, or whose sums would
        Arguments.of("horizon: 10000000000h\n", 1, 10, "horizon", "too large"),
        Arguments.of("partition-heal: 2562047h\nfaults: {partition-heal: 2562047h}\n", 2, 26,
            "faults.partition-heal", "must be at most 1000h"),
        Arguments.of("network: {tcp: {keepalive: {interval: 5000h}}}\n", 1, 39,
            "network.tcp.keepalive.interval", "must be at most 1000h"),
        Arguments.of("network: {tcp: {receive-window: 1000B}}\n", 1, 33,
            "network.tcp.receive-window", "at least one MSS"),
        // names become folder names, terminal text and shell words
        Arguments.of("name: \"../../etc/x\"\n", 1, 7, "name", "not a usable name"),
        Arguments.of("name: /tmp/x\n", 1, 7, "name", "not a usable name"),
        Arguments.of("name: \"\\e[31mred\"\n", 1, 7, "name", "not a usable name"),
        Arguments.of("name: \"a\\ud800b\"\n", 1, 7, "name", "not a usable name"),
        // zero cases is not "safe": points the failure-free run never reaches
        Arguments.of("faults: {points: [POSTCOPY_PAUSED]}\n", 1, 18, "faults.points",
            "reaches the source phases"));
  }

  /** Files that are not scenario text are refused before a byte is parsed. */
  @Test
  void nonRegularAndOversizedFilesAreRefusedBeforeReading(@TempDir Path tmp) throws Exception {
    assertThat(refusal(Path.of("/dev/zero"))).contains("not a regular file");
    assertThat(refusal(tmp)).contains("not a regular file");
    Path big = tmp.resolve("big.yaml");
    Files.writeString(big, "# " + "x".repeat((int) ScenarioLoader.MAX_FILE_BYTES) + "\n");
    assertThat(refusal(big)).contains("too large");
    Path fifo = tmp.resolve("fifo.yaml");
    if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
      // Reading a FIFO with no writer would block forever: the refusal must come first.
      assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> assertThat(refusal(fifo)).contains("not a regular file"));
    }
  }

  private static String refusal(Path file) {
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> ScenarioLoader.load(file));
    assertThat(e).as("no error for %s", file).isNotNull();
    assertThat(e.file()).isEqualTo(file.toString());
    return e.getMessage();
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void isRejectedWithWhereAndWhy(String text, int line, int column, String key, String message) {
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> ScenarioLoader.parse(text, "bad.yaml"));
    assertThat(e).as("no error for:%n%s", text).isNotNull();
    assertThat(e.file()).isEqualTo("bad.yaml");
    assertThat(e.getMessage()).contains(message);
    assertThat(e.key()).isEqualTo(key);
    assertThat(e.line()).as(e.describe()).isEqualTo(line);
    if (line > 0) {
      assertThat(e.column()).as(e.describe()).isEqualTo(column);
    }
    assertThat(e.describe()).startsWith("bad.yaml");
  }
}
