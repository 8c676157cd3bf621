package io.postcopysim.faults;

/**
 * The oracle's judgement of one run.
 *
 * @param downtimeNanos time from the first stop of the guest to the horizon during which it ran
 *     nowhere
 * @param detectionNanos from the first fault to the first side noticing a failure; -1 if none did
 * @param statusMismatch a side reports failure while the guest runs or ran on the destination,
 *     or reports completed while it does not run there
 */
public record Verdict(Outcome outcome, long downtimeNanos, long detectionNanos,
    boolean statusMismatch) {}
