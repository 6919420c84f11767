package io.raftj.transport.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.function.LongPredicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Mutual TLS between servers: this server's certificate and key, and the certificate authorities
 * whose certificates identify peers. Each certificate names its server with a subject alternative
 * name URI {@code raftj://server/<id>} ({@link PeerIdentity}). Both ends check the other: a client
 * accepts a server only if its certificate names the ID it dialled; a server requires a client
 * certificate and checks the ID it names against the sender each frame claims. Host names are not
 * checked: the ID in a certificate from the trusted authority is what authenticates a peer.
 * Immutable.
 */
public final class TlsConfig {

  private final KeyManager keyManager;
  private final X509TrustManager trust;
  private final long certifiedId;

  private TlsConfig(KeyManager keyManager, X509TrustManager trust, long certifiedId) {
    this.keyManager = keyManager;
    this.trust = trust;
    this.certifiedId = certifiedId;
  }

  /**
   * Reads PEM files as etcd's {@code --peer-cert-file}, {@code --peer-key-file} and {@code
   * --peer-trusted-ca-file} name them: a certificate chain, its PKCS#8 private key, and the trusted
   * authorities.
   *
   * @throws IOException if a file cannot be read or parsed
   */
  public static TlsConfig fromPem(Path certChain, Path privateKey, Path trustedCa)
      throws IOException {
    try {
      X509Certificate[] chain = readCertificates(certChain).toArray(X509Certificate[]::new);
      if (chain.length == 0) {
        throw new IOException("no certificate in " + certChain);
      }
      java.security.PrivateKey key = Pem.privateKey(Files.readString(privateKey));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] none = new char[0];
      ks.setKeyEntry("server", key, none, chain);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      return new TlsConfig(
          kmf.getKeyManagers()[0],
          trustManager(readCertificates(trustedCa)),
          PeerIdentity.of(chain[0]));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load TLS material: " + e.getMessage(), e);
    }
  }

  /**
   * Uses a key manager and the trusted authorities' certificates as they are. The local
   * certificate's identity is not known here, so it is checked only by the peers.
   */
  public static TlsConfig of(KeyManager keyManager, Collection<X509Certificate> trustedCa)
      throws GeneralSecurityException {
    return new TlsConfig(keyManager, trustManager(trustedCa), 0);
  }

  /** The server ID this configuration's certificate names, or 0 if unknown. */
  public long certifiedId() {
    return certifiedId;
  }

  ServerCredentials serverCredentials(LongPredicate knownPeer, Runnable onRefused) {
    return TlsServerCredentials.newBuilder()
        .keyManager(keyManager)
        .trustManager(IdentityTrustManager.forClients(trust, knownPeer, onRefused))
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  ChannelCredentials channelCredentials(long expectedPeer) {
    return TlsChannelCredentials.newBuilder()
        .keyManager(keyManager)
        .trustManager(IdentityTrustManager.forServer(trust, expectedPeer))
        .build();
  }

  private static Collection<X509Certificate> readCertificates(Path pem)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      return certs.stream().map(c -> (X509Certificate) c).toList();
    }
  }

  private static X509TrustManager trustManager(Collection<X509Certificate> cas)
      throws GeneralSecurityException {
    if (cas.isEmpty()) {
      throw new GeneralSecurityException("no trusted certificate authority");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int i = 0;
    for (X509Certificate ca : cas) {
      ks.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }
}
