package io.raftj.raft.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class InflightsTest {

  /** The observable state of an Inflights, including its raw ring buffer. */
  record Snapshot(int start, int count, long bytes, long[] indexes, long[] sizes) {
    static Snapshot of(Inflights in) {
      return new Snapshot(in.start(), in.count(), in.bytes(), in.indexBuffer(), in.sizeBuffer());
    }
  }

  private static void assertState(
      Inflights in, int start, int count, long bytes, long[] indexes, long[] sizes) {
    Snapshot s = Snapshot.of(in);
    assertThat(s.start()).as("start").isEqualTo(start);
    assertThat(s.count()).as("count").isEqualTo(count);
    assertThat(s.bytes()).as("bytes").isEqualTo(bytes);
    assertThat(s.indexes()).as("index slots").containsExactly(indexes);
    assertThat(s.sizes()).as("size slots").containsExactly(sizes);
  }

  @Test
  void inflightsAdd() {
    // Without wrapping around.
    Inflights in = new Inflights(10, 0, 0, 10);
    for (int i = 0; i < 5; i++) {
      in.add(i, 100 + i);
    }
    assertState(
        in,
        0,
        5,
        510,
        new long[] {0, 1, 2, 3, 4, 0, 0, 0, 0, 0},
        new long[] {100, 101, 102, 103, 104, 0, 0, 0, 0, 0});
    for (int i = 5; i < 10; i++) {
      in.add(i, 100 + i);
    }
    assertState(
        in,
        0,
        10,
        1045,
        new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
        new long[] {100, 101, 102, 103, 104, 105, 106, 107, 108, 109});

    // Starting mid-buffer, so that the second half wraps around to slot 0.
    Inflights in2 = new Inflights(10, 0, 5, 10);
    for (int i = 0; i < 5; i++) {
      in2.add(i, 100 + i);
    }
    assertState(
        in2,
        5,
        5,
        510,
        new long[] {0, 0, 0, 0, 0, 0, 1, 2, 3, 4},
        new long[] {0, 0, 0, 0, 0, 100, 101, 102, 103, 104});
    for (int i = 5; i < 10; i++) {
      in2.add(i, 100 + i);
    }
    assertState(
        in2,
        5,
        10,
        1045,
        new long[] {5, 6, 7, 8, 9, 0, 1, 2, 3, 4},
        new long[] {105, 106, 107, 108, 109, 100, 101, 102, 103, 104});
  }

  @Test
  void inflightFreeTo() {
    Inflights in = new Inflights(10, 0);
    for (int i = 0; i < 10; i++) {
      in.add(i, 100 + i);
    }
    long[] firstIndexes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    long[] firstSizes = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109};

    in.freeLE(0);
    assertState(in, 1, 9, 945, firstIndexes, firstSizes);
    in.freeLE(4);
    assertState(in, 5, 5, 535, firstIndexes, firstSizes);
    in.freeLE(8);
    assertState(in, 9, 1, 109, firstIndexes, firstSizes);

    // New messages wrap around into the freed slots.
    for (int i = 10; i < 15; i++) {
      in.add(i, 100 + i);
    }
    long[] wrappedIndexes = {10, 11, 12, 13, 14, 5, 6, 7, 8, 9};
    long[] wrappedSizes = {110, 111, 112, 113, 114, 105, 106, 107, 108, 109};
    in.freeLE(12);
    assertState(in, 3, 2, 227, wrappedIndexes, wrappedSizes);
    // Emptying the window moves the start back to slot 0.
    in.freeLE(14);
    assertState(in, 0, 0, 0, wrappedIndexes, wrappedSizes);
  }

  record FullCase(String name, int size, long maxBytes, int fullAt, long freeLE, int againAt) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<FullCase> fullCases() {
    return Stream.of(
        new FullCase("always-full", 0, 0, 0, 0, 0),
        new FullCase("single-entry", 1, 0, 1, 1, 2),
        new FullCase("single-entry-overflow", 1, 10, 1, 1, 2),
        new FullCase("multi-entry", 15, 0, 15, 6, 22),
        new FullCase("slight-overflow", 8, 400, 4, 2, 7),
        new FullCase("exact-max-bytes", 8, 406, 4, 3, 8),
        new FullCase("larger-overflow", 15, 408, 5, 1, 6));
  }

  @ParameterizedTest
  @MethodSource("fullCases")
  void inflightsFull(FullCase c) {
    Inflights in = new Inflights(c.size(), c.maxBytes());
    addUntilFull(in, 0, c.fullAt());
    in.freeLE(c.freeLE());
    addUntilFull(in, c.fullAt(), c.againAt());
    assertThatThrownBy(() -> in.add(100, 1024))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot add into a Full inflights");
  }

  private static void addUntilFull(Inflights in, int begin, int end) {
    for (int i = begin; i < end; i++) {
      assertThat(in.full()).as("full at %d, want %d", i, end).isFalse();
      in.add(i, 100 + i);
    }
    assertThat(in.full()).as("not full at %d", end).isTrue();
  }

  @Test
  void inflightsReset() {
    Inflights in = new Inflights(10, 1000);
    // Periodic resets, as when the follower drops back to probing: bytes must not leak across them.
    long index = 0;
    for (int epoch = 0; epoch < 100; epoch++) {
      in.reset();
      for (int i = 0; i < 5; i++) {
        assertThat(in.full()).isFalse();
        index++;
        in.add(index, 16);
      }
      in.freeLE(index - 2);
      assertThat(in.full()).isFalse();
      assertThat(in.count()).isEqualTo(2);
    }
    in.freeLE(index);
    assertThat(in.count()).isZero();
  }

  @Test
  void add_growingBuffer_doublesUpToSize() {
    Inflights in = new Inflights(5, 0);
    assertThat(in.indexBuffer()).isEmpty();
    int[] wantCapacity = {1, 2, 4, 4, 5};
    for (int i = 0; i < 5; i++) {
      in.add(i + 1, 1);
      assertThat(in.indexBuffer()).as("capacity after %d adds", i + 1).hasSize(wantCapacity[i]);
    }
    assertThat(in.full()).isTrue();
  }

  @Test
  void copy_afterwards_sharesNoState() {
    Inflights in = new Inflights(4, 0);
    in.add(1, 10);
    in.add(2, 20);
    Inflights c = in.copy();
    in.freeLE(2);
    in.add(3, 30);
    assertState(c, 0, 2, 30, new long[] {1, 2}, new long[] {10, 20});
    assertThat(in.count()).isEqualTo(1);
  }
}
