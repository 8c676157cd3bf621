package io.postcopysim.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.postcopysim.core.kernel.Simulation;
import io.postcopysim.core.kernel.Time;
import io.postcopysim.core.kernel.TraceMode;
import io.postcopysim.core.net.TcpParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GoldenRunTest {
  static Iterable<Variant> variants() {
    return Variants.all();
  }

  static MigrationResult golden(Variant v, MigrationParams p) {
    Simulation sim = new Simulation(42, TraceMode.HASH_ONLY);
    return new Migration(sim, p, TcpParams.defaults(), v).start().runTo(Time.HOUR);
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyVariantMigratesWithoutFaults(Variant v) {
    MigrationResult r = golden(v, MigrationParams.defaults());
    assertThat(r.migrated()).as(r.toString()).isTrue();
    assertThat(golden(v, MigrationParams.defaults()).traceHash())
        .as("same scenario, same seed, same trace").isEqualTo(r.traceHash());
  }

  @Test
  void postcopyPhaseLastsRemainingBytesOverBandwidth() {
    // Back of the envelope: postcopy starts at precopy-time = 2 s, when 2 s x 1.25 GB/s of the
    // 4 GiB were streamed; what is left (plus the pages dirtied meanwhile, 100 MiB/s x 2 s)
    // crosses at 10 Gbit/s. Pages pushed x 4 KiB / 1.25 GB/s must match the postcopy phase.
    MigrationParams p = MigrationParams.defaults();
    MigrationResult r = golden(Variants.LEGACY, p);
    double pushedBytes = (double) (r.pagesPushed() + r.pagesRequested()) * (p.pageBytes() + 8);
    double expectedPhase = pushedBytes / 1.25e9;
    double phase = Time.toSeconds(r.totalTime() - p.precopyNanos());
    assertThat(phase).isCloseTo(expectedPhase, org.assertj.core.data.Percentage.withPercentage(5));
    double leftAtSwitch = (4L << 30) - 2.0 * 1.25e9 + 200.0 * (1 << 20);
    assertThat(pushedBytes).isCloseTo(leftAtSwitch,
        org.assertj.core.data.Percentage.withPercentage(5));
  }

  @Test
  void precopySwitchesOverWhenThePendingRamFitsTheDowntimeLimit() {
    // QEMU (migration_iteration_run) counts only the pending RAM against bandwidth x limit:
    // the downtime is that RAM's trip plus what QEMU does not count (1 MiB of device state,
    // 0.8 ms; the 50 ms load; latencies).
    MigrationResult r = golden(Variants.PRECOPY, MigrationParams.defaults());
    assertThat(r.downtime()).isPositive().isGreaterThan(Time.millis(50))
        .isLessThanOrEqualTo(Time.millis(300 + 1 + 50 + 1));
  }

  @Test
  void aDeviceLoadSlowerThanTheDowntimeLimitDoesNotKeepPrecopyFromConverging() {
    // Once the model counted the load in its estimate, and such a precopy never ended.
    MigrationParams p = MigrationParams.defaults().toBuilder().deviceLoadNanos(Time.millis(400))
        .dirtyBytesPerSecond(0).build();
    MigrationResult r = golden(Variants.PRECOPY, p);
    assertThat(r.migrated()).as(r.toString()).isTrue();
    assertThat(r.totalTime()).isLessThan(Time.seconds(10));
    assertThat(r.downtime()).isGreaterThan(Time.millis(400));
  }

  @Test
  void postcopyDowntimeIsAboutTheDeviceLoadPlusThePackageTrip() {
    // Downtime = package behind at most a socket buffer of RAM (4 MiB: 3.4 ms) + 1 MiB of
    // device state (0.8 ms) + 50 ms device load + latencies: between 50 and 60 ms.
    MigrationResult r = golden(Variants.LEGACY, MigrationParams.defaults());
    assertThat(r.downtime()).isBetween(Time.millis(50), Time.millis(60));
  }

  @Test
  void guestFaultsAreServedAndRecorded() {
    MigrationResult r = golden(Variants.POSTCOPY_DEVICE, MigrationParams.defaults());
    // A fault is served no faster than REQ_PAGES there and the page back: 2 x 250 us.
    assertThat(r.pagesRequested()).isPositive();
    assertThat(r.faultLatencyP50()).isGreaterThanOrEqualTo(Time.micros(500));
  }

  @Test
  void aPostcopyVariantWhosePrecopyConvergesFirstCompletesAsPrecopy() {
    // 1 GiB at 10 Gbit/s streams in 0.86 s; the pages dirtied meanwhile fit the downtime limit
    // long before migrate-start-postcopy at 2 s: QEMU completes in precopy, postcopy advised.
    MigrationParams p = MigrationParams.defaults().toBuilder().ramBytes(1L << 30)
        .workingSetBytes(256L << 20).build();
    MigrationResult r = golden(Variants.POSTCOPY_SETUP, p);
    assertThat(r.migrated()).as(r.toString()).isTrue();
    assertThat(r.totalTime()).isLessThan(p.precopyNanos());
    assertThat(r.pagesPushed()).isZero(); // no postcopy phase
  }
}
