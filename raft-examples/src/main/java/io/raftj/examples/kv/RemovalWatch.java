package io.raftj.examples.kv;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds out that this member was removed when Raft cannot tell it. The leader stops replicating to
 * a member as soon as its removal commits, so the member often never applies the change and only
 * sees that it has no leader. While this node has had no leader for two checks in a row, it asks
 * the other members it knows a client URL of for {@code GET /members}; an answer that names a
 * leader and not this node means it was removed. (etcd's peers answer a removed member's messages
 * with "member removed" for the same reason.)
 */
final class RemovalWatch implements AutoCloseable {

  private static final Pattern LEADER = Pattern.compile("\"leader\":(\\d+)\\}");
  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

  private final KvNode node;
  private final HttpClient http;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kv-removal-watch");
            t.setDaemon(true);
            return t;
          });
  private int leaderless;

  RemovalWatch(KvNode node, HttpClient http, Duration period) {
    this.node = node;
    this.http = http;
    timer.scheduleWithFixedDelay(
        this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    if (node.removed()) {
      timer.shutdown();
      return;
    }
    if (node.status().leader() != 0) {
      leaderless = 0;
      return;
    }
    if (++leaderless < 2) {
      return;
    }
    for (long member : node.knownMembers()) {
      String url = node.clientUrl(member);
      if (member == node.id() || url == null) {
        continue;
      }
      HttpRequest r =
          HttpRequest.newBuilder(URI.create(url + "/members"))
              .timeout(Duration.ofSeconds(2))
              .GET()
              .build();
      http.sendAsync(r, HttpResponse.BodyHandlers.ofString())
          .thenAccept(
              resp -> {
                if (resp.statusCode() == 200 && removedAccordingTo(resp.body(), node.id())) {
                  node.markRemoved(
                      "member " + Long.toUnsignedString(member) + " lists the members without it");
                }
              });
    }
  }

  /** Whether a {@code GET /members} answer names a leader and not {@code self}. */
  static boolean removedAccordingTo(String membersJson, long self) {
    Matcher l = LEADER.matcher(membersJson);
    if (!l.find() || Long.parseUnsignedLong(l.group(1)) == 0) {
      return false;
    }
    Matcher m = ID.matcher(membersJson);
    while (m.find()) {
      if (Long.parseUnsignedLong(m.group(1)) == self) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
