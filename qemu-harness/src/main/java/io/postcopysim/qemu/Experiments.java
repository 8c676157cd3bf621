package io.postcopysim.qemu;

import static io.postcopysim.faults.FaultKind.CONNECTION_RESET;
import static io.postcopysim.faults.FaultKind.DEST_CRASH;
import static io.postcopysim.faults.FaultKind.DEST_HOST_CRASH;
import static io.postcopysim.faults.FaultKind.DEST_ACTIVATE_ERROR;
import static io.postcopysim.faults.FaultKind.DEST_LOAD_ERROR;
import static io.postcopysim.faults.FaultKind.PARTITION;
import static io.postcopysim.faults.FaultKind.PARTITION_TO_DEST;
import static io.postcopysim.faults.FaultKind.PARTITION_TO_SOURCE;
import static io.postcopysim.faults.FaultKind.SOURCE_CRASH;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The experiments. Faults are real: kill -9, iptables DROP per direction in the experiment's
 * network namespace (with tcp_retries2=5 where TCP's give-up is to be seen), a middlebox reset
 * ({@code ss -K} on both ends), a host crash (every packet of the connection dropped, then kill
 * -9, so no FIN or RST leaves), a device-state load error (a device the destination lacks).
 * The fault proxy is in the path only where a fault is timed at a return-path message.
 *
 * <p>The baseline set (first round, on 7.2 and 10.0: LEGACY) keeps its names; the second round
 * runs on every version, the model's variant following the version (11.1: POSTCOPY_DEVICE).
 */
final class Experiments {
  private static final Lab.Setup POSTCOPY = new Lab.Setup(true, false, true);
  private static final Lab.Setup POSTCOPY_PAUSED_DEST = new Lab.Setup(true, false, false);
  private static final Lab.Setup PRECOPY = new Lab.Setup(false, false, true);
  private static final Lab.Setup PRECOPY_RP = new Lab.Setup(false, true, true);
  static final String RAM = "dst:recv:RAM";
  private static final String PACKAGE = "dst:recv:MIG_CMD_PACKAGED";
  /**
   * The destination runs the guest: in the model, a point as long after its destination
   * started as the lab's strike came after QEMU's RESUME (GroundTruth.pointAt). The lab strikes
   * once it sees the destination running and the source postcopy-active, a few ms after RESUME
   * on 7.2 and 10.0; a packet drop waits {@link #ACKS_SETTLED_MILLIS} more, past the
   * acknowledgement of the destination's last PONGs.
   */
  static final String RUNNING = "dst:running";
  private static final String PONG = "src:recv:MIG_RP_MSG_PONG";
  /**
   * migrate-start-postcopy: in the model, the last point before the source leaves precopy
   * (GroundTruth.point), not an event label.
   */
  static final String SWITCHOVER = "src:qmp:migrate-start-postcopy";
  /** PING 2, which every version's postcopy_start sends after the discard bitmap. */
  private static final String PING = "dst:recv:MIG_CMD_PING";
  private static final String DISCARD = "dst:recv:MIG_CMD_POSTCOPY_RAM_DISCARD";
  private static final String LOADED = "dst:main:device-state-loaded";
  private static final String SHUT = "src:recv:MIG_RP_MSG_SHUT";
  /** Settle time where TCP must give up (tcp_retries2=5: 12.6 s on loopback). */
  static final long GIVE_UP_SETTLE = 17_000;
  /**
   * A precopy fault strikes 300 ms after active: at 32 MiB/s about 9.6 MiB are sent, before the
   * model's third 4 MiB chunk.
   */
  private static final int PRECOPY_RAM = 3;

  private Experiments() {}

  /** Every experiment that runs on this version. */
  static List<Experiment> forVersion(QemuVersion v) {
    List<Experiment> out = new ArrayList<>();
    if (!v.pingPackagedLoaded()) {
      out.addAll(baseline());
    }
    out.addAll(second(v));
    return out;
  }

  /** Every experiment name on any version. */
  static List<String> names() {
    java.util.LinkedHashSet<String> n = new java.util.LinkedHashSet<>();
    for (String v : QemuVersion.KNOWN) {
      forVersion(QemuVersion.of(v)).forEach(e -> n.add(e.name()));
    }
    return List.copyOf(n);
  }

  static List<Experiment> baseline() {
    return List.of(
        new Experiment("legacy-dest-kill-precopy", "kill -9 destination in precopy", POSTCOPY,
            "LEGACY", DEST_CRASH, RAM, PRECOPY_RAM, null, inPrecopy("kill -9 dst", l -> l.destination.kill())),
        new Experiment("legacy-src-kill-precopy", "kill -9 source in precopy", POSTCOPY,
            "LEGACY", SOURCE_CRASH, RAM, PRECOPY_RAM, null, inPrecopy("kill -9 src", l -> l.source.kill())),
        new Experiment("legacy-reset-precopy", "connection reset in precopy", POSTCOPY,
            "LEGACY", CONNECTION_RESET, RAM, PRECOPY_RAM, null, inPrecopy("ss -K", l -> l.net.reset())),
        new Experiment("legacy-partition-precopy", "both directions dropped in precopy",
            POSTCOPY, "LEGACY", PARTITION, RAM, PRECOPY_RAM, null,
            inPrecopy("DROP both", l -> l.net.dropBoth())).pastGiveUp(),
        new Experiment("legacy-dest-kill-after-package", "kill -9 destination once the source"
            + " is postcopy-active, destination started with -S", POSTCOPY_PAUSED_DEST,
            "LEGACY", DEST_CRASH, PACKAGE, 1, null,
            afterSwitchover("kill -9 dst", l -> l.destination.kill())),
        new Experiment("legacy-pong3-blackhole", "return path dropped just before PONG 3,"
            + " destination started with -S", POSTCOPY_PAUSED_DEST.withProxy(), "LEGACY",
            PARTITION_TO_SOURCE, PONG, 1, LOADED,
            atPong(3, false, false, "DROP dst->src", l -> l.net.dropToSource())).pastGiveUp(),
        new Experiment("legacy-dest-kill-postcopy", "kill -9 destination in postcopy-active"
            + " with the guest running there", POSTCOPY, "LEGACY", DEST_CRASH, RUNNING, 1, LOADED,
            destinationRunning("kill -9 dst", l -> l.destination.kill())),
        new Experiment("legacy-src-kill-postcopy", "kill -9 source in postcopy-active",
            POSTCOPY, "LEGACY", SOURCE_CRASH, RUNNING, 1, LOADED,
            destinationRunning("kill -9 src", l -> l.source.kill())),
        new Experiment("legacy-reset-postcopy", "connection reset in postcopy-active",
            POSTCOPY, "LEGACY", CONNECTION_RESET, RUNNING, 1, LOADED,
            destinationRunning("ss -K", l -> l.net.reset())),
        new Experiment("legacy-partition-postcopy", "both directions dropped in"
            + " postcopy-active", POSTCOPY, "LEGACY", PARTITION, RUNNING, 1, LOADED,
            destinationRunning("DROP both", l -> l.net.dropBoth())).pastGiveUp(),
        new Experiment("legacy-cut-to-dest-postcopy", "source-to-destination dropped in"
            + " postcopy-active", POSTCOPY, "LEGACY", PARTITION_TO_DEST, RUNNING, 1,
            LOADED, destinationRunning("DROP src->dst", l -> l.net.dropToDestination())).pastGiveUp(),
        new Experiment("legacy-cut-to-source-postcopy", "destination-to-source dropped in"
            + " postcopy-active", POSTCOPY, "LEGACY", PARTITION_TO_SOURCE, RUNNING, 1, LOADED,
            destinationRunning("DROP dst->src", l -> l.net.dropToSource())).pastGiveUp(),
        new Experiment("precopy-dest-kill", "kill -9 destination in precopy", PRECOPY,
            "PRECOPY", DEST_CRASH, RAM, PRECOPY_RAM, null, inPrecopy("kill -9 dst", l -> l.destination.kill())),
        new Experiment("precopy-src-kill", "kill -9 source in precopy", PRECOPY, "PRECOPY",
            SOURCE_CRASH, RAM, PRECOPY_RAM, null, inPrecopy("kill -9 src", l -> l.source.kill())),
        new Experiment("precopy-partition", "both directions dropped in precopy", PRECOPY,
            "PRECOPY", PARTITION, RAM, PRECOPY_RAM, null, inPrecopy("DROP both", l -> l.net.dropBoth())).pastGiveUp(),
        new Experiment("precopy-rp-reset-before-shut", "connection reset just before SHUT"
            + " reaches the source (return-path on)", PRECOPY_RP.withProxy(), "PRECOPY",
            CONNECTION_RESET, SHUT, 1, null,
            atShut(false, false, "ss -K", l -> l.net.reset())),
        new Experiment("precopy-rp-shut-blackhole", "return path dropped just before SHUT"
            + " (return-path on)", PRECOPY_RP.withProxy(), "PRECOPY", PARTITION_TO_SOURCE,
            SHUT, 1, null, atShut(false, false, "DROP dst->src", l -> l.net.dropToSource())).pastGiveUp());
  }

  /** The second round: on every version; the package's last PONG is 0x42 on 11.1, else 3. */
  static List<Experiment> second(QemuVersion v) {
    int pong = v.pingPackagedLoaded() ? 0x42 : 3;
    String p = v.pingPackagedLoaded() ? "pong42" : "pong3";
    String pv = v.pingPackagedLoaded() ? "PONG 0x42" : "PONG 3";
    // In the model's run PONG 3 and PONG 0x42 arrive together after the load: 0x42 is the
    // second PONG there (the proxy's trigger matches 0x42 itself).
    int nth = v.pingPackagedLoaded() ? 2 : 1;
    Lab.Setup g = POSTCOPY.withRetries2(5);
    List<Experiment> l = new ArrayList<>();
    l.add(new Experiment("load-error", "device-state load error on the destination (source"
        + " only has -device virtio-rng-pci)", POSTCOPY.withLoadError(), null, DEST_LOAD_ERROR,
        PACKAGE, 1, null, lab -> {
          migrateThenPostcopy(lab, "migrate-start-postcopy (package has a device dst lacks)");
        }).settle(6000, -1));
    l.add(new Experiment("dest-kill-before-" + p, "kill -9 destination just before its " + pv
        + " reaches the source (the PONG is lost)", POSTCOPY.withProxy(), null, DEST_CRASH,
        PONG, nth, LOADED, atPong(pong, true, false, "kill -9 dst", x -> x.destination.kill()))
        .settle(6000, -1));
    l.add(new Experiment("dest-kill-after-" + p, "kill -9 destination once its " + pv
        + " reached the source (and the source left postcopy-device)", POSTCOPY.withProxy(),
        null, DEST_CRASH, RUNNING, 1, LOADED, afterPong(pong)).settle(6000, -1));
    l.add(new Experiment("rp-cut-before-" + p, "destination-to-source dropped just before "
        + pv + ", autostart, tcp_retries2=5", g.withProxy(), null, PARTITION_TO_SOURCE, PONG,
        nth, LOADED, atPong(pong, false, false, "DROP dst->src", x -> x.net.dropToSource()))
        .settle(GIVE_UP_SETTLE, -1));
    l.add(new Experiment("rp-cut-before-" + p + "-S", "destination-to-source dropped just"
        + " before " + pv + ", destination -S, tcp_retries2=5", g.withProxy().paused(), null,
        PARTITION_TO_SOURCE, PONG, nth, LOADED,
        atPong(pong, false, false, "DROP dst->src", x -> x.net.dropToSource()))
        .settle(GIVE_UP_SETTLE, -1));
    for (String[] d : new String[][] {{"both", "PARTITION"}, {"to-dest", "PARTITION_TO_DEST"},
        {"to-source", "PARTITION_TO_SOURCE"}}) {
      io.postcopysim.faults.FaultKind k = io.postcopysim.faults.FaultKind.valueOf(d[1]);
      Action cut = cut(d[0]);
      String what = "DROP " + d[0];
      l.add(new Experiment("giveup-" + d[0] + "-precopy", "iptables DROP " + d[0]
          + " in precopy (postcopy-ram on), tcp_retries2=5", g, null, k, RAM, PRECOPY_RAM, null,
          inPrecopy(what, cut)).settle(GIVE_UP_SETTLE, -1));
      // No proxy: the kernel strikes as the PONG passes (to-dest: the source gets it; else it
      // is lost with the cut). A proxy would have acknowledged the destination's PONG before
      // any strike, and whether the destination then gave up too became a race.
      l.add(new Experiment("giveup-" + d[0] + "-before-" + p, "iptables DROP " + d[0]
          + " struck by the kernel as " + pv + " passes toward the source (no proxy; 11.1: in"
          + " postcopy-device), tcp_retries2=5", g, null, k, PONG, nth, LOADED,
          kernelCutAtPong(pong, k, what)).settle(GIVE_UP_SETTLE, -1));
      l.add(new Experiment("giveup-" + d[0] + "-postcopy-active", "iptables DROP " + d[0]
          + " in postcopy-active with the guest running on the destination, tcp_retries2=5",
          g, null, k, RUNNING, 1, LOADED, destinationRunning(what, cut)).settle(GIVE_UP_SETTLE, -1));
    }
    l.add(new Experiment("dest-host-crash-before-" + p, "destination host crash (DROP both,"
        + " then kill -9) just before " + pv + ", tcp_retries2=5", g.withProxy(), null,
        DEST_HOST_CRASH, PONG, nth, LOADED, atPong(pong, false, false, "DROP both + kill -9 dst",
        Experiments::hostCrashDestination)).settle(GIVE_UP_SETTLE, -1));
    l.add(new Experiment("dest-host-crash-postcopy-active", "destination host crash (DROP"
        + " both, then kill -9) in postcopy-active, tcp_retries2=5", g, null, DEST_HOST_CRASH,
        RUNNING, 1, LOADED, destinationRunning("DROP both + kill -9 dst",
        Experiments::hostCrashDestination)).settle(GIVE_UP_SETTLE, -1));
    l.add(new Experiment("dest-kill-before-shut", "kill -9 destination between the final EOF"
        + " and its SHUT (SHUT lost)", POSTCOPY.withProxy(), null, DEST_CRASH, SHUT, 1, null,
        atShut(true, true, "kill -9 dst", x -> x.destination.kill())).settle(5000, -1));
    l.add(new Experiment("small-dest-kill-before-" + p, "32 MiB guest, postcopy right after"
        + " migrate, no postcopy cap (all RAM sent before the PONG): kill -9 destination just"
        + " before its " + pv, POSTCOPY.withProxy().small(), null, DEST_CRASH, PONG, nth, LOADED,
        atPong(pong, true, false, "kill -9 dst", x -> x.destination.kill())).settle(6000, -1));
    l.add(new Experiment("small-rp-cut-before-" + p, "32 MiB guest, postcopy right after"
        + " migrate, no postcopy cap (all RAM sent before the PONG): destination-to-source"
        + " dropped just before " + pv + ", tcp_retries2=5", g.withProxy().small(), null,
        PARTITION_TO_SOURCE, PONG, nth, LOADED,
        atPong(pong, false, false, "DROP dst->src", x -> x.net.dropToSource()))
        .settle(GIVE_UP_SETTLE, -1));
    // A shared disk with QEMU's own locking: who may restart the guest after a failure.
    l.add(new Experiment("disk-dest-kill-before-" + p, "shared disk, locking on: kill -9"
        + " destination just before its " + pv + " (lost)", POSTCOPY.withProxy().withDisk(), null,
        DEST_CRASH, PONG, nth, LOADED, atPong(pong, true, false, "kill -9 dst",
        x -> x.destination.kill())).settle(6000, -1));
    l.add(new Experiment("disk-giveup-to-source-before-" + p, "shared disk, locking on:"
        + " destination-to-source dropped just before " + pv + ", tcp_retries2=5",
        g.withProxy().withDisk(), null, PARTITION_TO_SOURCE, PONG, nth, LOADED,
        atPong(pong, false, false, "DROP dst->src", x -> x.net.dropToSource()))
        .settle(GIVE_UP_SETTLE, -1));
    l.add(new Experiment("activate-error", "shared disk, locking on: a third process holds"
        + " a lock that denies writers on the image (byte 201) from just before"
        + " migrate-start-postcopy: the destination's activation fails", POSTCOPY.withDisk(),
        null, DEST_ACTIVATE_ERROR, PACKAGE, 1, null, Experiments::lockedOutThenPostcopy)
        .settle(ACTIVATE_SETTLE, -1));
    // The destination completed and runs, holding the disk; the source fails after the final
    // EOF: 10.2 restarts it only if it gets the disk back (migration_iteration_finish), 10.0
    // restarts it regardless, 7.2 leaves it stopped.
    l.add(new Experiment("disk-reset-before-shut", "shared disk, locking on: connection reset"
        + " while the proxy holds SHUT (the destination completed and runs)",
        POSTCOPY.withProxy().withDisk(), null, CONNECTION_RESET, SHUT, 1, null,
        atShut(false, true, "ss -K", x -> x.net.reset())).settle(6000, -1));
    // Point 11: no cap, so the source's socket buffer is full and the destination's receive
    // window holds the stream; a cut of the way back freezes the window the source knows.
    l.add(new Experiment("full-buffer-rp-cut-at-switchover", "no max-bandwidth (socket"
        + " buffers full): destination-to-source dropped just before migrate-start-postcopy,"
        + " issued " + ScenarioFile.UNLIMITED_PRECOPY_MILLIS + " ms after migrate,"
        + " tcp_retries2=5", g.withoutRateLimit(), null, PARTITION_TO_SOURCE, SWITCHOVER, 1,
        null, Experiments::cutThenPostcopy).settle(GIVE_UP_SETTLE, -1));
    // The way back cut by the kernel as PING 2 (sent right before the package, every version's
    // postcopy_start) reaches the destination: the package, in the send buffer behind it, goes
    // only as far as the window the source last heard of.
    l.add(new Experiment("full-buffer-rp-cut-at-ping2", "no max-bandwidth (socket buffers"
        + " full), migrate-start-postcopy " + ScenarioFile.UNLIMITED_PRECOPY_MILLIS + " ms after"
        + " migrate: destination-to-source dropped by the kernel as PING 2 (just before the"
        + " package) reaches the destination, tcp_retries2=5", g.withoutRateLimit(), null,
        PARTITION_TO_SOURCE, PING, 1, DISCARD, Experiments::postcopyThenKernelCutAtPing2)
        .settle(GIVE_UP_SETTLE, -1));
    l.add(new Experiment("small-window-rp-cut-at-ping2", "as full-buffer-rp-cut-at-ping2,"
        + " with tcp_rmem's maximum at 16 KiB in the namespace (the destination's window"
        + " smaller than the package)", g.withoutRateLimit().withSmallWindow(), null,
        PARTITION_TO_SOURCE, PING, 1, DISCARD, Experiments::postcopyThenKernelCutAtPing2)
        .settle(GIVE_UP_SETTLE, -1));
    l.add(new Experiment("partition-heal-recover", "DROP both in postcopy-active until the"
        + " source pauses (tcp_retries2=5), heal, migrate-recover + migrate resume=true", g,
        null, PARTITION, RUNNING, 1, LOADED, Experiments::healAndRecover).settle(3000, 16_000));
    return l;
  }

  /**
   * The experiment as a recorded run ran it: before 2026-11-28-d, the giveup-*-before-* cuts
   * were struck by the proxy while it held the PONG (which the destination's TCP saw
   * acknowledged); today's kernel strike leaves it unacknowledged. The observation says which
   * ({@code proxy}), and the model's case follows it.
   */
  static Experiment asRecorded(Experiment e, boolean proxy) {
    if (proxy == e.setup().proxy() || !proxy || !e.step().equals(PONG)
        || !GroundTruth.dropsPackets(e.kind()) || !e.name().startsWith("giveup-")) {
      return e;
    }
    int pong = e.occurrence() == 2 ? 0x42 : 3; // 0x42 is the package's second PONG
    String direction = e.kind() == PARTITION ? "both"
        : e.kind() == PARTITION_TO_DEST ? "to-dest" : "to-source";
    return new Experiment(e.name(), e.fault(), e.setup().withProxy(), e.variant(), e.kind(),
        e.step(), e.occurrence(), e.after(), atPong(pong, false, false, "DROP " + direction,
            cut(direction)), e.settleMillis(), e.healMillis(), e.baseline());
  }

  /** Where the lab can strike a model case's fault: the experiment, or why it cannot. */
  sealed interface Placement permits Placed, NotPlaced {}

  /** @param how what the lab does, in a line */
  record Placed(Experiment experiment, String how) implements Placement {}

  record NotPlaced(String why) implements Placement {}

  /**
   * A model case as a lab experiment: the case's fault kind made real, struck at the lab's
   * version of the case's protocol step (in precopy, at the package's PONG, with the guest
   * running on the destination, at SHUT), on the lab's own guest (256 MiB, TCG, loopback),
   * with the case's design, return path and autostart; the model side is then judged on the
   * scenario the lab writes, as for every experiment.
   */
  static Placement forCase(QemuVersion v, io.postcopysim.faults.CaseId id,
      io.postcopysim.faults.Study study) {
    if (id.faults().size() != 1) {
      return new NotPlaced("the lab strikes one fault; " + id + " has two");
    }
    String design = id.variant();
    boolean precopy = design.equals("PRECOPY");
    if (!precopy && !design.equals(v.variant())) {
      return new NotPlaced("QEMU " + v.version() + " runs " + v.variant() + " (or PRECOPY);"
          + " no QEMU has " + design + (v.version().equals("11.1") ? ""
              : ": POSTCOPY_DEVICE needs --qemu 11.1, LEGACY 7.2 or 10.0"));
    }
    io.postcopysim.core.migration.Variant variant = study.variants().stream()
        .filter(x -> x.name().equals(design)).findFirst().orElse(null);
    if (variant == null) {
      return new NotPlaced("the scenario does not run " + design);
    }
    io.postcopysim.faults.GoldenRun golden = io.postcopysim.faults.GoldenRun.of(study, variant);
    io.postcopysim.faults.FaultKind k = id.first().kind();
    Action action = action(k);
    if (action == null) {
      return new NotPlaced(k + " has no real counterpart in the lab (a host crash of the"
          + " source would take the lab with it; a middlebox that takes one message is"
          + " what the proxy does only at a PONG or SHUT)");
    }
    io.postcopysim.faults.FailurePoint p = golden.point(id.first().point());
    Lab.Setup setup = precopy ? (study.params().returnPath() ? PRECOPY_RP : PRECOPY) : POSTCOPY;
    if (study.params().destAutostart() == io.postcopysim.core.migration.DestAutostart.OFF) {
      setup = setup.paused();
    }
    if (GroundTruth.dropsPackets(k)) {
      setup = setup.withRetries2(5);
    }
    return place(v, id, golden, p, k, action, setup);
  }

  private static Placement place(QemuVersion v, io.postcopysim.faults.CaseId id,
      io.postcopysim.faults.GoldenRun golden, io.postcopysim.faults.FailurePoint p,
      io.postcopysim.faults.FaultKind k, Action a, Lab.Setup setup) {
    String name = "case-" + id.toString().replaceAll("[^A-Za-z0-9]+", "-");
    String what = describe(k);
    long settle = GroundTruth.dropsPackets(k) ? GIVE_UP_SETTLE : 6000;
    int pong = v.pingPackagedLoaded() ? 0x42 : 3;
    int nth = v.pingPackagedLoaded() ? 2 : 1;
    boolean kill = k == DEST_CRASH || k == DEST_HOST_CRASH;
    if (k == DEST_LOAD_ERROR) {
      return setup.postcopy() ? placed(new Experiment(name, "model case " + id + ": load"
          + " error (the source has a device the destination lacks)", setup.withLoadError(),
          id.variant(), k, PACKAGE, 1, null, lab -> migrateThenPostcopy(lab,
              "migrate-start-postcopy (package has a device dst lacks)")).settle(6000, -1),
          "a device the destination lacks: the load fails on the package")
          : new NotPlaced("the lab makes a load error only in postcopy's package");
    }
    if (k == DEST_ACTIVATE_ERROR) {
      return setup.postcopy() ? placed(new Experiment(name, "model case " + id + ": the"
          + " destination's activation fails (a third process locks out writers)",
          setup.withDisk(), id.variant(), k, PACKAGE, 1, null,
          Experiments::lockedOutThenPostcopy).settle(ACTIVATE_SETTLE, -1),
          "a third process holds a lock that denies writers on the shared image")
          : new NotPlaced("the lab makes an activation error only in postcopy");
    }
    if (p.label().equals(SHUT)) {
      return placed(new Experiment(name, "model case " + id + ": " + what + " while the"
          + " proxy holds SHUT", setup.withProxy(), id.variant(), k, SHUT, 1, null,
          atShut(kill, setup.postcopy(), what, a)).settle(settle, -1),
          "the proxy holds SHUT and strikes");
    }
    if (p.label().equals(PONG) && p.index() == packagePong(golden, nth)
        && (k == PARTITION_TO_DEST || k == PARTITION || k == PARTITION_TO_SOURCE)) {
      return placed(new Experiment(name, "model case " + id + ": " + what + " struck by the"
          + " kernel as PONG " + pong + " passes toward the source", setup, id.variant(), k,
          PONG, nth, LOADED, kernelCutAtPong(pong, k, what)).settle(settle, -1),
          "the kernel strikes as PONG " + pong + " passes (no proxy, whose kernel would"
              + " acknowledge the destination's PONG first)");
    }
    if (p.label().equals(PONG) && p.index() == packagePong(golden, nth)) {
      return placed(new Experiment(name, "model case " + id + ": " + what + " just before"
          + " PONG " + pong + " reaches the source", setup.withProxy(), id.variant(), k, PONG,
          nth, LOADED, atPong(pong, kill, false, what, a)).settle(settle, -1),
          "the proxy strikes as PONG " + pong + " passes");
    }
    if (p.phase() == io.postcopysim.core.migration.MigrationStatus.ACTIVE) {
      return placed(new Experiment(name, "model case " + id + ": " + what + " in precopy",
          setup, id.variant(), k, RAM, PRECOPY_RAM, null, inPrecopy(what, a))
          .settle(settle, -1), "struck 300 ms into precopy (the lab cannot pick the chunk;"
              + " the model's side is struck before the third)");
    }
    long loaded = golden.points().stream().filter(x -> x.label().equals(LOADED))
        .mapToLong(io.postcopysim.faults.FailurePoint::index).findFirst().orElse(-1);
    // 10.2's commit gap (the destination runs, the source still in postcopy-device) is up to
    // 50 ms: the lab strikes once the source has committed, and the model's side moves there
    // too (GroundTruth.atPhase).
    boolean afterPong = p.index() > packagePong(golden, nth)
        && p.phase() == io.postcopysim.core.migration.MigrationStatus.POSTCOPY_DEVICE;
    if ((p.phase() == io.postcopysim.core.migration.MigrationStatus.POSTCOPY_ACTIVE || afterPong)
        && loaded >= 0 && p.index() > loaded) {
      return setup.destinationAutostart()
          ? placed(new Experiment(name, "model case " + id + ": " + what + " in"
              + " postcopy-active with the guest running on the destination", setup,
              id.variant(), k, RUNNING, 1, LOADED, destinationRunning(what, a))
              .settle(settle, -1), "struck once the destination runs the guest")
          : placed(new Experiment(name, "model case " + id + ": " + what + " in"
              + " postcopy-active, destination -S", setup, id.variant(), k, PACKAGE, 1, null,
              afterSwitchover(what, a)).settle(settle, -1),
              "struck once the source reports postcopy-active");
    }
    return new NotPlaced("the lab strikes in precopy, at the package's PONG, once the"
        + " destination runs, or at SHUT; " + id + " strikes before " + p.label() + " with the"
        + " source " + p.phase().qapiName() + ", between those (a device load of a few ms on"
        + " TCG cannot be hit by a timer)");
  }

  private static Placement placed(Experiment e, String how) {
    return new Placed(e, how);
  }

  /**
   * The index of the PONG that answers the package (the first after the load; on 10.2's
   * design the second, PONG 0x42 after PONG 3), or -1.
   */
  static long packagePong(io.postcopysim.faults.GoldenRun golden) {
    return packagePong(golden, golden.variant().pingPackagedLoaded() ? 2 : 1);
  }

  private static long packagePong(io.postcopysim.faults.GoldenRun golden, int nth) {
    long loaded = -1;
    int seen = 0;
    for (io.postcopysim.faults.FailurePoint x : golden.points()) {
      if (loaded < 0 && x.label().equals(LOADED)) {
        loaded = x.index();
      } else if (loaded >= 0 && x.label().equals(PONG) && ++seen == nth) {
        return x.index();
      }
    }
    return -1;
  }

  /** What the lab does for a fault kind, in the words {@link #atPong} reads. */
  private static String describe(io.postcopysim.faults.FaultKind k) {
    return switch (k) {
      case DEST_CRASH -> "kill -9 dst";
      case SOURCE_CRASH -> "kill -9 src";
      case DEST_HOST_CRASH -> "DROP both + kill -9 dst";
      case CONNECTION_RESET -> "ss -K";
      case PARTITION -> "DROP both";
      case PARTITION_TO_DEST -> "DROP to-dest";
      case PARTITION_TO_SOURCE -> "DROP to-source";
      default -> k.name();
    };
  }

  /** The real counterpart of a fault kind, or null where the lab has none. */
  private static Action action(io.postcopysim.faults.FaultKind k) {
    return switch (k) {
      case DEST_CRASH -> l -> l.destination.kill();
      case SOURCE_CRASH -> l -> l.source.kill();
      case DEST_HOST_CRASH -> Experiments::hostCrashDestination;
      case CONNECTION_RESET -> l -> l.net.reset();
      case PARTITION -> cut("both");
      case PARTITION_TO_DEST -> cut("to-dest");
      case PARTITION_TO_SOURCE -> cut("to-source");
      case DEST_LOAD_ERROR -> l -> { }; // the setup makes it: a device the destination lacks
      case DEST_ACTIVATE_ERROR -> Lab::lockOutWriters;
      default -> null;
    };
  }

  private interface Action {
    void run(Lab lab) throws Exception;
  }

  private static Action cut(String direction) {
    return switch (direction) {
      case "both" -> l -> l.net.dropBoth();
      case "to-dest" -> l -> l.net.dropToDestination();
      default -> l -> l.net.dropToSource();
    };
  }

  private static void hostCrashDestination(Lab lab) throws Exception {
    lab.net.dropBoth();
    lab.destination.kill();
  }

  private static void strike(Lab lab, String what, Action a) throws Exception {
    if (lab.setup.smallGuest()) {
      lab.note("source before the strike: " + lab.source.qmp("query-migrate"));
    }
    lab.fault(what);
    a.run(lab);
  }

  private static Experiment.Strike inPrecopy(String what, Action a) {
    return lab -> {
      lab.migrate();
      Lab.await("source active", 10_000, () -> lab.source.migrationStatus().equals("active"));
      Thread.sleep(300);
      strike(lab, what, a);
    };
  }

  private static void switchover(Lab lab) throws Exception {
    lab.migrate();
    Lab.await("source active", 10_000, () -> lab.source.migrationStatus().equals("active"));
    if (!lab.setup.smallGuest()) { // the small guest switches over at once
      Thread.sleep(ScenarioFile.PRECOPY_MILLIS);
    }
    lab.startPostcopy();
  }

  /** The push at 8 MiB/s ends some 7 s after the switchover: watch past it. */
  private static final long ACTIVATE_SETTLE = 12_000;

  /** migrate, then wait until the source is active and {@code millis} have passed since. */
  private static void migrateFor(Lab lab, long millis) throws Exception {
    long at = System.currentTimeMillis() + millis; // wall-clock-ok
    lab.migrate();
    Lab.await("source active", 10_000, () -> lab.source.migrationStatus().equals("active"));
    Thread.sleep(Math.max(0, at - System.currentTimeMillis())); // wall-clock-ok
  }

  private static void lockedOutThenPostcopy(Lab lab) throws Exception {
    lab.migrate();
    Lab.await("source active", 10_000, () -> lab.source.migrationStatus().equals("active"));
    Thread.sleep(300);
    lab.fault("a third process locks out writers");
    lab.lockOutWriters();
    lab.startPostcopy();
  }

  private static void cutThenPostcopy(Lab lab) throws Exception {
    migrateFor(lab, ScenarioFile.UNLIMITED_PRECOPY_MILLIS);
    strike(lab, "DROP dst->src", l -> l.net.dropToSource());
    lab.startPostcopy();
  }

  private static void postcopyThenKernelCutAtPing2(Lab lab) throws Exception {
    byte[] ping2 = {8, 0, 2, 0, 4, 0, 0, 0, 2}; // QEMU_VM_COMMAND, MIG_CMD_PING, 4 bytes, 2
    lab.net.cutToSourceAfter(ping2);
    CountDownLatch hit = watchArmedCut(lab, "DROP dst->src (kernel, as PING 2 passed)");
    migrateFor(lab, ScenarioFile.UNLIMITED_PRECOPY_MILLIS);
    lab.startPostcopy();
    if (!hit.await(15, TimeUnit.SECONDS)) {
      throw new IllegalStateException("PING 2 never came");
    }
  }

  private static void migrateThenPostcopy(Lab lab, String what) throws Exception {
    lab.migrate();
    Lab.await("source active", 10_000, () -> lab.source.migrationStatus().equals("active"));
    Thread.sleep(300);
    lab.fault(what);
    lab.startPostcopy();
  }

  private static Experiment.Strike afterSwitchover(String what, Action a) {
    return lab -> {
      switchover(lab);
      Lab.await("source postcopy-active", 10_000,
          () -> lab.source.migrationStatus().equals("postcopy-active"));
      strike(lab, what, a);
    };
  }

  /**
   * How long a packet-dropping strike waits once the destination runs and the source is
   * postcopy-active: past the acknowledgement of the destination's last PONGs (Linux's
   * delayed ack is at most 40 ms on loopback, TCP_DELACK_MIN bounding it by the RTT, and the
   * source's next window of pages carries it within 100 ms). Struck earlier, whether the
   * destination also gives up is a race in real QEMU (7 of 14 such strikes over four runs
   * paused it: Known.ACK_RACE) that no deterministic model can call.
   */
  static final long ACKS_SETTLED_MILLIS = 100;

  private static Experiment.Strike destinationRunning(String what, Action a) {
    return lab -> {
      switchover(lab);
      Lab.await("destination running", 10_000, lab::destinationRunning);
      Lab.await("source postcopy-active", 10_000,
          () -> lab.source.migrationStatus().equals("postcopy-active"));
      if (what.contains("DROP")) {
        Thread.sleep(ACKS_SETTLED_MILLIS);
      }
      strike(lab, what, a);
    };
  }

  /**
   * Records the fault once the kernel struck the cut {@code lab.net} armed, polling its list
   * every millisecond for 20 s; the latch opens then.
   */
  private static CountDownLatch watchArmedCut(Lab lab, String what) {
    CountDownLatch hit = new CountDownLatch(1);
    Thread watch = new Thread(() -> {
      try {
        for (int i = 0; i < 20_000 && !lab.net.armedCutStruck(); i++) {
          Thread.sleep(1);
        }
        if (lab.net.armedCutStruck()) {
          lab.fault(what);
          hit.countDown();
        }
      } catch (IOException | InterruptedException e) {
        lab.note("armed cut watch: " + e);
      }
    }, "lab-armed-cut");
    watch.setDaemon(true);
    watch.start();
    return hit;
  }

  /**
   * A cut struck by the kernel as PONG {@code value} passes toward the source: toward the
   * destination only, the source gets the PONG (Net#cutToDestinationAfter); else the PONG is
   * lost with the cut (Net#cutAtReturnPathMessage). The fault's time is when the lab sees the
   * strike in the kernel's list, polled every millisecond.
   */
  private static Experiment.Strike kernelCutAtPong(int value,
      io.postcopysim.faults.FaultKind kind, String what) {
    return lab -> {
      byte[] pong = {0, (byte) FaultProxy.RP_PONG, 0, 4, (byte) (value >>> 24),
          (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
      if (kind == PARTITION_TO_DEST) {
        lab.net.cutToDestinationAfter(pong);
      } else {
        lab.net.cutAtReturnPathMessage(pong, kind == PARTITION, true);
      }
      CountDownLatch hit = watchArmedCut(lab, what + " (kernel, as PONG " + value + " passed)");
      switchover(lab);
      if (!hit.await(15, TimeUnit.SECONDS)) {
        throw new IllegalStateException("PONG " + value + " never came");
      }
    };
  }


  /**
   * Strikes when the proxy sees the PONG with this value: before forwarding it (and then the
   * PONG goes on into whatever the action did, or is lost when {@code drop}).
   */
  private static Experiment.Strike atPong(int value, boolean drop, boolean after, String what,
      Action a) {
    Experiment.Strike strike = lab -> {
      CountDownLatch hit = strikeAt(lab, FaultProxy.RP_PONG, value, drop, after, what, a);
      switchover(lab);
      if (!hit.await(15, TimeUnit.SECONDS)) {
        throw new IllegalStateException("PONG " + value + " never came");
      }
    };
    // The PONG never reaches the source when the proxy drops it, or forwards it into a cut
    // return path (the destination's TCP saw it acknowledged by the proxy either way).
    boolean held = !after && (drop || what.contains("dst->src") || what.contains("to-source")
        || what.contains("both"));
    return held ? (Experiment.HoldsMessage) strike::run : strike;
  }

  /**
   * Arms the proxy to strike {@code a} when it sees a return-path message of this type (and
   * value, unless -1); the latch opens once the strike is done.
   */
  private static CountDownLatch strikeAt(Lab lab, int type, int value, boolean drop,
      boolean after, String what, Action a) {
    CountDownLatch hit = new CountDownLatch(1);
    lab.proxy.onReturnPath(new FaultProxy.Trigger(t -> t == type,
        v -> value < 0 || v == value, () -> {
          try {
            strike(lab, what, a);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          } finally {
            hit.countDown();
          }
        }, drop, after));
    return hit;
  }

  /** Kills the destination once its package PONG was forwarded and the source acted on it. */
  private static Experiment.Strike afterPong(int value) {
    return lab -> {
      CountDownLatch hit = new CountDownLatch(1);
      lab.proxy.onReturnPath(new FaultProxy.Trigger(t -> t == FaultProxy.RP_PONG,
          v -> v == value, hit::countDown, false, true));
      switchover(lab);
      if (!hit.await(15, TimeUnit.SECONDS)) {
        throw new IllegalStateException("PONG " + value + " never came");
      }
      Lab.waitFor(3000, () -> lab.source.migrationStatus().equals("postcopy-active"));
      lab.note("source status at the kill: " + lab.source.migrationStatus());
      strike(lab, "kill -9 dst", l -> l.destination.kill());
    };
  }

  private static Experiment.Strike atShut(boolean drop, boolean postcopy, String what,
      Action a) {
    // The SHUT is held while the action strikes, then dropped or forwarded into what the
    // action left (a cut return path, a reset connection, a dead peer): the source never gets it.
    return (Experiment.HoldsMessage) lab -> {
      CountDownLatch hit = strikeAt(lab, FaultProxy.RP_SHUT, -1, drop, false, what, a);
      if (postcopy) {
        switchover(lab);
      } else {
        lab.migrate();
      }
      if (!hit.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("SHUT never came");
      }
    };
  }

  /** DROP both until the source pauses, then heal and recover on a new port. */
  private static void healAndRecover(Lab lab) throws Exception {
    switchover(lab);
    Lab.await("destination running", 10_000, lab::destinationRunning);
    Lab.await("source postcopy-active", 10_000,
        () -> lab.source.migrationStatus().equals("postcopy-active"));
    strike(lab, "DROP both", l -> l.net.dropBoth());
    boolean srcPaused = Lab.waitFor(20_000,
        () -> lab.source.migrationStatus().equals("postcopy-paused"));
    lab.note("source postcopy-paused by itself: " + srcPaused);
    boolean dstPaused = Lab.waitFor(3_000,
        () -> lab.destination.migrationStatus().equals("postcopy-paused"));
    lab.note("destination postcopy-paused by itself: " + dstPaused);
    if (!dstPaused) {
      lab.note("migrate-pause on the destination (management)");
      lab.destination.qmp("migrate-pause");
      Lab.waitFor(3_000, () -> lab.destination.migrationStatus().equals("postcopy-paused"));
    }
    lab.note("heal: iptables -F INPUT");
    lab.net.heal();
    lab.recover();
    boolean done = Lab.waitFor(20_000,
        () -> lab.source.migrationStatus().equals("completed")
            && lab.destination.migrationStatus().equals("completed"));
    lab.note("both completed after recovery: " + done);
  }
}
