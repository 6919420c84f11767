package io.raftj.transport.grpc;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * A server's identity as its certificate states it: a subject alternative name URI {@code
 * raftj://server/<id>}, the ID in unsigned decimal. Exactly one such URI is allowed, so a
 * certificate names one server. Stateless.
 */
public final class PeerIdentity {

  /** The URI scheme of server identities. */
  public static final String SCHEME = "raftj";

  /** The SAN type number of a URI (RFC 5280 §4.2.1.6). */
  private static final int SAN_URI = 6;

  private PeerIdentity() {}

  /** The identity URI of server {@code id}, e.g. {@code raftj://server/7}. */
  public static String uri(long id) {
    return SCHEME + "://server/" + Long.toUnsignedString(id);
  }

  /**
   * The server ID {@code cert} was issued to.
   *
   * @throws IllegalArgumentException if it names no server, or more than one
   */
  public static long of(X509Certificate cert) {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("unreadable subject alternative names", e);
    }
    long found = 0;
    if (sans != null) {
      for (List<?> san : sans) {
        if (((Integer) san.get(0)) == SAN_URI) {
          long id = parse(String.valueOf(san.get(1)));
          if (id != 0 && found != 0) {
            throw new IllegalArgumentException(
                "certificate names two servers: "
                    + Long.toUnsignedString(found)
                    + " and "
                    + Long.toUnsignedString(id));
          }
          found = id != 0 ? id : found;
        }
      }
    }
    if (found == 0) {
      throw new IllegalArgumentException(
          "certificate of "
              + cert.getSubjectX500Principal()
              + " has no subject alternative name "
              + SCHEME
              + "://server/<id>");
    }
    return found;
  }

  /** The server ID in {@code uri}, or 0 if it is not a server identity. */
  static long parse(String uri) {
    URI u;
    try {
      u = new URI(uri);
    } catch (java.net.URISyntaxException e) {
      return 0;
    }
    if (!SCHEME.equalsIgnoreCase(u.getScheme()) || !"server".equals(u.getHost())) {
      return 0;
    }
    String path = u.getPath();
    if (path == null || !path.startsWith("/")) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(path.substring(1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
