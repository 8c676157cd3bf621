package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace.TraceEvent;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.TcpParams;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each message's handling on each side, read from failure-free runs: what the receiver did
 * (a reply on the wire, a status change, a state of its own) and when. Times are derived from
 * the scenario's parameters (250 us one-way latency, 50 ms device load), not from the model.
 */
class MessageHandlingTest {
  private static final long LATENCY = TcpParams.defaults().latencyNanos();
  private static final long LOAD = MigrationParams.defaults().deviceLoadNanos();

  private static String dst(String kind) {
    return "dst:recv:" + kind;
  }

  private static String src(String kind) {
    return "src:recv:" + kind;
  }

  @Nested
  class Destination {
    @Test
    void everyPingIsAnsweredWithAPongStandaloneOrPackaged() {
      // LEGACY sends PING 1, 2 and 4 on the stream and PING 3 in the package: four PONGs.
      Golden legacy = new Golden(Variants.LEGACY);
      assertThat(legacy.all(dst("MIG_CMD_PING"))).hasSize(3);
      assertThat(legacy.all(src("MIG_RP_MSG_PONG"))).hasSize(4);
      // 10.2 adds PING 0x42 to the package: five.
      assertThat(new Golden(Variants.POSTCOPY_DEVICE).all(src("MIG_RP_MSG_PONG")))
          .hasSize(5);
      // Each standalone PONG reaches the source no sooner than one latency after its PING.
      TraceEvent ping1 = legacy.first(dst("MIG_CMD_PING"));
      TraceEvent pong1 = legacy.firstAfter(src("MIG_RP_MSG_PONG"), ping1);
      assertThat(pong1.time() - ping1.time()).isGreaterThanOrEqualTo(LATENCY);
    }

    @Test
    void adviseAndDiscardMoveThePostcopyStateAndDropStalePages() {
      Golden g = new Golden(Variants.LEGACY);
      assertThat(g.justAfter(g.first(dst("MIG_CMD_POSTCOPY_ADVISE")),
          m -> m.destination().postcopyState())).isEqualTo(DestinationQemu.PostcopyState.ADVISE);
      TraceEvent discard = g.first(dst("MIG_CMD_POSTCOPY_RAM_DISCARD"));
      assertThat(g.justAfter(discard, m -> m.destination().postcopyState()))
          .isEqualTo(DestinationQemu.PostcopyState.DISCARD);
      // The hottest page was dirtied during precopy: after the discard the destination lacks it.
      assertThat(g.justAfter(discard, m -> m.destination().hasPage(0))).isEqualTo(false);
    }

    @Test
    void thePackageStartsListeningAndLoadsTheDevicesForDeviceLoadTime() {
      Golden g = new Golden(Variants.LEGACY);
      TraceEvent pkg = g.first(dst("MIG_CMD_PACKAGED"));
      assertThat(g.justAfter(pkg, m -> m.destination().postcopyState()))
          .isEqualTo(DestinationQemu.PostcopyState.LISTENING);
      TraceEvent loaded = g.firstAfter("dst:main:device-state-loaded", pkg);
      assertThat(loaded.time() - pkg.time()).isEqualTo(LOAD);
      assertThat(g.record().destinationLoadedAt()).isEqualTo(loaded.time());
    }

    @Test
    void onlyQemu102ReportsPostcopyDeviceOnTheDestination() {
      Golden device = new Golden(Variants.POSTCOPY_DEVICE);
      TraceEvent pkg = device.first(dst("MIG_CMD_PACKAGED"));
      assertThat(device.justAfter(pkg, m -> m.status(HostId.DESTINATION)))
          .isEqualTo(MigrationStatus.POSTCOPY_DEVICE);
      assertThat(device.statusAt(HostId.DESTINATION, MigrationStatus.POSTCOPY_ACTIVE))
          .isEqualTo(device.record().destinationRunAt()); // the listen thread's set is a no-op
      Golden legacy = new Golden(Variants.LEGACY);
      assertThat(legacy.statuses(HostId.DESTINATION))
          .doesNotContain(MigrationStatus.POSTCOPY_DEVICE);
    }

    @Test
    void runInThePackageStartsTheGuestRightAfterTheLoadWithTheDiskTakenOver() {
      Golden g = new Golden(Variants.LEGACY);
      long loaded = g.record().destinationLoadedAt();
      // RUN is parsed from the package once the devices are loaded: same instant.
      assertThat(g.record().destinationRunAt()).isEqualTo(loaded);
      assertThat(g.record().destinationStartedAt()).isEqualTo(loaded);
      // postcopy_ram_listen_thread reports postcopy-active as it starts, while the devices still
      // load (real 7.2 and 10.0: postcopy-active 1.8-2 ms before the destination's RESUME)
      TraceEvent pkg = g.first(dst("MIG_CMD_PACKAGED"));
      assertThat(g.statusAt(HostId.DESTINATION, MigrationStatus.POSTCOPY_ACTIVE))
          .isEqualTo(pkg.time()).isLessThan(loaded);
      assertThat(g.record().lockEvents()).extracting(MigrationRecord.LockEvent::host,
              MigrationRecord.LockEvent::what)
          .containsSubsequence(org.assertj.core.groups.Tuple.tuple(HostId.SOURCE, "inactivate"),
              org.assertj.core.groups.Tuple.tuple(HostId.DESTINATION, "activate"));
    }

    @Test
    void aStandaloneRunStartsTheGuestWhenItArrives() {
      Golden g = new Golden(Variants.POSTCOPY_SETUP);
      TraceEvent run = g.first(dst("MIG_CMD_POSTCOPY_RUN"));
      assertThat(g.record().destinationRunAt()).isEqualTo(run.time());
      assertThat(g.record().destinationStartedAt()).isEqualTo(run.time());
    }

    @Test
    void pagesArePlacedAndEofWithEveryPageCompletesAndSendsShut() {
      Golden g = new Golden(Variants.LEGACY);
      assertThat(g.migration.destinationHasAllPages()).isTrue();
      TraceEvent eof = g.first(dst("QEMU_VM_EOF"));
      long completed = g.statusAt(HostId.DESTINATION, MigrationStatus.COMPLETED);
      assertThat(completed).isGreaterThanOrEqualTo(eof.time());
      TraceEvent shut = g.first(src("MIG_RP_MSG_SHUT"));
      assertThat(shut.time() - completed).isGreaterThanOrEqualTo(LATENCY);
    }

    @Test
    void precopyEofStartsTheGuestAfterTheLoadThenSaysShut() {
      Golden g = new Golden(Variants.PRECOPY);
      TraceEvent loaded = g.first("dst:main:device-state-loaded");
      assertThat(g.record().destinationStartedAt()).isEqualTo(loaded.time());
      assertThat(g.statusAt(HostId.DESTINATION, MigrationStatus.COMPLETED))
          .isEqualTo(loaded.time());
      assertThat(g.first(src("MIG_RP_MSG_SHUT")).time() - loaded.time())
          .isGreaterThanOrEqualTo(LATENCY);
    }

    @Test
    void precopyAckStartsOnlyOnGo() {
      Golden g = new Golden(Variants.PRECOPY_ACK);
      TraceEvent go = g.first(dst("MIG_CMD_PRECOPY_GO"));
      TraceEvent loadedMsg = g.first(src("MIG_RP_MSG_PRECOPY_LOADED"));
      assertThat(loadedMsg.index()).isLessThan(go.index());
      assertThat(g.record().destinationStartedAt()).isEqualTo(go.time());
    }

    @Test
    void recoveryMessagesAreAnsweredBitmapThenResumeAck() {
      // A reset in postcopy-active: both pause, management reconnects after after-heal.
      Golden g = new Golden(Variants.LEGACY);
      TraceEvent fault = g.first("dst:guest:page-fault");
      io.postcopysim.core.kernel.Simulation sim = new io.postcopysim.core.kernel.Simulation(42,
          io.postcopysim.core.kernel.TraceMode.FULL);
      Migration m = new Migration(sim, g.params, TcpParams.defaults(), g.variant).start();
      sim.interceptBefore(fault.index(), e -> {
        m.network().resetAll();
        return true;
      });
      sim.run(Time.HOUR);
      List<String> labels = sim.trace().events().stream().map(TraceEvent::label).toList();
      assertThat(labels).containsSubsequence("mgmt:migrate-recover", dst("MIG_CMD_RECV_BITMAP"),
          src("MIG_RP_MSG_RECV_BITMAP"), dst("MIG_CMD_POSTCOPY_RESUME"),
          src("MIG_RP_MSG_RESUME_ACK"));
      assertThat(m.result().migrated()).isTrue();
    }

    @Test
    void aChannelErrorBeforeRunExitsAndAfterRunPausesWithTheGuestStillRunning() {
      Golden g = new Golden(Variants.POSTCOPY_SETUP);
      TraceEvent pkg = g.first(dst("MIG_CMD_PACKAGED"));
      Migration early = rerunWithReset(g, pkg);
      assertThat(early.status(HostId.DESTINATION)).isEqualTo(MigrationStatus.FAILED);
      assertThat(early.alive(HostId.DESTINATION)).isFalse();
      assertThat(early.record().everRan(HostId.DESTINATION)).isFalse();

      Golden legacy = new Golden(Variants.LEGACY);
      Migration late = rerunWithReset(legacy, legacy.first("dst:guest:page-fault"),
          MigrationParams.defaults().toBuilder().recoveryEnabled(false).build());
      assertThat(late.status(HostId.DESTINATION)).isEqualTo(MigrationStatus.POSTCOPY_PAUSED);
      assertThat(late.record().running(HostId.DESTINATION)).isTrue();
      assertThat(late.status(HostId.SOURCE)).isEqualTo(MigrationStatus.POSTCOPY_PAUSED);
    }
  }

  @Nested
  class Source {
    @Test
    void legacyIsPostcopyActiveAsSoonAsThePackageIsWritten() {
      Golden g = new Golden(Variants.LEGACY);
      assertThat(g.statuses(HostId.SOURCE)).containsSubsequence(MigrationStatus.ACTIVE,
          MigrationStatus.DEVICE, MigrationStatus.POSTCOPY_ACTIVE, MigrationStatus.COMPLETED);
      // Committed before the destination even received the package.
      assertThat(g.statusAt(HostId.SOURCE, MigrationStatus.POSTCOPY_ACTIVE))
          .isLessThan(g.first(dst("MIG_CMD_PACKAGED")).time());
    }

    @Test
    void qemu102CommitsOnThePongOfPing0x42() {
      // PING 4 follows the package on the stream and the listen thread answers it while the
      // main thread still loads; PONG 3 and PONG 0x42 come after the load, in that order.
      Golden g = new Golden(Variants.POSTCOPY_DEVICE);
      TraceEvent loaded = g.first("dst:main:device-state-loaded");
      List<TraceEvent> afterLoad = g.all(src("MIG_RP_MSG_PONG")).stream()
          .filter(e -> e.index() > loaded.index()).toList();
      assertThat(afterLoad).hasSize(2);
      // The return-path thread only flags PONG 0x42; the migration thread commits at the top
      // of its next iteration: after the current ram_save_iterate (MAX_WAIT, 50 ms) and the
      // write it is in. Real 11.1 left postcopy-device 40-110 ms after the destination ran.
      long pong = afterLoad.get(1).time();
      assertThat(g.justAfter(afterLoad.get(1), m -> m.status(HostId.SOURCE)))
          .isEqualTo(MigrationStatus.POSTCOPY_DEVICE);
      assertThat(g.statusAt(HostId.SOURCE, MigrationStatus.POSTCOPY_ACTIVE))
          .isGreaterThan(pong).isLessThanOrEqualTo(pong + Time.millis(55));
      assertThat(g.justAfter(afterLoad.get(0), m -> m.status(HostId.SOURCE)))
          .isEqualTo(MigrationStatus.POSTCOPY_DEVICE);
    }

    @Test
    void ping3CommitsOnPong3AndCancelsItsTimeout() {
      Golden g = new Golden(Variants.PING3);
      TraceEvent loaded = g.first("dst:main:device-state-loaded");
      TraceEvent pong3 = g.firstAfter(src("MIG_RP_MSG_PONG"), loaded);
      // PONG 4 came first (the listen thread), and did not commit.
      assertThat(g.all(src("MIG_RP_MSG_PONG")).stream().filter(e -> e.index() < loaded.index()))
          .hasSize(3);
      assertThat(g.statusAt(HostId.SOURCE, MigrationStatus.POSTCOPY_ACTIVE))
          .isEqualTo(pong3.time());
      assertThat(g.all("src:timer:ping3-timeout")).isEmpty();
    }

    @Test
    void theRunAckMakesTheSourceSendRun() {
      Golden g = new Golden(Variants.POSTCOPY_SETUP);
      TraceEvent ack = g.first(src("MIG_RP_MSG_POSTCOPY_RUN_ACK"));
      TraceEvent run = g.first(dst("MIG_CMD_POSTCOPY_RUN"));
      assertThat(run.index()).isGreaterThan(ack.index());
      assertThat(run.time() - ack.time()).isGreaterThanOrEqualTo(LATENCY);
      assertThat(g.statusAt(HostId.SOURCE, MigrationStatus.POSTCOPY_ACTIVE)).isEqualTo(ack.time());
      // The ack comes after the device load, never before.
      assertThat(ack.time() - g.record().destinationLoadedAt()).isGreaterThanOrEqualTo(LATENCY);
    }

    @Test
    void boundaryMoveSendsTheSameMessagesButReportsDeviceInsteadOfPostcopySetup() {
      Golden setup = new Golden(Variants.POSTCOPY_SETUP);
      Golden boundary = new Golden(Variants.BOUNDARY_MOVE);
      assertThat(boundary.events.stream().map(TraceEvent::label).toList())
          .isEqualTo(setup.events.stream().map(TraceEvent::label).toList());
      assertThat(setup.statuses(HostId.SOURCE)).contains(MigrationStatus.POSTCOPY_SETUP);
      assertThat(boundary.statuses(HostId.SOURCE)).doesNotContain(MigrationStatus.POSTCOPY_SETUP)
          .containsSubsequence(MigrationStatus.DEVICE, MigrationStatus.POSTCOPY_ACTIVE);
      // Same switch instant: only the name of the waiting state differs.
      assertThat(boundary.statusAt(HostId.SOURCE, MigrationStatus.POSTCOPY_ACTIVE))
          .isEqualTo(setup.statusAt(HostId.SOURCE, MigrationStatus.POSTCOPY_ACTIVE));
    }

    @Test
    void everyPageRequestIsServedAheadOfTheBackgroundPush() {
      Golden g = new Golden(Variants.LEGACY);
      List<TraceEvent> requests = g.all(src("MIG_RP_MSG_REQ_PAGES"));
      List<TraceEvent> served = g.all(dst("RAM_REQUESTED"));
      assertThat(requests).isNotEmpty();
      // A page already pushed when its request arrives is not sent twice.
      assertThat(served).hasSize((int) g.record().pagesRequested())
          .hasSizeLessThanOrEqualTo(requests.size());
      for (TraceEvent page : served) {
        TraceEvent request = requests.stream().filter(r -> r.index() < page.index())
            .reduce((a, b) -> b).orElseThrow();
        // Behind at most the chunk already being written (64 MiB at 10 Gbit/s: 53.7 ms).
        assertThat(page.time() - request.time()).isBetween(LATENCY, LATENCY + Time.millis(60));
      }
    }

    @Test
    void shutCompletesTheSource() {
      Golden g = new Golden(Variants.POSTCOPY_DEVICE);
      assertThat(g.statusAt(HostId.SOURCE, MigrationStatus.COMPLETED))
          .isEqualTo(g.first(src("MIG_RP_MSG_SHUT")).time());
    }

    @Test
    void aShutWithAnErrorFallsBackAndRestartsTheGuestHere() {
      Golden g = new Golden(Variants.POSTCOPY_SETUP);
      Migration m = rerun(g, g.first(dst("MIG_CMD_PACKAGED")), g.params,
          Migration::failDestinationLoad);
      assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
      assertThat(m.record().running(HostId.SOURCE)).isTrue();
      assertThat(m.disk().holder()).isEqualTo(HostId.SOURCE);
    }

    @Test
    void anErrorInPrecopyFailsTheMigrationWhileTheGuestRunsOn() {
      Golden g = new Golden(Variants.LEGACY);
      Migration m = rerunWithReset(g, g.all(dst("RAM")).get(3));
      assertThat(m.status(HostId.SOURCE)).isEqualTo(MigrationStatus.FAILED);
      assertThat(m.record().sourceStoppedAt()).isEqualTo(Time.NEVER);
      assertThat(m.record().everRan(HostId.DESTINATION)).isFalse();
    }

    @Test
    void precopyLoadedIsAnsweredWithGo() {
      Golden g = new Golden(Variants.PRECOPY_ACK);
      TraceEvent loaded = g.first(src("MIG_RP_MSG_PRECOPY_LOADED"));
      assertThat(g.first(dst("MIG_CMD_PRECOPY_GO")).time() - loaded.time())
          .isGreaterThanOrEqualTo(LATENCY);
    }
  }

  static Migration rerunWithReset(Golden g, TraceEvent before) {
    return rerunWithReset(g, before, g.params);
  }

  static Migration rerunWithReset(Golden g, TraceEvent before, MigrationParams p) {
    return rerun(g, before, p, m -> m.network().resetAll());
  }

  static Migration rerun(Golden g, TraceEvent before, MigrationParams p,
      java.util.function.Consumer<Migration> fault) {
    io.postcopysim.core.kernel.Simulation sim = new io.postcopysim.core.kernel.Simulation(42,
        io.postcopysim.core.kernel.TraceMode.HASH_ONLY);
    Migration m = new Migration(sim, p, TcpParams.defaults(), g.variant).start();
    sim.interceptBefore(before.index(), e -> {
      fault.accept(m);
      return true;
    });
    sim.run(2 * Time.HOUR);
    return m;
  }
}
