package io.raftj.examples.kv.jepsen;

import java.util.List;

/** Operation counts of a run, from its event log. */
record Counts(
    int writes,
    int writesOk,
    int writesFailed,
    int writesInfo,
    int reads,
    int readsOk,
    int readsFailed,
    int refused) {

  static Counts of(List<Recorder.Event> events) {
    int w = 0;
    int wOk = 0;
    int wFail = 0;
    int wInfo = 0;
    int r = 0;
    int rOk = 0;
    int rFail = 0;
    int refused = 0;
    for (Recorder.Event e : events) {
      boolean write = e.f().equals("write");
      if (e.detail().contains("ConnectException")) {
        refused++;
      }
      switch (e.type()) {
        case "invoke" -> {
          if (write) {
            w++;
          } else {
            r++;
          }
        }
        case "ok" -> {
          if (write) {
            wOk++;
          } else {
            rOk++;
          }
        }
        case "fail" -> {
          if (write) {
            wFail++;
          } else {
            rFail++;
          }
        }
        default -> wInfo += write ? 1 : 0;
      }
    }
    // Writes invoked but never completed (interrupted) are indeterminate too.
    wInfo += w - wOk - wFail - wInfo;
    return new Counts(w, wOk, wFail, wInfo, r, rOk, rFail, refused);
  }

  /** Indeterminate writes over all writes. */
  double indeterminateRatio() {
    return writes == 0 ? 0 : (double) writesInfo / writes;
  }

  @Override
  public String toString() {
    return String.format(
        "%d ops: %d writes (%d ok, %d failed, %d indeterminate: %.1f%%), %d reads (%d ok, %d failed);"
            + " %d of the failures were refused connections (a node down)",
        writes + reads,
        writes,
        writesOk,
        writesFailed,
        writesInfo,
        100 * indeterminateRatio(),
        reads,
        readsOk,
        readsFailed,
        refused);
  }
}
