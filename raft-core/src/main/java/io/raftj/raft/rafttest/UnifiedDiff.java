package io.raftj.raft.rafttest;

import java.util.ArrayList;
import java.util.List;

/**
 * Line-based unified diff ({@code diff -u} style, three lines of context), used to show how a
 * script's actual output differs from the expected. Based on a longest-common-subsequence table
 * after stripping the common head and tail, which keeps it cheap for scripts that differ in a few
 * places.
 */
final class UnifiedDiff {

  private static final int CONTEXT = 3;

  /** Beyond this many table cells the middle is shown as one replacement. */
  private static final long MAX_CELLS = 16_000_000L;

  private UnifiedDiff() {}

  /** Returns the diff from {@code a} to {@code b}, or the empty string when they are equal. */
  static String diff(String nameA, String nameB, String a, String b) {
    if (a.equals(b)) {
      return "";
    }
    String[] x = lines(a);
    String[] y = lines(b);
    List<int[]> ops = editScript(x, y); // each op: {kind, xIndex, yIndex}; kind ' ', '-', '+'
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(nameA).append('\n');
    out.append("+++ ").append(nameB).append('\n');
    int i = 0;
    while (i < ops.size()) {
      if (ops.get(i)[0] == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      int end = i;
      // Extend the hunk while the next change is within 2 * CONTEXT equal lines.
      while (true) {
        while (end < ops.size() && ops.get(end)[0] != ' ') {
          end++;
        }
        int eq = end;
        while (eq < ops.size() && ops.get(eq)[0] == ' ') {
          eq++;
        }
        if (eq < ops.size() && eq - end <= 2 * CONTEXT) {
          end = eq;
        } else {
          end = Math.min(ops.size(), end + CONTEXT);
          break;
        }
      }
      appendHunk(out, ops.subList(start, end), x, y);
      i = end;
    }
    return out.toString();
  }

  private static void appendHunk(StringBuilder out, List<int[]> hunk, String[] x, String[] y) {
    int xStart = -1;
    int yStart = -1;
    int xCount = 0;
    int yCount = 0;
    for (int[] op : hunk) {
      if (op[0] != '+') {
        if (xStart < 0) {
          xStart = op[1];
        }
        xCount++;
      }
      if (op[0] != '-') {
        if (yStart < 0) {
          yStart = op[2];
        }
        yCount++;
      }
    }
    // An empty side names the line before the hunk, as diff -u does.
    int[] first = hunk.get(0);
    out.append("@@ -").append(range(xCount == 0 ? first[1] : xStart + 1, xCount));
    out.append(" +").append(range(yCount == 0 ? first[2] : yStart + 1, yCount)).append(" @@\n");
    for (int[] op : hunk) {
      char kind = (char) op[0];
      String line = kind != '+' ? x[op[1]] : y[op[2]];
      if (line.endsWith("\n")) {
        out.append(kind).append(line).append("\\ No newline at end of file\n");
      } else {
        out.append(kind).append(line).append('\n');
      }
    }
  }

  private static String range(int start, int count) {
    return count == 1 ? Integer.toString(start) : start + "," + count;
  }

  /** Edit script as {kind, index in x, index in y}; for '+' the x index is where it inserts. */
  private static List<int[]> editScript(String[] x, String[] y) {
    int head = 0;
    while (head < x.length && head < y.length && x[head].equals(y[head])) {
      head++;
    }
    int tail = 0;
    while (tail < x.length - head
        && tail < y.length - head
        && x[x.length - 1 - tail].equals(y[y.length - 1 - tail])) {
      tail++;
    }
    int n = x.length - head - tail;
    int m = y.length - head - tail;
    List<int[]> ops = new ArrayList<>(x.length + y.length);
    for (int k = 0; k < head; k++) {
      ops.add(new int[] {' ', k, k});
    }
    if ((long) (n + 1) * (m + 1) > MAX_CELLS) {
      for (int k = 0; k < n; k++) {
        ops.add(new int[] {'-', head + k, head});
      }
      for (int k = 0; k < m; k++) {
        ops.add(new int[] {'+', head + n, head + k});
      }
    } else {
      // lcs[i][j] = length of the LCS of x[head+i..] and y[head+j..].
      int[][] lcs = new int[n + 1][m + 1];
      for (int i = n - 1; i >= 0; i--) {
        for (int j = m - 1; j >= 0; j--) {
          lcs[i][j] =
              x[head + i].equals(y[head + j])
                  ? lcs[i + 1][j + 1] + 1
                  : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        }
      }
      int i = 0;
      int j = 0;
      while (i < n || j < m) {
        if (i < n && j < m && x[head + i].equals(y[head + j])) {
          ops.add(new int[] {' ', head + i++, head + j++});
        } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
          ops.add(new int[] {'-', head + i++, head + j});
        } else {
          ops.add(new int[] {'+', head + i, head + j++});
        }
      }
    }
    for (int k = 0; k < tail; k++) {
      ops.add(new int[] {' ', x.length - tail + k, y.length - tail + k});
    }
    return ops;
  }

  /**
   * Splits into lines. A last line without a newline keeps a {@code \n} at its end: no real line
   * contains one, so it differs from the same text with a newline, as in {@code diff -u}.
   */
  private static String[] lines(String s) {
    if (s.isEmpty()) {
      return new String[0];
    }
    boolean newlineAtEnd = s.endsWith("\n");
    String[] lines = (newlineAtEnd ? s.substring(0, s.length() - 1) : s).split("\n", -1);
    if (!newlineAtEnd) {
      lines[lines.length - 1] += "\n";
    }
    return lines;
  }
}
