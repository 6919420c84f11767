package io.raftj.raft.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageOrBuilder;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * Renders Go {@code fmt.Sprintf} templates, so that log lines and panic texts read exactly as
 * etcd's do.
 *
 * <p>Supported verbs: {@code %d}, {@code %x}, {@code %X}, {@code %s}, {@code %v} (and {@code %+v}),
 * {@code %q}, {@code %t}, {@code %%}, with the flags {@code -}, {@code 0}, {@code +}, {@code #} and
 * a width. Go's {@code uint64} is Java's {@code long}, so a {@link Long} prints unsigned under
 * {@code %d}, {@code %v} and {@code %x}; {@code Integer} prints signed as Go's {@code int} does.
 * Collections and arrays print as Go slices ({@code [1 2 3]}); byte strings print as text under
 * {@code %s}, as hex under {@code %x}, and quoted under {@code %q}; protobuf messages print in Go's
 * compact one-line text form ({@code voters:1 voters:2 auto_leave:false}).
 */
public final class GoFormat {

  private GoFormat() {}

  /** Formats {@code format} with {@code args} the way Go's {@code fmt.Sprintf} does. */
  public static String format(String format, @Nullable Object... args) {
    StringBuilder out = new StringBuilder(format.length() + 16 * args.length);
    int argIndex = 0;
    int n = format.length();
    for (int i = 0; i < n; i++) {
      char c = format.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (++i >= n) {
        out.append("%!(NOVERB)");
        break;
      }
      boolean minus = false;
      boolean zero = false;
      boolean sharp = false;
      for (; i < n; i++) {
        char f = format.charAt(i);
        if (f == '-') {
          minus = true;
        } else if (f == '0') {
          zero = true;
        } else if (f == '#') {
          sharp = true;
        } else if (f != '+' && f != ' ') {
          break;
        }
      }
      int width = 0;
      while (i < n && Character.isDigit(format.charAt(i))) {
        width = width * 10 + (format.charAt(i++) - '0');
      }
      if (i >= n) {
        out.append("%!(NOVERB)");
        break;
      }
      char verb = format.charAt(i);
      if (verb == '%') {
        out.append('%');
        continue;
      }
      if (argIndex >= args.length) {
        out.append("%!").append(verb).append("(MISSING)");
        continue;
      }
      String text = render(verb, sharp, args[argIndex++]);
      pad(out, text, width, minus, zero && !minus && verb != 's' && verb != 'q');
    }
    if (argIndex < args.length) {
      out.append("%!(EXTRA ");
      for (int k = argIndex; k < args.length; k++) {
        if (k > argIndex) {
          out.append(", ");
        }
        Object a = args[k];
        out.append(a == null ? "<nil>" : a.getClass().getSimpleName()).append('=').append(value(a));
      }
      out.append(')');
    }
    return out.toString();
  }

  private static void pad(StringBuilder out, String text, int width, boolean left, boolean zeros) {
    int fill = width - text.length();
    if (fill <= 0) {
      out.append(text);
      return;
    }
    if (left) {
      out.append(text);
      out.append(" ".repeat(fill));
    } else if (zeros && text.startsWith("-")) {
      out.append('-').append("0".repeat(fill)).append(text, 1, text.length());
    } else {
      out.append((zeros ? "0" : " ").repeat(fill)).append(text);
    }
  }

  private static String render(char verb, boolean sharp, @Nullable Object arg) {
    switch (verb) {
      case 'd':
        return integer(arg);
      case 'x':
      case 'X':
        String hex = hex(arg);
        if (sharp) {
          hex = "0x" + hex;
        }
        return verb == 'X' ? hex.toUpperCase() : hex;
      case 'q':
        return quote(bytesOf(arg));
      case 't':
      case 's':
      case 'v':
        return value(arg);
      default:
        return "%!" + verb + "(" + value(arg) + ")";
    }
  }

  private static String integer(@Nullable Object arg) {
    if (arg instanceof Long) {
      return Long.toUnsignedString((Long) arg);
    }
    return value(arg);
  }

  private static String hex(@Nullable Object arg) {
    if (arg instanceof Long) {
      return Long.toHexString((Long) arg);
    }
    if (arg instanceof Integer) {
      int v = (Integer) arg;
      return v < 0 ? "-" + Integer.toHexString(-v) : Integer.toHexString(v);
    }
    byte[] bytes = bytesOf(arg);
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  private static byte[] bytesOf(@Nullable Object arg) {
    if (arg instanceof ByteString) {
      return ((ByteString) arg).toByteArray();
    }
    if (arg instanceof byte[]) {
      return (byte[]) arg;
    }
    return value(arg).getBytes(StandardCharsets.UTF_8);
  }

  /** Renders {@code arg} as Go's {@code %v} does for the types the core logs. */
  static String value(@Nullable Object arg) {
    if (arg == null) {
      return "<nil>";
    }
    if (arg instanceof Long) {
      return Long.toUnsignedString((Long) arg);
    }
    if (arg instanceof ByteString) {
      return ((ByteString) arg).toStringUtf8();
    }
    if (arg instanceof byte[]) {
      return new String((byte[]) arg, StandardCharsets.UTF_8);
    }
    if (arg instanceof Collection) {
      StringBuilder sb = new StringBuilder("[");
      Iterator<?> it = ((Collection<?>) arg).iterator();
      while (it.hasNext()) {
        sb.append(value(it.next()));
        if (it.hasNext()) {
          sb.append(' ');
        }
      }
      return sb.append(']').toString();
    }
    if (arg.getClass().isArray()) {
      StringBuilder sb = new StringBuilder("[");
      int len = Array.getLength(arg);
      for (int k = 0; k < len; k++) {
        if (k > 0) {
          sb.append(' ');
        }
        sb.append(value(Array.get(arg, k)));
      }
      return sb.append(']').toString();
    }
    if (arg instanceof MessageOrBuilder) {
      // Go prints a protobuf message under %v in its compact one-line text form.
      return ProtoText.compact((MessageOrBuilder) arg);
    }
    if (arg instanceof Throwable) {
      String message = ((Throwable) arg).getMessage();
      return message != null ? message : arg.toString();
    }
    return arg.toString();
  }

  /** Quotes bytes as Go's {@code strconv.Quote} does: UTF-8 text, escapes for the rest. */
  public static String quote(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length + 2).append('"');
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      int cp;
      int len;
      if (b < 0x80) {
        cp = b;
        len = 1;
      } else {
        len = utf8Length(b);
        cp = decode(bytes, i, len);
        if (cp < 0) {
          sb.append("\\x").append(hexByte(b));
          i++;
          continue;
        }
      }
      i += len;
      appendRune(sb, cp);
    }
    return sb.append('"').toString();
  }

  /** The length a UTF-8 sequence led by byte {@code b} (at least 0x80) claims, or 0. */
  static int utf8Length(int b) {
    return b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
  }

  /**
   * The code point of the {@code len}-byte UTF-8 sequence at {@code at}, or -1 when it is not valid
   * UTF-8 (truncated, overlong, a surrogate or beyond U+10FFFF).
   */
  static int decode(byte[] bytes, int at, int len) {
    if (len == 0 || at + len > bytes.length) {
      return -1;
    }
    int cp = bytes[at] & (0x7f >> len);
    for (int k = 1; k < len; k++) {
      int cont = bytes[at + k] & 0xff;
      if ((cont & 0xc0) != 0x80) {
        return -1;
      }
      cp = (cp << 6) | (cont & 0x3f);
    }
    int min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return -1;
    }
    return cp;
  }

  private static void appendRune(StringBuilder sb, int cp) {
    switch (cp) {
      case 0x07:
        sb.append("\\a");
        return;
      case '\b':
        sb.append("\\b");
        return;
      case '\f':
        sb.append("\\f");
        return;
      case '\n':
        sb.append("\\n");
        return;
      case '\r':
        sb.append("\\r");
        return;
      case '\t':
        sb.append("\\t");
        return;
      case 0x0b:
        sb.append("\\v");
        return;
      case '\\':
        sb.append("\\\\");
        return;
      case '"':
        sb.append("\\\"");
        return;
      default:
        break;
    }
    if (cp < 0x20 || cp == 0x7f) {
      sb.append("\\x").append(hexByte(cp));
    } else if (cp < 0x80 || isPrintable(cp)) {
      sb.appendCodePoint(cp);
    } else if (cp < 0x10000) {
      sb.append("\\u").append(String.format("%04x", cp));
    } else {
      sb.append("\\U").append(String.format("%08x", cp));
    }
  }

  private static boolean isPrintable(int cp) {
    int type = Character.getType(cp);
    return type != Character.CONTROL
        && type != Character.FORMAT
        && type != Character.UNASSIGNED
        && type != Character.PRIVATE_USE
        && type != Character.SURROGATE
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR
        && (type != Character.SPACE_SEPARATOR || cp == ' ');
  }

  private static String hexByte(int b) {
    return new String(new char[] {Character.forDigit(b >> 4, 16), Character.forDigit(b & 0xf, 16)});
  }
}
