package io.raftj.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

final class GoFormatTest {

  @Test
  void format_unsignedLongs_printAsGoUint64() {
    assertThat(GoFormat.format("%x became follower at term %d", -1L, 5L))
        .isEqualTo("ffffffffffffffff became follower at term 5");
    assertThat(GoFormat.format("%d", -1L)).isEqualTo("18446744073709551615");
    assertThat(GoFormat.format("%d", -1)).isEqualTo("-1");
  }

  @Test
  void format_quote_escapesLikeStrconvQuote() {
    byte[] data = "hello\u0000world".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(GoFormat.format("%q", ByteString.copyFrom(data))).isEqualTo("\"hello\\x00world\"");
    assertThat(GoFormat.quote(new byte[] {(byte) 0xff, 'a', '"'})).isEqualTo("\"\\xffa\\\"\"");
    assertThat(GoFormat.quote("é\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo("\"é\\n\"");
  }

  @Test
  void format_slicesAndBooleans_printAsGoValues() {
    assertThat(GoFormat.format("%v %t %s", List.of(1L, 2L), true, "x")).isEqualTo("[1 2] true x");
    assertThat(GoFormat.format("%v", new long[] {3, 4})).isEqualTo("[3 4]");
  }

  @Test
  void format_widthAndFlags_padLikeGo() {
    assertThat(GoFormat.format("[%5d|%-4s|%03x|%#x]", 42L, "ab", 10L, 255L))
        .isEqualTo("[   42|ab  |00a|0xff]");
    assertThat(GoFormat.format("100%%")).isEqualTo("100%");
  }

  @Test
  void format_argumentMismatch_isVisibleNotSilent() {
    assertThat(GoFormat.format("%d %d", 1L)).isEqualTo("1 %!d(MISSING)");
    assertThat(GoFormat.format("x", 1L)).isEqualTo("x%!(EXTRA Long=1)");
  }
}
