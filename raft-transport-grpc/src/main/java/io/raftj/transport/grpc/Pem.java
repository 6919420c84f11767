package io.raftj.transport.grpc;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Reads an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) from PEM text. */
final class Pem {

  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private Pem() {}

  static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    int b = pem.indexOf(BEGIN);
    int e = pem.indexOf(END);
    if (b < 0 || e < b) {
      throw new GeneralSecurityException(
          "expected an unencrypted PKCS#8 key ("
              + BEGIN
              + "); convert with openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + BEGIN.length(), e));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException ex) {
        last = ex;
      }
    }
    throw last;
  }
}
