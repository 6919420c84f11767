package io.raftj.transport.grpc;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway certificate authority issuing server certificates, in memory. */
final class TestCerts {

  private static final AtomicLong SERIAL = new AtomicLong(1);

  final KeyPair caKeys;
  final X509Certificate ca;

  TestCerts(String name) throws Exception {
    caKeys = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject,
            serial(),
            new Date(System.currentTimeMillis() - 60_000),
            new Date(System.currentTimeMillis() + 86_400_000L),
            subject,
            caKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    ca = sign(b, caKeys);
  }

  /** Material for a server whose certificate names {@code certifiedId}. */
  TlsConfig server(long certifiedId) throws Exception {
    Issued issued = issue(certifiedId);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "test".toCharArray();
    ks.setKeyEntry(
        "server", issued.keys().getPrivate(), pw, new X509Certificate[] {issued.cert(), ca});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    return TlsConfig.of(kmf.getKeyManagers()[0], List.of(ca));
  }

  /** The same material through PEM files in {@code dir}, read back by {@link TlsConfig#fromPem}. */
  TlsConfig pem(long certifiedId, Path dir) throws Exception {
    Issued issued = issue(certifiedId);
    Path cert = dir.resolve("server-" + certifiedId + ".crt");
    Path key = dir.resolve("server-" + certifiedId + ".key");
    Path trusted = dir.resolve("ca.crt");
    Files.writeString(
        cert, pem("CERTIFICATE", issued.cert().getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", issued.keys().getPrivate().getEncoded()));
    Files.writeString(trusted, pem("CERTIFICATE", ca.getEncoded()));
    return TlsConfig.fromPem(cert, key, trusted);
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

  record Issued(KeyPair keys, X509Certificate cert) {}

  Issued issue(long certifiedId) throws Exception {
    KeyPair keys = keyPair();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=" + ca.getSubjectX500Principal().getName().substring(3)), serial(),
            new Date(System.currentTimeMillis() - 60_000),
                new Date(System.currentTimeMillis() + 86_400_000L),
            new X500Name("CN=raftj server " + Long.toUnsignedString(certifiedId)),
                keys.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName(GeneralName.uniformResourceIdentifier, PeerIdentity.uri(certifiedId))));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    return new Issued(keys, sign(b, caKeys));
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair issuer)
      throws Exception {
    ContentSigner signer =
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }
}
