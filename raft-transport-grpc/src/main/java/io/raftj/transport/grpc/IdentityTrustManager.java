package io.raftj.transport.grpc;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.LongPredicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Validates a peer's chain against the trusted authorities, then checks the server ID its
 * certificate names ({@link PeerIdentity}) instead of a host name: a client accepts only the server
 * it dialled; a server accepts only clients that name a known member. Thread-safe.
 */
final class IdentityTrustManager extends X509ExtendedTrustManager {

  private final X509TrustManager chains;
  private final LongPredicate accept;
  private final boolean clients;
  private final Runnable onRefused;

  private IdentityTrustManager(
      X509TrustManager chains, LongPredicate accept, boolean clients, Runnable onRefused) {
    this.chains = chains;
    this.accept = accept;
    this.clients = clients;
    this.onRefused = onRefused;
  }

  /**
   * For a server: clients must present a certificate naming an ID {@code knownPeer} accepts; {@code
   * onRefused} runs for each one refused.
   */
  static IdentityTrustManager forClients(
      X509TrustManager chains, LongPredicate knownPeer, Runnable onRefused) {
    return new IdentityTrustManager(chains, knownPeer, true, onRefused);
  }

  /** For a client dialling {@code expected}: the server's certificate must name it. */
  static IdentityTrustManager forServer(X509TrustManager chains, long expected) {
    return new IdentityTrustManager(chains, id -> id == expected, false, () -> {});
  }

  private void check(X509Certificate[] chain, String authType, boolean client)
      throws CertificateException {
    try {
      verify(chain, authType, client);
    } catch (CertificateException e) {
      onRefused.run();
      throw e;
    }
  }

  private void verify(X509Certificate[] chain, String authType, boolean client)
      throws CertificateException {
    if (client != clients) {
      throw new CertificateException("unexpected peer role");
    }
    if (client) {
      chains.checkClientTrusted(chain, authType);
    } else {
      chains.checkServerTrusted(chain, authType);
    }
    long id;
    try {
      id = PeerIdentity.of(chain[0]);
    } catch (IllegalArgumentException e) {
      throw new CertificateException(e.getMessage(), e);
    }
    if (!accept.test(id)) {
      throw new CertificateException(
          "certificate names server "
              + Long.toUnsignedString(id)
              + (clients ? ", not a member" : ", not the server dialled"));
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, authType, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, authType, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, authType, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, authType, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType, false);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chains.getAcceptedIssuers();
  }
}
