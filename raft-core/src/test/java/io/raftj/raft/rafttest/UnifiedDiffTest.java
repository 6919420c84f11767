package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class UnifiedDiffTest {

  @Test
  void diff_equalTexts_isEmpty() {
    assertThat(UnifiedDiff.diff("a", "b", "x\ny\n", "x\ny\n")).isEmpty();
  }

  @Test
  void diff_distantChanges_makeSeparateHunksWithThreeLinesOfContext() {
    String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
    String b = "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n12\n";
    assertThat(UnifiedDiff.diff("a", "b", a, b))
        .isEqualTo(
            "--- a\n+++ b\n"
                + "@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n"
                + "@@ -8,5 +8,4 @@\n 8\n 9\n 10\n-11\n 12\n");
  }

  @Test
  void diff_nearbyChanges_shareOneHunk() {
    String a = "a\nb\nc\nd\ne\nf\ng\n";
    String b = "a\nB\nc\nd\ne\nf\nG\n";
    assertThat(UnifiedDiff.diff("x", "y", a, b))
        .isEqualTo("--- x\n+++ y\n@@ -1,7 +1,7 @@\n a\n-b\n+B\n c\n d\n e\n f\n-g\n+G\n");
  }

  @Test
  void diff_insertionIntoEmptyText_andMissingFinalNewline() {
    assertThat(UnifiedDiff.diff("x", "y", "", "new\n"))
        .isEqualTo("--- x\n+++ y\n@@ -0,0 +1 @@\n+new\n");
    assertThat(UnifiedDiff.diff("x", "y", "a\nb", "a\nb\n"))
        .isEqualTo("--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
  }
}
