package io.raftj.raft;

import com.google.protobuf.MessageOrBuilder;
import io.raftj.raft.internal.GoFormat;
import io.raftj.raft.raftpb.Entry;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;

/**
 * One-line display names for table-driven test cases. A record's own {@code toString} prints
 * protobuf values in Java's multi-line text format, which makes a parameterized test's name run
 * over many lines; here an entry prints as {@code term/index} (as etcd's test helpers build them)
 * and any other protobuf value in Go's compact text form.
 */
final class CaseNames {

  private CaseNames() {}

  /** {@code name=value, ...} over the record's components, on one line. */
  static String of(Record c) {
    StringBuilder sb = new StringBuilder();
    for (RecordComponent rc : c.getClass().getRecordComponents()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(rc.getName()).append('=');
      try {
        append(sb, rc.getAccessor().invoke(c));
      } catch (IllegalAccessException | InvocationTargetException e) {
        sb.append('?');
      }
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, Object v) {
    if (v instanceof Entry e) {
      sb.append(e.getTerm()).append('/').append(e.getIndex());
      if (e.hasType()) {
        sb.append(' ').append(e.getType());
      }
      if (e.hasData()) {
        sb.append(' ').append(GoFormat.quote(e.getData().toByteArray()));
      }
    } else if (v instanceof MessageOrBuilder m) {
      sb.append('{').append(GoFormat.format("%v", m)).append('}');
    } else if (v instanceof Collection<?> list) {
      sb.append('[');
      boolean first = true;
      for (Object o : list) {
        if (!first) {
          sb.append(' ');
        }
        first = false;
        append(sb, o);
      }
      sb.append(']');
    } else if (v != null && v.getClass().isArray()) {
      sb.append('[');
      for (int i = 0, n = Array.getLength(v); i < n; i++) {
        if (i > 0) {
          sb.append(' ');
        }
        append(sb, Array.get(v, i));
      }
      sb.append(']');
    } else {
      sb.append(v);
    }
  }
}
