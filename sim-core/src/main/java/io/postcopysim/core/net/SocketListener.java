package io.postcopysim.core.net;

/** What the application (a QEMU thread) learns from its socket. */
public interface SocketListener {
  /** A whole message was read. */
  void onMessage(Message message);

  /** The connection failed; called at most once per endpoint. */
  void onError(SocketError error);

  /** Ignores everything: for an endpoint whose reader is not modelled. */
  SocketListener IGNORE = new SocketListener() {
    @Override
    public void onMessage(Message message) {}

    @Override
    public void onError(SocketError error) {}
  };
}
