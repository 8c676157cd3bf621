package io.postcopysim.core.net;

/** How an endpoint learns that its connection is gone, as Linux reports it on read or write. */
public enum SocketError {
  /** The peer closed (FIN): read returns 0 once every byte before it was read. */
  EOF,
  /** The peer's kernel answered with RST (process gone, socket aborted) or a middlebox reset. */
  ECONNRESET,
  /** Retransmission give-up, TCP_USER_TIMEOUT or keepalive ran out. */
  ETIMEDOUT
}
