package io.raftj.transport.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the server ID a call's client certificate names into the call's {@link Context} ({@link
 * #PEER_ID}; 0 in plaintext mode). With TLS on, a call without a verified certificate is closed
 * {@code UNAUTHENTICATED} and counted. Thread-safe.
 */
final class Authenticator implements ServerInterceptor {

  /** The certified sender of the current call, 0 when not known (plaintext). */
  static final Context.Key<Long> PEER_ID = Context.keyWithDefault("raftj-peer-id", 0L);

  private final GrpcTransport transport;
  private final boolean tls;

  Authenticator(GrpcTransport transport, boolean tls) {
    this.transport = transport;
    this.tls = tls;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!tls) {
      return next.startCall(call, headers);
    }
    long id;
    try {
      id = certifiedId(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    } catch (SecurityException e) {
      transport.refuse("call", 0, 0, e.getMessage());
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(PEER_ID, id), call, headers, next);
  }

  private static long certifiedId(SSLSession session) {
    if (session == null) {
      throw new SecurityException("no TLS session");
    }
    Certificate[] certs;
    try {
      certs = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new SecurityException("no verified client certificate");
    }
    if (certs.length == 0 || !(certs[0] instanceof X509Certificate x)) {
      throw new SecurityException("no X.509 client certificate");
    }
    try {
      return PeerIdentity.of(x);
    } catch (IllegalArgumentException e) {
      throw new SecurityException(e.getMessage());
    }
  }
}
