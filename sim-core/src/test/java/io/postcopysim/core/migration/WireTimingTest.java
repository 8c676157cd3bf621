package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.Trace.TraceEvent;
import io.postcopysim.core.net.HostId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the lab measured about the stream's timing: zero pages cross as headers
 * (query-migrate's ram.duplicate), the rate limit works in 100 ms windows, and the destination
 * spends a while in loadvm_postcopy_handle_listen before it reads on (QEMU's trace).
 */
class WireTimingTest {
  private static MigrationParams.Builder small() {
    return MigrationParams.defaults().toBuilder().ramBytes(256L << 20)
        .workingSetBytes(16L << 20).precopyNanos(Time.millis(100));
  }

  @Test
  void aZeroPageIsAHeaderAndAByteOnTheWire() {
    MigrationParams p = small().zeroBytes(192L << 20).build();
    int firstZero = p.pages() - (192 << 20) / 4096;
    assertThat(p.wireBytes(0, 10)).isEqualTo(10 * (4096 + 8));
    assertThat(p.wireBytes(firstZero, 10)).isEqualTo(10 * MigrationParams.ZERO_PAGE_BYTES);
    assertThat(p.wireBytes(firstZero - 2, 4)).isEqualTo(2 * (4096 + 8) + 2 * 9);
    // a window's budget: as many pages as fit, across the boundary, at least one
    assertThat(p.pagesWithin(firstZero - 2, 1000, 2 * (4096 + 8) + 100 * 9)).isEqualTo(102);
    assertThat(p.pagesWithin(0, 1000, 10)).isEqualTo(1);
  }

  @Test
  void zeroPagesShortenThePushByTheirBytesOnTheLink() {
    // postcopy from the start: every page crosses in the push, at the link's speed
    Golden full = new Golden(Variants.LEGACY, small().precopyNanos(0).build());
    Golden zero = new Golden(Variants.LEGACY, small().precopyNanos(0).zeroBytes(192L << 20)
        .build());
    List<TraceEvent> fullPages = full.all("dst:recv:RAM");
    List<TraceEvent> zeroPages = zero.all("dst:recv:RAM");
    long fullDone = fullPages.get(fullPages.size() - 1).time();
    long zeroDone = zeroPages.get(zeroPages.size() - 1).time();
    assertThat(zero.migration.result().migrated()).isTrue();
    long saved = io.postcopysim.core.net.TcpParams.defaults().transmission(
        (192L << 20) / 4096 * (4096 + 8 - MigrationParams.ZERO_PAGE_BYTES));
    assertThat(fullDone - zeroDone).isBetween(saved * 9 / 10, saved * 11 / 10);
  }

  @Test
  void maxBandwidthSendsAWindowsBudgetThenSleepsToTheWindowsEnd() {
    long rate = 32L * 8 << 20; // 32 MiB/s: 3.2 MiB per 100 ms window
    Golden g = new Golden(Variants.LEGACY, small().maxBandwidthBitsPerSecond(rate).build());
    List<TraceEvent> wakes = g.all("src:timer:max-bandwidth");
    assertThat(wakes).hasSize(1); // the first window ends at 100 ms, when postcopy starts
    for (int i = 0; i < wakes.size(); i++) {
      assertThat(wakes.get(i).time()).isEqualTo(Time.millis(100) * (i + 1));
    }
    assertThat(g.statusAt(HostId.SOURCE, MigrationStatus.DEVICE)).isEqualTo(Time.millis(100));
  }

  @Test
  void aPackageThatSpendsThePostcopyBudgetHoldsThePushToTheWindowsEnd() {
    // max-postcopy-bandwidth 8 MiB/s: 0.8 MiB a window, and a 1 MiB package spends it at once;
    // only the next window carries background pages (requested pages never wait).
    MigrationParams p = small().maxBandwidthBitsPerSecond(32L * 8 << 20)
        .maxPostcopyBitsPerSecond(8L * 8 << 20)
        .deviceStateBytes(1L << 20).touchIntervalNanos(Time.HOUR).build();
    Golden g = new Golden(Variants.LEGACY, p);
    TraceEvent pkg = g.first("dst:recv:MIG_CMD_PACKAGED");
    TraceEvent nextPage = g.firstAfter("dst:recv:RAM", pkg);
    TraceEvent wake = g.first("src:timer:rate-limit");
    assertThat(wake.time()).isEqualTo(Time.millis(200)); // the window that began at 100 ms
    assertThat(nextPage.time()).isGreaterThan(wake.time());
  }

  @Test
  void theListenThreadReadsOnlyOnceTheDestinationHasSetItUp() {
    long setup = Time.micros(3600); // 7.2 on the lab's 256 MiB guest
    Golden plain = new Golden(Variants.LEGACY, small().build());
    Golden slow = new Golden(Variants.LEGACY, small().listenSetupNanos(setup).build());
    for (Golden g : List.of(plain, slow)) {
      assertThat(g.migration.result().migrated()).isTrue();
    }
    long plainLoad = plain.first("dst:main:device-state-loaded").time()
        - plain.first("dst:recv:MIG_CMD_PACKAGED").time();
    long slowLoad = slow.first("dst:main:device-state-loaded").time()
        - slow.first("dst:recv:MIG_CMD_PACKAGED").time();
    assertThat(slowLoad - plainLoad).isEqualTo(setup);
    TraceEvent listening = slow.first("dst:main:postcopy-listening");
    assertThat(listening.time() - slow.first("dst:recv:MIG_CMD_PACKAGED").time())
        .isEqualTo(setup);
    // PING 4, behind the package, is answered by the listen thread: not before it runs
    TraceEvent pong4 = slow.firstAfter("src:recv:MIG_RP_MSG_PONG",
        slow.first("dst:recv:MIG_CMD_PACKAGED"));
    assertThat(pong4.time()).isGreaterThan(listening.time());
  }
}
