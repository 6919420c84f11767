package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class ProposalInboxTest {

  /** A proposal whose deadline field carries (producer, sequence) so the test can check order. */
  private static GroupEvent.Propose proposal(int producer, int seq) {
    return new GroupEvent.Propose(
        ByteString.EMPTY, null, 0, new CompletableFuture<>(), ((long) producer << 32) | seq);
  }

  private static List<GroupEvent.Propose> take(ProposalInbox inbox) {
    List<GroupEvent.Propose> out = new ArrayList<>();
    for (GroupEvent.Propose p = inbox.takeAll(); p != null; ) {
      GroupEvent.Propose next = p.next;
      p.next = null;
      out.add(p);
      p = next;
    }
    return out;
  }

  @Test
  void takeAll_returnsWhatOneThreadPushed_oldestFirst_andThenNothing() {
    ProposalInbox inbox = new ProposalInbox();
    assertThat(inbox.takeAll()).isNull();
    List<GroupEvent.Propose> pushed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      GroupEvent.Propose p = proposal(0, i);
      pushed.add(p);
      inbox.push(p);
    }
    assertThat(take(inbox)).containsExactlyElementsOf(pushed);
    assertThat(inbox.takeAll()).isNull();
    GroupEvent.Propose later = proposal(0, 5);
    inbox.push(later);
    assertThat(take(inbox)).containsExactly(later);
  }

  @Test
  @Timeout(60) // a lost proposal would make the loop below wait forever
  void concurrentPushes_areEachTakenOnce_inEachProducersOrder() throws Exception {
    int producers = 4;
    int each = 20_000;
    ProposalInbox inbox = new ProposalInbox();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < producers; t++) {
      int producer = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < each; i++) {
                  inbox.push(proposal(producer, i));
                }
              });
      th.start();
      threads.add(th);
    }
    go.countDown();
    int[] next = new int[producers];
    int taken = 0;
    while (taken < producers * each) {
      for (GroupEvent.Propose p : take(inbox)) {
        int producer = (int) (p.deadline() >>> 32);
        int seq = (int) p.deadline();
        assertThat(seq).as("producer %d", producer).isEqualTo(next[producer]);
        next[producer]++;
        taken++;
      }
      if (taken < producers * each) {
        Thread.onSpinWait();
      }
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(inbox.takeAll()).isNull();
    assertThat(next).containsOnly(each);
  }
}
