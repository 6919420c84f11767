package io.raftj.examples.kv;

import io.raftj.transport.grpc.PeerIdentity;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority writing PEM files as an operator would (docs/operations.md): a
 * member's certificate names it with {@code raftj://server/<id>} and {@code IP:127.0.0.1}.
 */
final class TestCerts {

  private static final AtomicLong SERIAL = new AtomicLong(1);

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  TestCerts(Path dir) throws Exception {
    this.dir = dir;
    caKeys = keyPair();
    X500Name subject = new X500Name("CN=raftj test ca");
    JcaX509v3CertificateBuilder b = builder(subject, subject, caKeys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    ca =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    Files.writeString(caFile(), pem("CERTIFICATE", ca.getEncoded()));
  }

  Path caFile() {
    return dir.resolve("ca.crt");
  }

  Path certFile(String name) {
    return dir.resolve(name + ".crt");
  }

  Path keyFile(String name) {
    return dir.resolve(name + ".key");
  }

  /** Issues {@code name}.crt and {@code name}.key for member {@code id} (0: a plain client). */
  void issue(String name, long id) throws Exception {
    KeyPair keys = keyPair();
    JcaX509v3CertificateBuilder b =
        builder(new X500Name("CN=raftj test ca"), new X500Name("CN=" + name), keys);
    GeneralName ip = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        id == 0
            ? new GeneralNames(ip)
            : new GeneralNames(
                new GeneralName[] {
                  new GeneralName(GeneralName.uniformResourceIdentifier, PeerIdentity.uri(id)), ip
                }));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    b.addExtension(
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    Files.writeString(certFile(name), pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile(name), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    if (id == 0) {
      clientKeys = keys;
      clientCert = cert;
    }
  }

  private KeyPair clientKeys;
  private X509Certificate clientCert;

  /**
   * A client context trusting the authority, presenting the last plain client certificate issued
   * (if any).
   */
  SSLContext clientContext(boolean withCertificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (withCertificate) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = "test".toCharArray();
      ks.setKeyEntry("client", clientKeys.getPrivate(), pw, new X509Certificate[] {clientCert, ca});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  /** The flags of member {@code id}: peer and client TLS from the files issued for it. */
  List<String> memberFlags(long id) {
    String n = "node" + id;
    return List.of(
        "--peer-cert-file",
        certFile(n).toString(),
        "--peer-key-file",
        keyFile(n).toString(),
        "--peer-trusted-ca-file",
        caFile().toString(),
        "--peer-client-cert-auth",
        "--cert-file",
        certFile(n).toString(),
        "--key-file",
        keyFile(n).toString(),
        "--trusted-ca-file",
        caFile().toString(),
        "--client-cert-auth");
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        new Date(System.currentTimeMillis() - 60_000),
        new Date(System.currentTimeMillis() + 86_400_000L),
        subject,
        keys.getPublic());
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
