package io.postcopysim.core.migration;

import io.postcopysim.core.kernel.Time;

/**
 * A migration's parameters, in QEMU's terms where QEMU has one.
 *
 * @param ramBytes guest RAM
 * @param pageBytes target page size (4 KiB on x86)
 * @param deviceStateBytes non-iterable device state carried in the package
 * @param deviceLoadNanos time the destination takes to load it
 * @param dirtyBytesPerSecond guest dirty rate before the switchover
 * @param workingSetBytes the hot part of RAM: what is dirtied and what the guest touches
 * @param accessSkew Zipf exponent of the guest's page accesses over the working set
 * @param touchIntervalNanos time between two page touches of the destination's vCPU
 * @param precopyNanos when {@code migrate-start-postcopy} is issued (postcopy variants)
 * @param downtimeLimitNanos {@code downtime-limit}
 * @param maxPostcopyBitsPerSecond {@code max-postcopy-bandwidth}; 0 = unlimited
 * @param ping3TimeoutNanos how long PING3 waits for PONG 3
 * @param chunkBytes RAM is streamed in messages of this size (a trace event each)
 * @param diskLocking QEMU image locking on the shared disk
 * @param destAutostart when the destination may start the guest
 * @param returnPath the return-path capability (always on with postcopy)
 * @param postcopyPreempt requested pages go on a second connection
 * @param recoveryEnabled postcopy recovery is attempted when the network heals
 * @param recoveryAfterHealNanos delay from the heal to {@code migrate-recover}
 * @param qemuVersion whose mechanisms the model follows where releases differ
 * @param diskLockLeaseNanos how long a dead host's image lock outlives it (0: at once)
 * @param maxBandwidthBitsPerSecond QEMU's max-bandwidth: the precopy stream's rate limit
 *     (0: the link's speed)
 * @param deviceLoadPages guest pages the device load reads (virtio rings and the like): in
 *     postcopy the load faults on those the destination lacks and waits for them
 */
public record MigrationParams(
    long ramBytes,
    long pageBytes,
    long deviceStateBytes,
    long deviceLoadNanos,
    long dirtyBytesPerSecond,
    long workingSetBytes,
    double accessSkew,
    long touchIntervalNanos,
    long precopyNanos,
    long downtimeLimitNanos,
    long maxPostcopyBitsPerSecond,
    long ping3TimeoutNanos,
    long chunkBytes,
    boolean diskLocking,
    DestAutostart destAutostart,
    boolean returnPath,
    boolean postcopyPreempt,
    boolean recoveryEnabled,
    long recoveryAfterHealNanos,
    QemuVersion qemuVersion,
    long diskLockLeaseNanos,
    long maxBandwidthBitsPerSecond,
    int deviceLoadPages) {

  public MigrationParams {
    require(pageBytes > 0 && Long.bitCount(pageBytes) == 1, "page-size must be a power of two");
    require(ramBytes >= pageBytes && ramBytes % pageBytes == 0, "ram must be whole pages");
    require(ramBytes / pageBytes <= Integer.MAX_VALUE, "ram has too many pages");
    require(workingSetBytes > 0 && workingSetBytes <= ramBytes, "working-set within ram");
    require(deviceStateBytes >= 0 && deviceLoadNanos >= 0, "device state");
    require(dirtyBytesPerSecond >= 0, "dirty-rate");
    require(accessSkew >= 0, "access-skew");
    require(touchIntervalNanos > 0, "touch interval");
    require(chunkBytes >= pageBytes, "chunk");
    require(ping3TimeoutNanos > 0, "ping3-timeout");
    require(qemuVersion != null, "qemu-version");
    require(diskLockLeaseNanos >= 0, "disk-lock-lease");
    require(maxBandwidthBitsPerSecond >= 0, "max-bandwidth");
    require(deviceLoadPages >= 0 && deviceLoadPages <= ramBytes / pageBytes,
        "device-load-pages within ram");
  }

  /** docs/DESIGN.md's default scenario. */
  public static MigrationParams defaults() {
    return new MigrationParams(4L << 30, 4096, 1L << 20, Time.millis(50), 100L << 20, 512L << 20,
        0.9, Time.micros(100), Time.seconds(2), Time.millis(300), 0, Time.seconds(5), 64L << 20,
        true, DestAutostart.EARLY_CONT, true, false, true, Time.seconds(1), QemuVersion.AUTO, 0, 0, 0);
  }

  public int pages() {
    return (int) (ramBytes / pageBytes);
  }

  public int workingSetPages() {
    return (int) Math.max(1, workingSetBytes / pageBytes);
  }

  public int chunkPages() {
    return (int) Math.max(1, chunkBytes / pageBytes);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy with some parameters changed: {@code p.toBuilder().diskLocking(false).build()}. */
  public static final class Builder {
    private long ramBytes;
    private long pageBytes;
    private long deviceStateBytes;
    private long deviceLoadNanos;
    private long dirtyBytesPerSecond;
    private long workingSetBytes;
    private double accessSkew;
    private long touchIntervalNanos;
    private long precopyNanos;
    private long downtimeLimitNanos;
    private long maxPostcopyBitsPerSecond;
    private long ping3TimeoutNanos;
    private long chunkBytes;
    private boolean diskLocking;
    private DestAutostart destAutostart;
    private boolean returnPath;
    private boolean postcopyPreempt;
    private boolean recoveryEnabled;
    private long recoveryAfterHealNanos;
    private QemuVersion qemuVersion;
    private long diskLockLeaseNanos;
    private long maxBandwidthBitsPerSecond;
    private int deviceLoadPages;

    private Builder(MigrationParams p) {
      ramBytes = p.ramBytes;
      pageBytes = p.pageBytes;
      deviceStateBytes = p.deviceStateBytes;
      deviceLoadNanos = p.deviceLoadNanos;
      dirtyBytesPerSecond = p.dirtyBytesPerSecond;
      workingSetBytes = p.workingSetBytes;
      accessSkew = p.accessSkew;
      touchIntervalNanos = p.touchIntervalNanos;
      precopyNanos = p.precopyNanos;
      downtimeLimitNanos = p.downtimeLimitNanos;
      maxPostcopyBitsPerSecond = p.maxPostcopyBitsPerSecond;
      ping3TimeoutNanos = p.ping3TimeoutNanos;
      chunkBytes = p.chunkBytes;
      diskLocking = p.diskLocking;
      destAutostart = p.destAutostart;
      returnPath = p.returnPath;
      postcopyPreempt = p.postcopyPreempt;
      recoveryEnabled = p.recoveryEnabled;
      recoveryAfterHealNanos = p.recoveryAfterHealNanos;
      qemuVersion = p.qemuVersion;
      diskLockLeaseNanos = p.diskLockLeaseNanos;
      maxBandwidthBitsPerSecond = p.maxBandwidthBitsPerSecond;
      deviceLoadPages = p.deviceLoadPages;
    }

    public Builder ramBytes(long v) {
      ramBytes = v;
      return this;
    }

    public Builder pageBytes(long v) {
      pageBytes = v;
      return this;
    }

    public Builder deviceStateBytes(long v) {
      deviceStateBytes = v;
      return this;
    }

    public Builder deviceLoadNanos(long v) {
      deviceLoadNanos = v;
      return this;
    }

    public Builder dirtyBytesPerSecond(long v) {
      dirtyBytesPerSecond = v;
      return this;
    }

    public Builder workingSetBytes(long v) {
      workingSetBytes = v;
      return this;
    }

    public Builder accessSkew(double v) {
      accessSkew = v;
      return this;
    }

    public Builder touchIntervalNanos(long v) {
      touchIntervalNanos = v;
      return this;
    }

    public Builder precopyNanos(long v) {
      precopyNanos = v;
      return this;
    }

    public Builder downtimeLimitNanos(long v) {
      downtimeLimitNanos = v;
      return this;
    }

    public Builder maxPostcopyBitsPerSecond(long v) {
      maxPostcopyBitsPerSecond = v;
      return this;
    }

    public Builder ping3TimeoutNanos(long v) {
      ping3TimeoutNanos = v;
      return this;
    }

    public Builder chunkBytes(long v) {
      chunkBytes = v;
      return this;
    }

    public Builder diskLocking(boolean v) {
      diskLocking = v;
      return this;
    }

    public Builder destAutostart(DestAutostart v) {
      destAutostart = v;
      return this;
    }

    public Builder returnPath(boolean v) {
      returnPath = v;
      return this;
    }

    public Builder postcopyPreempt(boolean v) {
      postcopyPreempt = v;
      return this;
    }

    public Builder recoveryEnabled(boolean v) {
      recoveryEnabled = v;
      return this;
    }

    public Builder recoveryAfterHealNanos(long v) {
      recoveryAfterHealNanos = v;
      return this;
    }

    public Builder qemuVersion(QemuVersion v) {
      qemuVersion = v;
      return this;
    }

    public Builder diskLockLeaseNanos(long v) {
      diskLockLeaseNanos = v;
      return this;
    }

    public Builder maxBandwidthBitsPerSecond(long v) {
      maxBandwidthBitsPerSecond = v;
      return this;
    }

    public Builder deviceLoadPages(int v) {
      deviceLoadPages = v;
      return this;
    }

    public MigrationParams build() {
      return new MigrationParams(ramBytes, pageBytes, deviceStateBytes, deviceLoadNanos, dirtyBytesPerSecond, workingSetBytes, accessSkew, touchIntervalNanos, precopyNanos, downtimeLimitNanos, maxPostcopyBitsPerSecond, ping3TimeoutNanos, chunkBytes, diskLocking, destAutostart, returnPath, postcopyPreempt, recoveryEnabled, recoveryAfterHealNanos, qemuVersion, diskLockLeaseNanos,
          maxBandwidthBitsPerSecond, deviceLoadPages);
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("invalid migration parameter: " + what);
    }
  }
}
