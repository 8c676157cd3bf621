package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpParams;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fork of the world at event k, with a fault injected there, runs exactly as a fresh run with
 * the same fault at k: same trace hash, same statuses, same record. Checked at every event of
 * every variant's failure-free run, for faults that touch every part of the model.
 */
class ForkTest {
  static List<Variant> variants() {
    return Variants.all();
  }

  private static final List<Consumer<Migration>> FAULTS = List.of(
      m -> { },
      m -> m.crashProcess(HostId.DESTINATION),
      m -> m.crashMachine(HostId.SOURCE),
      m -> m.network().partition(false, true, Time.seconds(30)),
      m -> m.network().partition(true, true, Time.NEVER),
      Migration::failDestinationLoad,
      m -> m.network().resetAll(),
      m -> m.network().host(HostId.SOURCE).loseNextMessage(),
      m -> m.crashMachine(HostId.DESTINATION));

  private static MigrationParams params() {
    return MigrationParams.defaults().toBuilder().postcopyPreempt(true).build();
  }

  /**
   * This round's state: libvirt's management (Finish, keepalive), a disk lease, both rate
   * limits' timers, a device load that waits for guest pages, 7.2's and 10.2's mechanisms.
   */
  private static MigrationParams managed() {
    return MigrationParams.defaults().toBuilder().ramBytes(1L << 30)
        .workingSetBytes(256L << 20).precopyNanos(Time.millis(300))
        .destAutostart(DestAutostart.LIBVIRT).diskLockLeaseNanos(Time.seconds(90))
        .maxBandwidthBitsPerSecond(4_000_000_000L).maxPostcopyBitsPerSecond(8_000_000_000L)
        .deviceLoadPages(16).build();
  }

  private static String fingerprint(Migration m) {
    return Long.toHexString(m.simulation().trace().hash()) + " " + m.simulation().processed()
        + " " + m.simulation().now() + " " + m.record().statuses() + " " + m.record().runs()
        + " " + m.record().lockEvents() + " " + m.record().pagesPushed() + "/"
        + m.record().pagesRequested() + " " + m.destinationHasAllPages();
  }

  private static Migration fresh(Variant v, MigrationParams p, long k,
      Consumer<Migration> fault) {
    Simulation sim = new Simulation(42, TraceMode.HASH_ONLY);
    Migration m = new Migration(sim, p, TcpParams.defaults(), v).start();
    sim.interceptBefore(k, e -> {
      fault.accept(m);
      return true;
    });
    sim.run(2 * Time.HOUR);
    return m;
  }

  @ParameterizedTest
  @MethodSource("variants")
  void aForkRunsExactlyAsAFreshRunAtEveryPoint(Variant v) {
    forksRunAsFreshRuns(v, params());
  }

  @ParameterizedTest
  @MethodSource("variants")
  void aForkOfAManagedRateLimitedWorldRunsAsAFreshRun(Variant v) {
    forksRunAsFreshRuns(v, managed());
  }

  /**
   * A fault inside a quiet gap (faults.gap-points): a fork taken after event k-1 with the fault
   * halfway to event k runs as a fresh run with the same fault at the same virtual time.
   */
  @ParameterizedTest
  @MethodSource("variants")
  void aForkWithAFaultInsideAQuietGapRunsAsAFreshRun(Variant v) {
    MigrationParams p = managed();
    Simulation golden = new Simulation(42, TraceMode.HASH_ONLY);
    Migration world = new Migration(golden, p, TcpParams.defaults(), v).start();
    int checked = 0;
    while (golden.pending() > 0) {
      long k = golden.processed();
      long mid = golden.now() + (golden.nextTime() - golden.now()) / 2;
      if (golden.nextTime() - golden.now() > Time.millis(1)) {
        for (int f = (int) (k % 2); f < FAULTS.size(); f += 2) {
          Consumer<Migration> fault = FAULTS.get(f);
          Migration copy = world.fork();
          copy.simulation().interceptBetween(k, mid, e -> {
            fault.accept(copy);
            return true;
          });
          copy.simulation().run(2 * Time.HOUR);
          Simulation sim = new Simulation(42, TraceMode.HASH_ONLY);
          Migration fresh = new Migration(sim, p, TcpParams.defaults(), v).start();
          sim.interceptBetween(k, mid, e -> {
            fault.accept(fresh);
            return true;
          });
          sim.run(2 * Time.HOUR);
          assertThat(fingerprint(copy)).as("%s fault %d inside the gap before %d", v.name(), f, k)
              .isEqualTo(fingerprint(fresh));
          checked++;
        }
      }
      while (golden.processed() == k && golden.step()) {
        // a lazily cancelled entry pops without an event: go on to event k itself
      }
    }
    assertThat(checked).isGreaterThan(20);
  }

  private static void forksRunAsFreshRuns(Variant v, MigrationParams p) {
    Simulation golden = new Simulation(42, TraceMode.HASH_ONLY);
    Migration world = new Migration(golden, p, TcpParams.defaults(), v).start();
    long k = 0;
    int checked = 0;
    while (true) {
      for (int f = 0; f < FAULTS.size(); f++) {
        if ((k + f) % 3 != 0) {
          continue; // every fault kind at every third point, all points covered
        }
        Consumer<Migration> fault = FAULTS.get(f);
        Migration copy = world.fork();
        copy.simulation().interceptBefore(k, e -> {
          fault.accept(copy);
          return true;
        });
        copy.simulation().run(2 * Time.HOUR);
        assertThat(fingerprint(copy)).as("%s fault %d at %d", v.name(), f, k)
            .isEqualTo(fingerprint(fresh(v, p, k, fault)));
        checked++;
      }
      boolean more = false;
      while (golden.processed() == k) {
        if (!golden.step()) {
          break;
        }
        more = true;
      }
      if (golden.processed() == k || !more) {
        break;
      }
      k = golden.processed();
    }
    assertThat(checked).isGreaterThan(100);
  }
}
