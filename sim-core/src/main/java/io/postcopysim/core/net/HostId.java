package io.postcopysim.core.net;

/** The two QEMU hosts. {@link #kernelId()} is the host number the kernel's trace records. */
public enum HostId {
  SOURCE("src"),
  DESTINATION("dst");

  /** Kernel host number for events that belong to the network itself (a middlebox reset). */
  public static final int NETWORK = 0;

  private final String shortName;

  HostId(String shortName) {
    this.shortName = shortName;
  }

  public String shortName() {
    return shortName;
  }

  public int kernelId() {
    return ordinal() + 1;
  }

  public HostId peer() {
    return this == SOURCE ? DESTINATION : SOURCE;
  }

  public static String nameOfKernelId(int id) {
    return id == NETWORK ? "net" : values()[id - 1].shortName;
  }
}
