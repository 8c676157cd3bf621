package io.postcopysim.core.kernel;

/** How much of a run the trace keeps. */
public enum TraceMode {
  /** Only the 64-bit hash: what an enumeration of thousands of cases needs. */
  HASH_ONLY,
  /** Every event: for replay timelines and sequence diagrams. */
  FULL
}
