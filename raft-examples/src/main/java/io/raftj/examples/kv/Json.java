package io.raftj.examples.kv;

/** Just enough JSON writing for the HTTP API's answers: objects, arrays, strings, numbers. */
final class Json {

  private final StringBuilder sb = new StringBuilder();
  private boolean needComma;

  Json beginObject() {
    comma();
    sb.append('{');
    needComma = false;
    return this;
  }

  Json endObject() {
    sb.append('}');
    needComma = true;
    return this;
  }

  Json beginArray(String name) {
    name(name);
    sb.append('[');
    needComma = false;
    return this;
  }

  Json endArray() {
    sb.append(']');
    needComma = true;
    return this;
  }

  Json field(String name, String value) {
    name(name);
    if (value == null) {
      sb.append("null");
    } else {
      quote(value);
    }
    needComma = true;
    return this;
  }

  Json field(String name, long value) {
    name(name);
    sb.append(value);
    needComma = true;
    return this;
  }

  /** An unsigned 64-bit value (member ids). */
  Json fieldUnsigned(String name, long value) {
    name(name);
    sb.append(Long.toUnsignedString(value));
    needComma = true;
    return this;
  }

  Json field(String name, boolean value) {
    name(name);
    sb.append(value);
    needComma = true;
    return this;
  }

  private void name(String name) {
    comma();
    if (name != null) {
      quote(name);
      sb.append(':');
    }
  }

  private void comma() {
    if (needComma) {
      sb.append(',');
    }
  }

  private void quote(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
