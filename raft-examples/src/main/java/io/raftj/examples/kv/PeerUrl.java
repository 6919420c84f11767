package io.raftj.examples.kv;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A member's peer URL: {@code http://host:port} for plaintext, {@code https://host:port} with peer
 * TLS, or a bare {@code host:port} (plaintext). Members speak raftj's gRPC transport on it.
 *
 * @param text the URL as given
 * @param host the host
 * @param port the TCP port
 */
record PeerUrl(String text, String host, int port) {

  /**
   * Parses a peer URL.
   *
   * @throws IllegalArgumentException naming the URL if it is malformed
   */
  static PeerUrl parse(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("malformed peer URL \"\": want http://host:port");
    }
    String t = s.trim();
    String withScheme = t.contains("://") ? t : "tcp://" + t;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed peer URL \"" + s + "\": want http://host:port");
    }
    String scheme = uri.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme) || "tcp".equals(scheme))
        || uri.getHost() == null
        || uri.getPort() <= 0
        || uri.getPort() > 65535
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
        || uri.getQuery() != null) {
      throw new IllegalArgumentException("malformed peer URL \"" + s + "\": want http://host:port");
    }
    return new PeerUrl(t, uri.getHost(), uri.getPort());
  }

  /** Whether the URL asks for TLS ({@code https}). */
  boolean tls() {
    return text.startsWith("https://");
  }

  InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return text;
  }
}
