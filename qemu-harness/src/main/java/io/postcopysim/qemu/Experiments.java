package io.postcopysim.qemu;

import static io.postcopysim.faults.FaultKind.CONNECTION_RESET;
import static io.postcopysim.faults.FaultKind.DEST_CRASH;
import static io.postcopysim.faults.FaultKind.PARTITION;
import static io.postcopysim.faults.FaultKind.PARTITION_TO_SOURCE;
import static io.postcopysim.faults.FaultKind.SOURCE_CRASH;

import io.postcopysim.faults.FaultKind;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The experiments: LEGACY (QEMU 7.2 postcopy) and PRECOPY (with and without return path), each
 * fault struck at a protocol point that a run can reach deterministically (a phase held open by
 * the bandwidth cap, or a return-path message seen by the proxy).
 */
final class Experiments {
  private static final Lab.Setup POSTCOPY = new Lab.Setup(true, false, true);
  private static final Lab.Setup POSTCOPY_PAUSED_DEST = new Lab.Setup(true, false, false);
  private static final Lab.Setup PRECOPY = new Lab.Setup(false, false, true);
  private static final Lab.Setup PRECOPY_RP = new Lab.Setup(false, true, true);
  private static final String RAM = "dst:recv:RAM";
  private static final String PACKAGE = "dst:recv:MIG_CMD_PACKAGED";
  private static final String FAULT = "dst:guest:page-fault";
  private static final String PONG = "src:recv:MIG_RP_MSG_PONG";
  private static final String LOADED = "dst:main:device-state-loaded";
  private static final String SHUT = "src:recv:MIG_RP_MSG_SHUT";

  private Experiments() {}

  static List<Experiment> all() {
    return List.of(
        new Experiment("legacy-dest-kill-precopy", "kill -9 destination in precopy", POSTCOPY,
            "LEGACY", DEST_CRASH, RAM, 5, null, inPrecopy(lab -> lab.destination.kill())),
        new Experiment("legacy-src-kill-precopy", "kill -9 source in precopy", POSTCOPY,
            "LEGACY", SOURCE_CRASH, RAM, 5, null, inPrecopy(lab -> lab.source.kill())),
        new Experiment("legacy-reset-precopy", "connection reset in precopy", POSTCOPY,
            "LEGACY", CONNECTION_RESET, RAM, 5, null, inPrecopy(lab -> lab.proxy.reset())),
        new Experiment("legacy-partition-precopy", "both directions blackholed in precopy",
            POSTCOPY, "LEGACY", PARTITION, RAM, 5, null, inPrecopy(Experiments::cut)),
        new Experiment("legacy-dest-kill-after-package", "kill -9 destination once the source"
            + " is postcopy-active, destination started with -S", POSTCOPY_PAUSED_DEST,
            "LEGACY", DEST_CRASH, PACKAGE, 1, null,
            afterSwitchover(lab -> lab.destination.kill())),
        new Experiment("legacy-pong3-blackhole", "return path blackholed just before PONG 3,"
            + " destination started with -S", POSTCOPY_PAUSED_DEST, "LEGACY",
            PARTITION_TO_SOURCE, PONG, 1, LOADED, beforePong(3)),
        new Experiment("legacy-dest-kill-postcopy", "kill -9 destination in postcopy-active"
            + " with the guest running there", POSTCOPY, "LEGACY", DEST_CRASH, FAULT, 1, null,
            destinationRunning(lab -> lab.destination.kill())),
        new Experiment("legacy-src-kill-postcopy", "kill -9 source in postcopy-active",
            POSTCOPY, "LEGACY", SOURCE_CRASH, FAULT, 1, null,
            destinationRunning(lab -> lab.source.kill())),
        new Experiment("legacy-reset-postcopy", "connection reset in postcopy-active",
            POSTCOPY, "LEGACY", CONNECTION_RESET, FAULT, 1, null,
            destinationRunning(lab -> lab.proxy.reset())),
        new Experiment("legacy-partition-postcopy", "both directions blackholed in"
            + " postcopy-active", POSTCOPY, "LEGACY", PARTITION, FAULT, 1, null,
            destinationRunning(Experiments::cut)),
        new Experiment("legacy-cut-to-dest-postcopy", "source-to-destination blackholed in"
            + " postcopy-active", POSTCOPY, "LEGACY", FaultKind.PARTITION_TO_DEST, FAULT, 1,
            null, destinationRunning(lab -> lab.proxy.blackholeToDestination())),
        new Experiment("legacy-cut-to-source-postcopy", "destination-to-source blackholed in"
            + " postcopy-active", POSTCOPY, "LEGACY", PARTITION_TO_SOURCE, FAULT, 1, null,
            destinationRunning(lab -> lab.proxy.blackholeToSource())),
        new Experiment("precopy-dest-kill", "kill -9 destination in precopy", PRECOPY,
            "PRECOPY", DEST_CRASH, RAM, 5, null, inPrecopy(lab -> lab.destination.kill())),
        new Experiment("precopy-src-kill", "kill -9 source in precopy", PRECOPY, "PRECOPY",
            SOURCE_CRASH, RAM, 5, null, inPrecopy(lab -> lab.source.kill())),
        new Experiment("precopy-partition", "both directions blackholed in precopy", PRECOPY,
            "PRECOPY", PARTITION, RAM, 5, null, inPrecopy(Experiments::cut)),
        new Experiment("precopy-rp-reset-before-shut", "connection reset just before SHUT"
            + " reaches the source (return-path on)", PRECOPY_RP, "PRECOPY", CONNECTION_RESET,
            SHUT, 1, null, beforeShut(lab -> lab.proxy.reset())),
        new Experiment("precopy-rp-shut-blackhole", "return path blackholed just before SHUT"
            + " (return-path on)", PRECOPY_RP, "PRECOPY", PARTITION_TO_SOURCE, SHUT, 1, null,
            beforeShut(lab -> lab.proxy.blackholeToSource())));
  }

  private interface Action {
    void run(Lab lab) throws Exception;
  }

  private static void cut(Lab lab) {
    lab.proxy.blackholeToDestination();
    lab.proxy.blackholeToSource();
  }

  private static Experiment.Strike inPrecopy(Action a) {
    return lab -> {
      lab.migrate();
      Lab.await("source active", 10_000, () -> lab.source.migrationStatus().equals("active"));
      Thread.sleep(300);
      a.run(lab);
    };
  }

  private static void switchover(Lab lab) throws Exception {
    lab.migrate();
    Lab.await("source active", 10_000, () -> lab.source.migrationStatus().equals("active"));
    Thread.sleep(300);
    lab.startPostcopy();
  }

  private static Experiment.Strike afterSwitchover(Action a) {
    return lab -> {
      switchover(lab);
      Lab.await("source postcopy-active", 10_000,
          () -> lab.source.migrationStatus().equals("postcopy-active"));
      a.run(lab);
    };
  }

  private static Experiment.Strike destinationRunning(Action a) {
    return lab -> {
      switchover(lab);
      Lab.await("destination running", 10_000, lab::destinationRunning);
      a.run(lab);
    };
  }

  private static Experiment.Strike beforePong(int value) {
    return lab -> {
      CountDownLatch hit = new CountDownLatch(1);
      lab.proxy.onReturnPath(new FaultProxy.Trigger(t -> t == FaultProxy.RP_PONG,
          v -> v == value, () -> {
            lab.proxy.blackholeToSource();
            hit.countDown();
          }));
      switchover(lab);
      if (!hit.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("PONG " + value + " never came");
      }
    };
  }

  private static Experiment.Strike beforeShut(Action a) {
    return lab -> {
      CountDownLatch hit = new CountDownLatch(1);
      lab.proxy.onReturnPath(new FaultProxy.Trigger(t -> t == FaultProxy.RP_SHUT, v -> true,
          () -> {
            try {
              a.run(lab);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            hit.countDown();
          }));
      lab.migrate();
      if (!hit.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("SHUT never came");
      }
    };
  }
}
