package io.postcopysim.faults;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.migration.Migration;
import io.postcopysim.core.net.HostId;
import io.postcopysim.core.net.Network;

/**
 * The fault kinds of docs/DESIGN.md §4. Each acts on the model's mechanisms only (a process, a
 * machine, the network, a destination hook); what follows is the model's business.
 */
public enum FaultKind {
  /** kill -9 of the source QEMU: its sockets close with FIN or RST. */
  SOURCE_CRASH,
  /** The source machine dies: silence. */
  SOURCE_HOST_CRASH,
  DEST_CRASH,
  DEST_HOST_CRASH,
  /** The destination's device-state load fails (qemu_loadvm_state_main returns an error). */
  DEST_LOAD_ERROR,
  /** The destination cannot take the disk's write lock when it activates the image. */
  DEST_ACTIVATE_ERROR,
  /** Both directions blackholed. */
  PARTITION,
  /** Source-to-destination segments blackholed (the acks of the return path stop too). */
  PARTITION_TO_DEST,
  /** Destination-to-source segments blackholed: the return path and the main stream's acks. */
  PARTITION_TO_SOURCE,
  /** A middlebox resets every connection between the hosts. */
  CONNECTION_RESET,
  /**
   * A middlebox takes the next message toward the source (a PONG, a SHUT): the destination's
   * TCP sees it acknowledged, the source never gets it. What a proxy that holds a message does;
   * the ground-truth lab's proxy does it to time a fault at a return-path message.
   */
  LOSE_MESSAGE_TO_SOURCE;

  /** Strikes now; partitions heal after {@code healAfter} ({@link Time#NEVER}: never). */
  public void inject(Migration m, long healAfter) {
    switch (this) {
      case SOURCE_CRASH -> m.crashProcess(HostId.SOURCE);
      case SOURCE_HOST_CRASH -> m.crashMachine(HostId.SOURCE);
      case DEST_CRASH -> m.crashProcess(HostId.DESTINATION);
      case DEST_HOST_CRASH -> m.crashMachine(HostId.DESTINATION);
      case DEST_LOAD_ERROR -> m.failDestinationLoad();
      case DEST_ACTIVATE_ERROR -> m.failDestinationActivation();
      case PARTITION -> m.network().partition(true, true, healAfter);
      case PARTITION_TO_DEST -> m.network().partition(true, false, healAfter);
      case PARTITION_TO_SOURCE -> m.network().partition(false, true, healAfter);
      case CONNECTION_RESET -> m.network().resetAll();
      case LOSE_MESSAGE_TO_SOURCE -> m.network().host(HostId.SOURCE).loseNextMessage();
      default -> throw new AssertionError(this);
    }
  }

  /**
   * Whether striking now would change nothing at all, so the run with this fault is the run
   * without it: the process it kills is dead, the machine is down, the load it fails is over,
   * the disk it refuses is already active, the directions it cuts are cut for good. This is the
   * pruning rule for second faults; it must be exact (EnumeratorTest checks it against runs).
   */
  public boolean noOp(Migration m, long healAfter) {
    Network net = m.network();
    return switch (this) {
      case SOURCE_CRASH -> !m.alive(HostId.SOURCE);
      case SOURCE_HOST_CRASH -> !net.host(HostId.SOURCE).machineUp();
      case DEST_CRASH -> !m.alive(HostId.DESTINATION);
      case DEST_HOST_CRASH -> !net.host(HostId.DESTINATION).machineUp();
      case DEST_LOAD_ERROR -> !m.alive(HostId.DESTINATION)
          || m.record().destinationLoadedAt() != Time.NEVER;
      case DEST_ACTIVATE_ERROR -> !m.alive(HostId.DESTINATION)
          || m.disk().active(HostId.DESTINATION);
      case PARTITION -> cutForGood(net, healAfter, true, true);
      case PARTITION_TO_DEST -> cutForGood(net, healAfter, true, false);
      case PARTITION_TO_SOURCE -> cutForGood(net, healAfter, false, true);
      case CONNECTION_RESET, LOSE_MESSAGE_TO_SOURCE -> false;
    };
  }

  private static boolean cutForGood(Network net, long healAfter, boolean toDest, boolean toSrc) {
    return healAfter == Time.NEVER && !net.healPending()
        && (!toDest || net.blocked(HostId.SOURCE)) && (!toSrc || net.blocked(HostId.DESTINATION));
  }
}
