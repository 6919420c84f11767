package io.raftj.transport.grpc;

import com.google.protobuf.ByteString;
import io.raftj.server.ApplyBatch;
import io.raftj.server.SnapshotWriter;
import io.raftj.server.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Keeps every command applied. Queries: "count" (commands), "bytes" (their total size), "digest" (a
 * CRC of all of them in order), "restores".
 */
final class BytesStateMachine implements StateMachine {

  private final List<ByteString> commands = new ArrayList<>();
  private long bytes;
  private int restores;

  @Override
  public void apply(ApplyBatch batch) {
    for (int i = 0; i < batch.size(); i++) {
      commands.add(batch.data(i));
      bytes += batch.data(i).size();
      batch.setResult(i, commands.size());
    }
  }

  @Override
  public SnapshotWriter snapshot() {
    List<ByteString> view = List.copyOf(commands);
    return out -> {
      DataOutputStream d = new DataOutputStream(out);
      d.writeInt(view.size());
      for (ByteString c : view) {
        d.writeInt(c.size());
        c.writeTo(d);
      }
      d.flush();
    };
  }

  @Override
  public void restore(InputStream in) throws IOException {
    restores++;
    DataInputStream d = new DataInputStream(in);
    int n = d.readInt();
    commands.clear();
    bytes = 0;
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[d.readInt()];
      d.readFully(b);
      commands.add(ByteString.copyFrom(b));
      bytes += b.length;
    }
  }

  @Override
  public Object query(Object query) {
    switch (String.valueOf(query)) {
      case "count":
        return commands.size();
      case "bytes":
        return bytes;
      case "restores":
        return restores;
      case "digest":
        CRC32C crc = new CRC32C();
        for (ByteString c : commands) {
          crc.update(c.asReadOnlyByteBuffer());
        }
        return crc.getValue();
      default:
        throw new IllegalArgumentException("unknown query " + query);
    }
  }
}
