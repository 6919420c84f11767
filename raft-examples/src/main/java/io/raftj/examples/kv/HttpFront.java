package io.raftj.examples.kv;

import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufUtil;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelDuplexHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.TooLongFrameException;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderValues;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMessage;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.LastHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.grpc.netty.shaded.io.netty.handler.codec.http.TooLongHttpLineException;
import io.grpc.netty.shaded.io.netty.handler.flow.FlowControlHandler;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.timeout.IdleStateEvent;
import io.grpc.netty.shaded.io.netty.handler.timeout.IdleStateHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client API's HTTP/1.1 server, on the Netty that grpc-java already brings (the classes {@code
 * grpc-netty-shaded} relocates under {@code io.grpc.netty.shaded}); see docs/operations.md, "The
 * HTTP server", for why. Event loops never block: a request is read in full, handed to the handler,
 * and answered when its future completes, so slow clients hold sockets and buffers but never
 * threads.
 *
 * <p>Limits: a request line of {@link Limits#maxLineBytes} (414), headers of {@link
 * Limits#maxHeaderBytes} (431), a body of {@link Limits#maxBodyBytes} (413); a request must arrive
 * in full within {@link Limits#readTimeout} of its first byte (else the connection is closed), and
 * a connection idle for {@link Limits#idleTimeout} is closed. One request at a time per connection:
 * reading pauses until the answer is written, and requests a client pipelined into one read wait in
 * a {@link FlowControlHandler} for their turn, so answers keep request order.
 */
final class HttpFront implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);

  /**
   * The server's limits.
   *
   * @param maxLineBytes the longest request line
   * @param maxHeaderBytes the largest header block
   * @param maxBodyBytes the largest body
   * @param readTimeout how long a request may take to arrive, from its first byte
   * @param idleTimeout how long a connection may stay idle
   */
  record Limits(
      int maxLineBytes,
      int maxHeaderBytes,
      int maxBodyBytes,
      Duration readTimeout,
      Duration idleTimeout) {}

  private final EventLoopGroup boss =
      new MultiThreadIoEventLoopGroup(
          1, daemonThreads("kv-http-accept"), NioIoHandler.newFactory());
  private final EventLoopGroup workers =
      new MultiThreadIoEventLoopGroup(2, daemonThreads("kv-http"), NioIoHandler.newFactory());
  private final Channel channel;

  /**
   * Binds {@code address}.
   *
   * @param tls the TLS context, or null for plaintext
   * @param handler answers each request; called on an event loop, must not block
   * @throws IOException if the address cannot be bound (a {@link java.net.BindException} when the
   *     port is in use)
   */
  HttpFront(
      InetSocketAddress address,
      SslContext tls,
      Limits limits,
      Function<Request, CompletableFuture<Response>> handler)
      throws IOException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                    }
                    long idle = limits.idleTimeout().toMillis();
                    ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                        .addLast("deadline", new RequestDeadline(limits.readTimeout()))
                        .addLast(
                            "codec",
                            new HttpServerCodec(
                                limits.maxLineBytes(), limits.maxHeaderBytes(), 1 << 16))
                        .addLast("aggregate", new Aggregator(limits.maxBodyBytes()))
                        // requests pipelined into one read wait here for the previous answer
                        .addLast("one-at-a-time", new FlowControlHandler())
                        .addLast("api", new ApiHandler(handler));
                  }
                });
    ChannelFuture bound = b.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      shutdown();
      Throwable c = bound.cause();
      throw c instanceof IOException io ? io : new IOException(c);
    }
    channel = bound.channel();
  }

  /**
   * A TLS context from PEM files, as {@code --cert-file}, {@code --key-file} and friends name them.
   */
  static SslContext tlsContext(ServerFlags.TlsFiles files) throws IOException {
    try {
      SslContextBuilder b =
          SslContextBuilder.forServer(files.certFile().toFile(), files.keyFile().toFile());
      if (files.trustedCaFile() != null) {
        b.trustManager(files.trustedCaFile().toFile());
      }
      b.clientAuth(files.clientCertAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
      return b.build();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(
          "cannot load the client TLS files "
              + files.certFile()
              + ", "
              + files.keyFile()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The JDK TLS context a member uses to forward requests to the leader's client API: trusts {@code
   * --trusted-ca-file} and, when client certificates are required, presents this member's own
   * certificate.
   */
  static javax.net.ssl.SSLContext forwardingTls(ServerFlags.TlsFiles files) throws IOException {
    try {
      SslContextBuilder b =
          SslContextBuilder.forClient()
              .sslProvider(io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider.JDK);
      if (files.trustedCaFile() != null) {
        b.trustManager(files.trustedCaFile().toFile());
      }
      if (files.clientCertAuth()) {
        b.keyManager(files.certFile().toFile(), files.keyFile().toFile());
      }
      return ((io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext) b.build()).context();
    } catch (Exception e) {
      throw new IOException("cannot load the client TLS files: " + e.getMessage(), e);
    }
  }

  /** The bound address (its port when bound to port 0). */
  InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    shutdown();
  }

  private void shutdown() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void send(ChannelHandlerContext ctx, Response r, boolean keepAlive) {
    FullHttpResponse resp = httpResponse(r, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(resp)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      f.channel().close();
                      return;
                    }
                    RequestDeadline d = f.channel().pipeline().get(RequestDeadline.class);
                    if (d != null) {
                      d.answered();
                    }
                    f.channel().config().setAutoRead(true);
                  });
    } else {
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse httpResponse(Response r, boolean keepAlive) {
    FullHttpResponse resp =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.body()));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    resp.headers()
        .set(
            HttpHeaderNames.CONNECTION,
            keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    return resp;
  }

  /**
   * Closes a connection whose request takes longer than the read timeout to arrive (counted from
   * its first byte), and any connection idle for the idle timeout. A slow client thus holds a
   * socket for a bounded time, and no thread at all.
   *
   * <p>The timer starts only when a read ends with a request still incomplete: a request that
   * arrives in one read (nearly all of them) is answered without scheduling and cancelling a timer.
   */
  private static final class RequestDeadline extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private boolean waitingForAnswer;
    private boolean partial; // bytes of a request arrived, the request is not complete
    private long firstByteNanos;

    RequestDeadline(Duration timeout) {
      this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!partial && !waitingForAnswer) {
        partial = true;
        firstByteNanos = System.nanoTime();
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (partial && timer == null) {
        long left = timeoutNanos - (System.nanoTime() - firstByteNanos);
        timer =
            ctx.executor()
                .schedule(
                    () -> {
                      LOG.debug(
                          "closing {}: request not received within the read timeout",
                          ctx.channel().remoteAddress());
                      ctx.close();
                    },
                    Math.max(0, left),
                    TimeUnit.NANOSECONDS);
      }
      ctx.fireChannelReadComplete();
    }

    /** The whole request arrived: stop the clock until the answer is written. */
    void received() {
      stopClock();
      waitingForAnswer = true;
    }

    /** The rest of an oversized request's body arrived and was dropped (answered already). */
    void bodyDropped() {
      stopClock();
    }

    private void stopClock() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      partial = false;
    }

    void answered() {
      waitingForAnswer = false;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent && !waitingForAnswer) {
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (timer != null) {
        timer.cancel(false);
      }
      super.channelInactive(ctx);
    }
  }

  /**
   * Aggregates bodies, answering an oversized one with the API's 413.
   *
   * <p>The answer goes out at once, but the connection is not closed before the rest of the body
   * has been read (and dropped): a close with unread data in the socket's receive buffer sends a
   * reset, which can destroy the 413 on its way to a client still writing its body, and the client
   * would see a broken connection instead of the answer. A keep-alive connection then serves the
   * next request; any other closes. The read deadline, running since the request's first byte,
   * bounds how long a client may take to send the rest.
   */
  private static final class Aggregator extends HttpObjectAggregator {
    private final int max;
    private boolean dropping;
    private boolean closeAfterDrop;
    private ChannelFuture answer;

    Aggregator(int max) {
      super(max);
      this.max = max;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      super.channelRead(ctx, msg);
      if (dropping && msg instanceof LastHttpContent) {
        dropping = false;
        RequestDeadline d = ctx.pipeline().get(RequestDeadline.class);
        if (d != null) {
          d.bodyDropped();
        }
        if (closeAfterDrop) {
          answer.addListener(ChannelFutureListener.CLOSE);
        }
      }
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      dropping = true;
      closeAfterDrop = !HttpUtil.isKeepAlive(oversized);
      Response r =
          Response.error(
              413,
              ApiError.TOO_LARGE,
              "request body too large: at most " + max + " bytes (--max-value-bytes)",
              0);
      answer = ctx.writeAndFlush(httpResponse(r, !closeAfterDrop));
      answer.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }

  /** Hands complete requests to the API and writes its answers. */
  private static final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Function<Request, CompletableFuture<Response>> handler;

    ApiHandler(Function<Request, CompletableFuture<Response>> handler) {
      this.handler = handler;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      RequestDeadline deadline = ctx.pipeline().get(RequestDeadline.class);
      if (deadline != null) {
        deadline.received();
      }
      if (msg.decoderResult().isFailure()) {
        Throwable cause = msg.decoderResult().cause();
        Response r;
        if (cause instanceof TooLongHttpHeaderException) {
          r = Response.error(431, ApiError.HEADERS_TOO_LARGE, "request headers too large", 0);
        } else if (cause instanceof TooLongHttpLineException) {
          r = Response.error(414, ApiError.URI_TOO_LONG, "request line too long", 0);
        } else if (cause instanceof TooLongFrameException) {
          r = Response.error(413, ApiError.TOO_LARGE, "request too large", 0);
        } else {
          r = Response.error(400, ApiError.BAD_REQUEST, "malformed HTTP request: " + cause, 0);
        }
        send(ctx, r, false);
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(msg);
      String uri = msg.uri();
      QueryStringDecoder q = new QueryStringDecoder(uri);
      int mark = uri.indexOf('?');
      Request req =
          new Request(
              msg.method().name(),
              q.rawPath(),
              mark < 0 ? null : uri.substring(mark + 1),
              ByteBufUtil.getBytes(msg.content()),
              msg.headers().contains(LeaderProxy.FORWARDED_HEADER));
      ctx.channel().config().setAutoRead(false);
      CompletableFuture<Response> answer;
      try {
        answer = handler.apply(req);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete(
          (r, e) -> {
            if (e != null) {
              LOG.warn("request {} {} failed", req.method(), req.rawPath(), e);
              r = Response.error(500, ApiError.INTERNAL, "internal error: " + e, 0);
            }
            send(ctx, r, keepAlive);
          });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
