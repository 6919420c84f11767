package io.raftj.examples.kv;

import io.raftj.raft.SnapshotStatus;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries raftpb messages between members over TCP: one persistent outgoing connection per peer,
 * each frame a 4-byte big-endian length and the message bytes. Plays the role of etcd's
 * {@code rafthttp} transport (peer.go, stream.go, pipeline.go, snapshot_sender.go) in a smaller
 * shape:
 *
 * <ol>
 *   <li>each peer has a bounded queue drained by its own thread, which writes whatever has queued
 *       up since its last write as one batch and one flush;
 *   <li>a full queue drops the message and reports the peer unreachable (as rafthttp does when its
 *       stream buffer is full), so Raft probes it again instead of the caller blocking;
 *   <li>a failed connect or write reports the peer unreachable, drops what was queued (Raft resends
 *       from its progress) and reconnects with exponential backoff from 50 ms to 1 s;
 *   <li>a MsgSnap is followed by ReportSnapshot: finish once it was written and flushed, failure
 *       if it could not be (rafthttp waits for the receiver's HTTP 204 instead).
 * </ol>
 *
 * Incoming connections are read by one thread each; every message goes to {@code inbound}, which
 * may block (back-pressure on that connection).
 */
final class PeerTransport implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);

  static final int QUEUE_CAPACITY = 4096;
  static final int MAX_FRAME_BYTES = 512 << 20;
  private static final int MAX_BATCH = 512;
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 1000;

  /** Receives the outcome of deliveries, as etcd's {@code Raft} interface in rafthttp does. */
  interface Reporter {
    void reportUnreachable(long id);

    void reportSnapshot(long id, SnapshotStatus status);
  }

  private final long selfId;
  private final ServerSocket server;
  private final Consumer<Message> inbound;
  private final Reporter reporter;
  private final TransportStats stats;
  private final Map<Long, PeerSender> senders = new ConcurrentHashMap<>();
  private final List<Socket> accepted = new ArrayList<>();
  private volatile boolean closed;

  /**
   * Binds the peer listener.
   *
   * @throws IOException if the address cannot be bound (a port in use is a {@link java.net.BindException})
   */
  PeerTransport(long selfId, InetSocketAddress listen, Consumer<Message> inbound, Reporter reporter,
      TransportStats stats) throws IOException {
    this.selfId = selfId;
    this.inbound = inbound;
    this.reporter = reporter;
    this.stats = stats;
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    try {
      s.bind(listen);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    this.server = s;
  }

  /** Starts accepting connections. */
  void start() {
    Thread t = new Thread(this::acceptLoop, "peer-accept");
    t.setDaemon(true);
    t.start();
  }

  /** Adds or re-addresses peer {@code id}. */
  void setPeer(long id, PeerUrl url) {
    if (id == selfId) {
      return;
    }
    PeerSender old = senders.get(id);
    if (old != null && old.url.equals(url)) {
      return;
    }
    PeerSender s = new PeerSender(id, url);
    old = senders.put(id, s);
    if (old != null) {
      old.stop();
    }
    s.start();
  }

  /** Forgets peer {@code id}; messages to it are dropped from now on. */
  void removePeer(long id) {
    PeerSender s = senders.remove(id);
    if (s != null) {
      s.stop();
    }
  }

  /** Queues messages for their peers; never blocks. */
  void send(List<Message> msgs) {
    for (int i = 0; i < msgs.size(); i++) {
      Message m = msgs.get(i);
      if (m.getTo() == selfId) {
        continue;
      }
      PeerSender s = senders.get(m.getTo());
      if (s == null) {
        stats.dropped.increment();
        if (LOG.isDebugEnabled()) {
          LOG.debug("dropping {} to unknown peer {}", m.getType(), Long.toHexString(m.getTo()));
        }
        continue;
      }
      s.enqueue(m);
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (PeerSender s : senders.values()) {
      s.stop();
    }
    synchronized (accepted) {
      for (Socket s : accepted) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("peer listener failed: {}", e.toString());
        }
        return;
      }
      synchronized (accepted) {
        accepted.add(s);
      }
      Thread t = new Thread(() -> readLoop(s), "peer-read-" + s.getRemoteSocketAddress());
      t.setDaemon(true);
      t.start();
    }
  }

  private void readLoop(Socket s) {
    try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 << 10))) {
      s.setTcpNoDelay(true);
      while (!closed) {
        int len;
        try {
          len = in.readInt();
        } catch (EOFException eof) {
          return;
        }
        if (len < 0 || len > MAX_FRAME_BYTES) {
          LOG.warn("closing peer connection from {}: frame length {} out of range", s.getRemoteSocketAddress(), len);
          return;
        }
        byte[] buf = new byte[len];
        in.readFully(buf);
        Message m = Message.parseFrom(buf);
        stats.received.increment();
        stats.bytesReceived.add(len + 4L);
        if (m.getType() == MessageType.MsgApp) {
          stats.appendReceived.increment();
        }
        inbound.accept(m);
      }
    } catch (SocketException e) {
      // closed by us or the peer
    } catch (IOException e) {
      if (!closed) {
        LOG.warn("peer connection from {} failed: {}", s.getRemoteSocketAddress(), e.toString());
      }
    } finally {
      synchronized (accepted) {
        accepted.remove(s);
      }
    }
  }

  /** The queue and the writing thread for one peer. */
  private final class PeerSender {
    final long id;
    final PeerUrl url;
    final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    final Thread thread;
    volatile boolean stopped;
    Socket socket;
    DataOutputStream out;
    boolean wasConnected = true;

    PeerSender(long id, PeerUrl url) {
      this.id = id;
      this.url = url;
      this.thread = new Thread(this::run, "peer-send-" + Long.toHexString(id));
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void stop() {
      stopped = true;
      thread.interrupt();
      closeSocket();
    }

    void enqueue(Message m) {
      if (!queue.offer(m)) {
        drop(m);
        reporter.reportUnreachable(id);
      }
    }

    private void drop(Message m) {
      stats.dropped.increment();
      if (m.getType() == MessageType.MsgSnap) {
        reporter.reportSnapshot(id, SnapshotStatus.SNAPSHOT_FAILURE);
      }
    }

    private void run() {
      List<Message> batch = new ArrayList<>(MAX_BATCH);
      long backoff = MIN_BACKOFF_MS;
      while (!stopped) {
        try {
          batch.add(queue.take());
        } catch (InterruptedException e) {
          break;
        }
        queue.drainTo(batch, MAX_BATCH - 1);
        try {
          connect();
          writeBatch(batch);
          backoff = MIN_BACKOFF_MS;
        } catch (IOException e) {
          if (stopped) {
            break;
          }
          if (wasConnected) {
            LOG.warn("lost connection to peer {} at {}: {}", Long.toHexString(id), url, e.toString());
            wasConnected = false;
          }
          closeSocket();
          for (Message m : batch) {
            drop(m);
          }
          List<Message> stale = new ArrayList<>();
          queue.drainTo(stale);
          for (Message m : stale) {
            drop(m);
          }
          reporter.reportUnreachable(id);
          try {
            TimeUnit.MILLISECONDS.sleep(backoff); // reconnect backoff, not synchronisation
          } catch (InterruptedException ie) {
            break;
          }
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
        batch.clear();
      }
      closeSocket();
    }

    private void connect() throws IOException {
      if (out != null) {
        return;
      }
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.connect(url.address(), 1000);
      } catch (IOException e) {
        s.close();
        throw e;
      }
      socket = s;
      out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 64 << 10));
      if (!wasConnected) {
        LOG.info("connected to peer {} at {}", Long.toHexString(id), url);
      }
      wasConnected = true;
    }

    private void writeBatch(List<Message> batch) throws IOException {
      DataOutputStream out = this.out;
      if (out == null) {
        throw new IOException("connection closed");
      }
      boolean hasSnap = false;
      for (int i = 0; i < batch.size(); i++) {
        Message m = batch.get(i);
        int size = m.getSerializedSize();
        out.writeInt(size);
        m.writeTo(out);
        stats.sent.increment();
        stats.bytesSent.add(size + 4L);
        if (m.getType() == MessageType.MsgApp) {
          stats.appendSent.increment();
        } else if (m.getType() == MessageType.MsgSnap) {
          hasSnap = true;
        }
      }
      out.flush();
      if (hasSnap) {
        for (int i = 0; i < batch.size(); i++) {
          if (batch.get(i).getType() == MessageType.MsgSnap) {
            LOG.info("sent snapshot at index {} to peer {}", batch.get(i).getSnapshot().getMetadata().getIndex(),
                Long.toHexString(id));
            reporter.reportSnapshot(id, SnapshotStatus.SNAPSHOT_FINISH);
          }
        }
      }
    }

    private synchronized void closeSocket() {
      out = null;
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // already failing
        }
        socket = null;
      }
    }
  }
}
