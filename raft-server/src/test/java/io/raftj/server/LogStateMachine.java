package io.raftj.server;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A state machine that keeps every command it applied, in order: members agree exactly when their
 * lists are equal. Results are the command's position in the list. Queries: "size" gives the number
 * of commands, "all" a copy of them, an Integer gives the command at that position.
 */
final class LogStateMachine implements StateMachine {

  final List<ByteString> commands = new ArrayList<>();
  int restores;

  /** The number of commands the newest restored snapshot held. */
  int restoredCommands;

  int snapshots;

  /** The number of commands in each snapshot this machine captured, in order. */
  final List<Integer> snapshotSizes = new ArrayList<>();

  @Override
  public void apply(ApplyBatch batch) {
    for (int i = 0; i < batch.size(); i++) {
      commands.add(batch.data(i));
      batch.setResult(i, commands.size() - 1);
    }
  }

  @Override
  public SnapshotWriter snapshot() {
    snapshots++;
    snapshotSizes.add(commands.size());
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
    restoredCommands = n;
    commands.clear();
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[d.readInt()];
      d.readFully(b);
      commands.add(ByteString.copyFrom(b));
    }
  }

  @Override
  public Object query(Object query) {
    if ("size".equals(query)) {
      return commands.size();
    }
    if ("all".equals(query)) {
      return List.copyOf(commands);
    }
    return commands.get((Integer) query);
  }
}
