package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace.TraceEvent;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The knobs every variant honours: dest-autostart, return-path, postcopy-preempt,
 * disk-lock-lease.
 */
class KnobsTest {
  private static final long MGMT_ROUND_TRIP = 2 * TcpParams.defaults().latencyNanos();

  private static MigrationParams.Builder defaults() {
    return MigrationParams.defaults().toBuilder();
  }

  @Test
  void autostartOffLoadsEverythingButNeverStartsTheGuest() {
    for (Variant v : Variants.all()) {
      Golden g = new Golden(v, defaults().destAutostart(DestAutostart.OFF).build());
      assertThat(g.record().everRan(HostId.DESTINATION)).as(v.name()).isFalse();
      assertThat(g.migration.destinationHasAllPages()).as(v.name()).isTrue();
      assertThat(g.migration.status(HostId.DESTINATION)).isEqualTo(MigrationStatus.COMPLETED);
    }
  }

  @Test
  void afterDeviceStartsTheDestinationOnManagementsContOnceTheSourceSwitched() {
    // POSTCOPY_SETUP: the source reports postcopy-active at the ack; cont follows one
    // management round trip later. The guest starts when both cont and RUN are there.
    Golden setup = new Golden(Variants.POSTCOPY_SETUP,
        defaults().destAutostart(DestAutostart.AFTER_DEVICE).build());
    long switched = setup.statusAt(HostId.SOURCE, MigrationStatus.POSTCOPY_ACTIVE);
    TraceEvent cont = setup.first("mgmt:cont");
    assertThat(cont.time()).isEqualTo(switched + MGMT_ROUND_TRIP);
    assertThat(setup.record().destinationStartedAt())
        .isEqualTo(Math.max(cont.time(), setup.record().destinationRunAt()));

    // LEGACY reports postcopy-active when the package is written, long before the destination
    // loaded it: cont only sets autostart, and RUN starts the guest as with early cont.
    Golden legacy = new Golden(Variants.LEGACY,
        defaults().destAutostart(DestAutostart.AFTER_DEVICE).build());
    assertThat(legacy.first("mgmt:cont").time())
        .isLessThan(legacy.record().destinationRunAt());
    assertThat(legacy.record().destinationStartedAt())
        .isEqualTo(legacy.record().destinationRunAt());
  }

  @Test
  void afterDeviceStartsAPostcopyVariantThatConvergedInPrecopy() {
    // 512 MiB converge long before migrate-start-postcopy: a precopy ending, then cont.
    MigrationParams p = defaults().ramBytes(512L << 20).workingSetBytes(256L << 20)
        .destAutostart(DestAutostart.AFTER_DEVICE).build();
    Golden g = new Golden(Variants.POSTCOPY_SETUP, p);
    assertThat(g.record().destinationStartedAt())
        .isEqualTo(g.statusAt(HostId.SOURCE, MigrationStatus.COMPLETED) + MGMT_ROUND_TRIP);
    assertThat(g.migration.result().migrated()).isTrue();
  }

  @Test
  void afterDeviceMakesALostShutSafeInPrecopy() {
    MigrationParams p = defaults().destAutostart(DestAutostart.AFTER_DEVICE).build();
    Golden g = new Golden(Variants.PRECOPY, p);
    assertThat(g.record().destinationStartedAt())
        .isEqualTo(g.statusAt(HostId.SOURCE, MigrationStatus.COMPLETED) + MGMT_ROUND_TRIP);
    // The destination has not taken the disk when the SHUT is lost: the source takes it back.
    Migration m = MessageHandlingTest.rerunWithReset(g, g.first("src:recv:MIG_RP_MSG_SHUT"), p);
    assertThat(m.record().everRan(HostId.DESTINATION)).isFalse();
    assertThat(m.record().running(HostId.SOURCE)).isTrue();
    assertThat(m.record().lockRefused(HostId.SOURCE)).isFalse();
  }

  @Test
  void precopyWithoutReturnPathSendsNoPingAndCompletesOnWritingEof() {
    Golden g = new Golden(Variants.PRECOPY, defaults().returnPath(false).build());
    assertThat(g.all("dst:recv:MIG_CMD_PING")).isEmpty();
    assertThat(g.events).noneMatch(e -> e.label().startsWith("src:recv:MIG_RP_"));
    assertThat(g.statusAt(HostId.SOURCE, MigrationStatus.COMPLETED))
        .isLessThan(g.first("dst:recv:QEMU_VM_EOF").time());
    assertThat(g.migration.result().migrated()).isTrue();
  }

  @Test
  void precopyAckOpensTheReturnPathItsHandshakeNeeds() {
    Golden g = new Golden(Variants.PRECOPY_ACK, defaults().returnPath(false).build());
    assertThat(g.all("src:recv:MIG_RP_MSG_PRECOPY_LOADED")).hasSize(1);
    assertThat(g.migration.result().migrated()).isTrue();
  }

  @Test
  void postcopyOpensTheReturnPathEvenWhenTheKnobIsOff() {
    // QEMU opens the return path whenever postcopy-ram is set (migration_open_return_path).
    Golden g = new Golden(Variants.LEGACY, defaults().returnPath(false).build());
    assertThat(g.all("src:recv:MIG_RP_MSG_REQ_PAGES")).isNotEmpty();
    assertThat(g.migration.result().migrated()).isTrue();
  }

  @Test
  void preemptChannelTakesRequestedPagesPastTheBulkStream() {
    // Switch to postcopy after 50 ms, so most of the working set is still on the source and
    // the guest's faults ask for pages far from the push cursor.
    MigrationParams p = defaults().precopyNanos(Time.millis(50)).build();
    Golden plain = new Golden(Variants.LEGACY, p);
    Golden preempt = new Golden(Variants.LEGACY, p.toBuilder().postcopyPreempt(true)
        .build());
    assertThat(preempt.migration.result().migrated()).isTrue();
    // With preempt a requested page leaves at once on its own connection: it lands one
    // latency (250 us) plus a page's time after the source read the request.
    List<TraceEvent> served = preempt.all("dst:recv:RAM_REQUESTED");
    assertThat(served).hasSizeGreaterThanOrEqualTo(5);
    for (TraceEvent page : served) {
      TraceEvent request = preempt.all("src:recv:MIG_RP_MSG_REQ_PAGES").stream()
          .filter(r -> r.index() < page.index()).reduce((a, b) -> b).orElseThrow();
      assertThat(page.time() - request.time()).isBetween(Time.micros(250), Time.micros(300));
    }
    // Without it the page queues behind the 64 MiB chunk being written (up to 53.7 ms).
    assertThat(plain.migration.result().faultLatencyP50())
        .isGreaterThan(4 * preempt.migration.result().faultLatencyP50());
  }

  @Test
  void aDeadHostKeepsItsImageLockForTheLeaseWhileADeadProcessFreesItAtOnce() {
    // PING3 with its PONG 3 cut on the way back: the destination runs and holds the lock; then
    // its machine dies, and 5 s later the source's timeout falls back and wants the lock.
    for (long lease : new long[] {0, Time.seconds(90)}) {
      MigrationParams p = defaults().diskLockLeaseNanos(lease).build();
      Golden g = new Golden(Variants.PING3, p);
      long loaded = g.first("dst:main:device-state-loaded").index();
      Migration m = Faulted.before(Variants.PING3, p, TcpParams.defaults(), loaded,
          x -> x.network().partition(false, true, Time.NEVER), loaded + 3,
          x -> x.crashMachine(HostId.DESTINATION));
      assertThat(m.record().everRan(HostId.DESTINATION)).isTrue();
      // The 5 s timeout falls back: the lock is free at once without a lease, held with one.
      assertThat(m.record().sourceRanAfterStop()).as("lease %d", lease).isEqualTo(lease == 0);
      assertThat(m.record().lockRefused(HostId.SOURCE)).isEqualTo(lease > 0);
    }
  }

  @Test
  void maxBandwidthKeepsTheBufferEmptySoThePackageCrossesInMilliseconds() {
    // Real 7.2 with max-bandwidth: the package reached the destination 4-14 ms after the
    // switchover; a stream at the link's speed keeps a full socket buffer ahead of it.
    TcpParams oneGigabit = TcpParams.defaults().withBandwidth(1_000_000_000L);
    long unlimited = packageTrip(defaults().build(), oneGigabit);
    long limited = packageTrip(defaults().maxBandwidthBitsPerSecond(256_000_000L).build(),
        oneGigabit);
    assertThat(unlimited).isGreaterThan(Time.millis(30)); // 4 MiB
    assertThat(limited).isLessThan(Time.millis(12));
  }

  /** From the source's switchover (its guest stops) to the package's arrival. */
  private static long packageTrip(MigrationParams p, TcpParams t) {
    Simulation sim = new Simulation(42,
        TraceMode.FULL);
    Migration m = new Migration(sim, p, t, Variants.LEGACY).start();
    sim.run(Time.HOUR);
    long arrived = sim.trace().events().stream()
        .filter(e -> e.label().equals("dst:recv:MIG_CMD_PACKAGED")).findFirst().orElseThrow()
        .time();
    return arrived - m.record().sourceStoppedAt();
  }

  @Test
  void libvirtStartsTheDestinationAtFinishOnceTheSourceSwitched() {
    for (Variant v : Variants.all()) {
      Golden g = new Golden(v, defaults().destAutostart(DestAutostart.LIBVIRT).build());
      assertThat(g.migration.result().migrated()).as(v.name()).isTrue();
      MigrationStatus switched = v.postcopy() ? MigrationStatus.POSTCOPY_ACTIVE
          : MigrationStatus.COMPLETED;
      assertThat(g.first("mgmt:finish").time()).as(v.name())
          .isEqualTo(g.statusAt(HostId.SOURCE, switched) + MGMT_ROUND_TRIP);
      assertThat(g.record().destinationStartedAt()).as(v.name())
          .isGreaterThanOrEqualTo(g.first("mgmt:finish").time());
    }
  }

  @Test
  void underLibvirtALostPongOf102NeverStartsTheDestinationAndTheSourceResumes() {
    // Early cont: the destination runs at RUN, the source waits for the lost PONG, falls back
    // at TCP give-up and finds the lock taken: the guest is lost. libvirt starts the
    // destination only at Finish, after postcopy-active, which never comes; its keepalive
    // drops the peer 30 s after the cut and destroys the incoming QEMU.
    for (DestAutostart mode : new DestAutostart[] {DestAutostart.EARLY_CONT,
        DestAutostart.LIBVIRT}) {
      MigrationParams p = defaults().destAutostart(mode).build();
      Golden g = new Golden(Variants.POSTCOPY_DEVICE, p);
      long loaded = g.first("dst:main:device-state-loaded").index();
      Migration m = Faulted.before(Variants.POSTCOPY_DEVICE, p, TcpParams.defaults(),
          loaded, x -> x.network().partition(false, true, Time.NEVER));
      if (mode == DestAutostart.EARLY_CONT) {
        assertThat(m.record().everRan(HostId.DESTINATION)).isTrue();
        assertThat(m.record().running(HostId.SOURCE)).isFalse();
      } else {
        assertThat(m.record().everRan(HostId.DESTINATION)).isFalse();
        assertThat(m.alive(HostId.DESTINATION)).isFalse();
        assertThat(m.record().running(HostId.SOURCE)).isTrue();
      }
    }
  }

  @Test
  void libvirtCancelsAPrecopyWhosePeerWentSilentAfterItsKeepalive() {
    MigrationParams p = defaults().destAutostart(DestAutostart.LIBVIRT).build();
    Simulation sim = new Simulation(42,
        TraceMode.HASH_ONLY);
    Migration m = new Migration(sim, p, TcpParams.defaults(), Variants.PRECOPY).start();
    long cut = Time.millis(500);
    sim.run(cut);
    m.network().partition(true, true, Time.NEVER);
    sim.run(Time.HOUR);
    assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.CANCELLED);
    assertThat(m.record().detectedAt(HostId.SOURCE)).isEqualTo(cut + Libvirt.KEEPALIVE_DEAD);
    assertThat(m.record().running(HostId.SOURCE)).isTrue(); // it never stopped
    assertThat(m.alive(HostId.DESTINATION)).isFalse(); // auto-destroyed
  }

  @Test
  void aDeviceLoadThatReadsGuestRamStallsOnACutReturnPathAndTheDestinationNeverRuns() {
    // Real 11.1 with a virtio-blk disk: the load page-faulted, its requests could not reach
    // the source, and the destination never ran. A load that reads no guest page is a timer.
    for (int pages : new int[] {0, 16}) {
      MigrationParams p = defaults().deviceLoadPages(pages).build();
      Golden g = new Golden(Variants.LEGACY, p);
      assertThat(g.migration.result().migrated()).isTrue();
      long arrives = g.first("dst:recv:MIG_CMD_PACKAGED").index();
      Migration m = Faulted.before(Variants.LEGACY, p, TcpParams.defaults(), arrives,
          x -> x.network().partition(false, true, Time.NEVER));
      assertThat(m.record().everRan(HostId.DESTINATION)).as("%d pages", pages)
          .isEqualTo(pages == 0);
      assertThat(m.record().destinationLoadedAt() == Time.NEVER)
          .isEqualTo(pages > 0);
    }
  }
}
