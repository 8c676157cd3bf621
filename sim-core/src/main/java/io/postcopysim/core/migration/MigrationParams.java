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
 * @param zeroBytes guest RAM that holds only zeros (a fresh or idle guest's free memory): QEMU
 *     sends such a page as a header and one byte, not 4 KiB (ram.c, save_zero_page); the model
 *     puts these pages just below the device load's pages, above the working set
 * @param listenSetupNanos how long the destination's main thread spends in
 *     loadvm_postcopy_handle_listen (userfaultfd registration of guest RAM, the fault and
 *     listen threads) before the package goes on and the listen thread reads the stream
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
    int deviceLoadPages,
    long zeroBytes,
    long listenSetupNanos) {

  /** Wire bytes of a page: its be64 offset-and-flags header, then the page. */
  static final long PAGE_HEADER = 8;
  /** Wire bytes of a zero page: the header with RAM_SAVE_FLAG_ZERO and the byte 0. */
  public static final long ZERO_PAGE_BYTES = PAGE_HEADER + 1;

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
    require(zeroBytes >= 0 && zeroBytes % pageBytes == 0, "zero-pages must be whole pages");
    require(listenSetupNanos >= 0, "postcopy-listen-time");
    require(zeroBytes == 0 || zeroBytes / pageBytes + deviceLoadPages
        + workingSetBytes / pageBytes <= ramBytes / pageBytes, "zero-pages must leave room for the working set and the device"
        + " load's pages (a dirtied page is not zero)");
  }

  /** docs/DESIGN.md's default scenario. */
  public static MigrationParams defaults() {
    return new MigrationParams(4L << 30, 4096, 1L << 20, Time.millis(50), 100L << 20, 512L << 20,
        0.9, Time.micros(100), Time.seconds(2), Time.millis(300), 0, Time.seconds(5), 64L << 20,
        true, DestAutostart.EARLY_CONT, true, false, true, Time.seconds(1), QemuVersion.AUTO, 0, 0, 0, 0, 0);
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

  /** The first zero page: the zero pages sit just below the device load's pages. */
  int firstZeroPage() {
    return pages() - deviceLoadPages - (int) (zeroBytes / pageBytes);
  }

  /** Bytes on the wire for {@code n} pages from {@code first}, zero pages at their size. */
  long wireBytes(long first, long n) {
    long zeroFrom = firstZeroPage();
    long zeroTo = pages() - deviceLoadPages;
    long zeros = Math.max(0, Math.min(first + n, zeroTo) - Math.max(first, zeroFrom));
    return (n - zeros) * (pageBytes + PAGE_HEADER) + zeros * ZERO_PAGE_BYTES;
  }

  /**
   * The most pages from {@code first} (at most {@code most}, at least one) whose wire bytes fit
   * in {@code budget}: what one rate-limit window lets ram_save_iterate send.
   */
  int pagesWithin(long first, int most, long budget) {
    int n = 0;
    long left = budget;
    long[] bounds = {firstZeroPage(), pages() - deviceLoadPages, pages()};
    long at = first;
    for (int i = 0; i < bounds.length; i++) {
      long cost = i == 1 ? ZERO_PAGE_BYTES : pageBytes + PAGE_HEADER;
      long run = Math.min(most - n, Math.max(0, bounds[i] - at));
      long fit = Math.min(run, left / cost);
      n += (int) fit;
      left -= fit * cost;
      at += fit;
      if (fit < run) {
        break;
      }
    }
    return Math.max(1, n);
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
    private long zeroBytes;
    private long listenSetupNanos;

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
      zeroBytes = p.zeroBytes;
      listenSetupNanos = p.listenSetupNanos;
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

    public Builder zeroBytes(long v) {
      zeroBytes = v;
      return this;
    }

    public Builder listenSetupNanos(long v) {
      listenSetupNanos = v;
      return this;
    }

    public MigrationParams build() {
      return new MigrationParams(ramBytes, pageBytes, deviceStateBytes, deviceLoadNanos, dirtyBytesPerSecond, workingSetBytes, accessSkew, touchIntervalNanos, precopyNanos, downtimeLimitNanos, maxPostcopyBitsPerSecond, ping3TimeoutNanos, chunkBytes, diskLocking, destAutostart, returnPath, postcopyPreempt, recoveryEnabled, recoveryAfterHealNanos, qemuVersion, diskLockLeaseNanos,
          maxBandwidthBitsPerSecond, deviceLoadPages, zeroBytes, listenSetupNanos);
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("invalid migration parameter: " + what);
    }
  }
}
