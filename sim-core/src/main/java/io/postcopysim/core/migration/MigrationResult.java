package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.net.HostId;
import java.util.Arrays;

/**
 * The measures of one run.
 *
 * @param migrated the guest runs on the destination only, which holds every page, and both
 *     sides report completed
 * @param totalTime from {@code migrate} to the source's completed (or the run's end)
 * @param downtime from the source's stop to the first start anywhere (NEVER if none)
 */
public record MigrationResult(
    String variant,
    MigrationStatus source,
    MigrationStatus destination,
    boolean migrated,
    long events,
    long totalTime,
    long downtime,
    long pagesPushed,
    long pagesRequested,
    long faultLatencyP50,
    long faultLatencyP99,
    long faultLatencyMax,
    long traceHash) {

  static MigrationResult of(Migration m) {
    MigrationRecord r = m.record();
    boolean migrated = r.running(HostId.DESTINATION) && !r.running(HostId.SOURCE)
        && m.destinationHasAllPages()
        && m.status(HostId.SOURCE) == MigrationStatus.COMPLETED
        && m.status(HostId.DESTINATION) == MigrationStatus.COMPLETED;
    long completedAt = r.statuses().stream()
        .filter(s -> s.host() == HostId.SOURCE && s.status() == MigrationStatus.COMPLETED)
        .mapToLong(MigrationRecord.StatusChange::time).findFirst()
        .orElse(m.simulation().now());
    long stop = r.sourceStoppedAt();
    long restart = Math.min(r.destinationStartedAt(), r.runs().stream()
        .filter(x -> x.host() == HostId.SOURCE && stop != Time.NEVER && x.start() >= stop)
        .mapToLong(MigrationRecord.Run::start).min().orElse(Time.NEVER));
    long downtime = stop == Time.NEVER || restart == Time.NEVER ? Time.NEVER : restart - stop;
    long[] lat = r.faultLatencies();
    Arrays.sort(lat);
    return new MigrationResult(m.variant().name(), m.status(HostId.SOURCE),
        m.status(HostId.DESTINATION), migrated, m.simulation().processed(), completedAt,
        downtime, r.pagesPushed(), r.pagesRequested(), percentile(lat, 0.50),
        percentile(lat, 0.99), lat.length == 0 ? 0 : lat[lat.length - 1],
        m.simulation().trace().hash());
  }

  /** Nearest-rank percentile; 0 when there were no faults. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%s: %s/%s migrated=%s events=%d total=%s downtime=%s pushed=%d requested=%d "
            + "fault p50=%s p99=%s max=%s hash=%016x",
        variant, source.qapiName(), destination.qapiName(), migrated, events,
        Time.format(totalTime), Time.format(downtime), pagesPushed, pagesRequested,
        Time.format(faultLatencyP50), Time.format(faultLatencyP99), Time.format(faultLatencyMax),
        traceHash);
  }
}
