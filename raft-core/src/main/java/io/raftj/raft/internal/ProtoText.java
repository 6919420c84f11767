package io.raftj.raft.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a protobuf message in the one-line text form Go prints for {@code %v} of a message
 * (etcd's raftpb types are Go protobuf messages, whose {@code String()} is the compact {@code
 * prototext} form): {@code voters:1 voters:2 auto_leave:false}.
 *
 * <p>The rules, each of which shows in etcd's log lines: fields in declaration order; a singular
 * field only when present (field presence is behaviour: a {@code ConfState} whose {@code
 * auto_leave} was never set prints without it); one {@code name:value} per element of a repeated
 * field; nested messages as {@code name:{...}}; enums by name; 64- and 32-bit unsigned kinds
 * unsigned; strings and bytes double-quoted with Go's escapes; unknown fields last, by number; one
 * space between fields and none at the ends. Java's {@code TextFormat} differs on all of the layout
 * points (it writes one field per line).
 */
final class ProtoText {

  private ProtoText() {}

  /** The compact one-line text form of {@code m}. */
  static String compact(MessageOrBuilder m) {
    StringBuilder out = new StringBuilder(64);
    appendMessage(out, m);
    return out.toString();
  }

  private static void appendMessage(StringBuilder out, MessageOrBuilder m) {
    for (FieldDescriptor fd : m.getDescriptorForType().getFields()) {
      if (fd.isRepeated()) {
        List<?> values = (List<?>) m.getField(fd);
        for (Object v : values) {
          appendName(out, fd.getName());
          appendValue(out, fd, v);
        }
      } else if (m.hasField(fd)) {
        appendName(out, fd.getName());
        appendValue(out, fd, m.getField(fd));
      }
    }
    appendUnknown(out, m.getUnknownFields());
  }

  private static void appendName(StringBuilder out, String name) {
    int last = out.length() - 1;
    if (last >= 0 && out.charAt(last) != '{') {
      out.append(' ');
    }
    out.append(name).append(':');
  }

  private static void appendValue(StringBuilder out, FieldDescriptor fd, Object v) {
    switch (fd.getType()) {
      case UINT64:
      case FIXED64:
        out.append(Long.toUnsignedString((Long) v));
        break;
      case UINT32:
      case FIXED32:
        out.append(Integer.toUnsignedString((Integer) v));
        break;
      case ENUM:
        // raft.proto is proto2: its enums are closed, so a number the descriptor does not know
        // is parsed into the unknown fields, never into the field.
        out.append(((EnumValueDescriptor) v).getName());
        break;
      case STRING:
        appendQuoted(out, ByteString.copyFromUtf8((String) v));
        break;
      case BYTES:
        appendQuoted(out, (ByteString) v);
        break;
      case MESSAGE:
      case GROUP:
        out.append('{');
        appendMessage(out, (MessageOrBuilder) v);
        out.append('}');
        break;
      default:
        // bool, signed integers, float and double print as Java prints them, as Go does.
        out.append(v);
        break;
    }
  }

  private static void appendUnknown(StringBuilder out, UnknownFieldSet unknown) {
    Map<Integer, UnknownFieldSet.Field> fields = new TreeMap<>(unknown.asMap());
    for (Map.Entry<Integer, UnknownFieldSet.Field> f : fields.entrySet()) {
      String name = Integer.toString(f.getKey());
      UnknownFieldSet.Field field = f.getValue();
      for (long v : field.getVarintList()) {
        appendName(out, name);
        out.append(Long.toUnsignedString(v));
      }
      for (int v : field.getFixed32List()) {
        appendName(out, name);
        out.append(Integer.toUnsignedString(v));
      }
      for (long v : field.getFixed64List()) {
        appendName(out, name);
        out.append(Long.toUnsignedString(v));
      }
      for (ByteString v : field.getLengthDelimitedList()) {
        appendName(out, name);
        appendQuoted(out, v);
      }
      for (UnknownFieldSet g : field.getGroupList()) {
        appendName(out, name);
        out.append('{');
        appendUnknown(out, g);
        out.append('}');
      }
    }
  }

  /**
   * Quotes UTF-8 bytes as Go's text encoder does: {@code \"}, {@code \\}, {@code \n}, {@code \r}
   * and {@code \t} escaped, other control bytes and bytes that are not valid UTF-8 as two-digit
   * {@code \xNN}, everything else (including non-ASCII text) as is.
   */
  private static void appendQuoted(StringBuilder out, ByteString value) {
    byte[] bytes = value.toByteArray();
    out.append('"');
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      if (b >= 0x80) {
        int len = GoFormat.utf8Length(b);
        int cp = GoFormat.decode(bytes, i, len);
        if (cp >= 0) {
          out.appendCodePoint(cp);
          i += len;
          continue;
        }
      }
      switch (b) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (b < 0x20 || b >= 0x80) {
            out.append("\\x")
                .append(Character.forDigit(b >> 4, 16))
                .append(Character.forDigit(b & 0xf, 16));
          } else {
            out.append((char) b);
          }
          break;
      }
      i++;
    }
    out.append('"');
  }
}
