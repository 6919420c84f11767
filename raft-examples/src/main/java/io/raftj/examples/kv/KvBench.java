package io.raftj.examples.kv;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load generator for the key-value store: N clients, each with one request in flight, PUT values
 * of a given size for a duration or a request count, then print throughput and latency percentiles.
 * Plays the role of etcd's {@code benchmark put}; a progress line is printed every second.
 */
public final class KvBench {

  static final String USAGE =
      """
      Usage: kv-bench [options]

        --endpoints URLS   client URLs, comma-separated (default: the kv-cluster's
                           http://127.0.0.1:12380,http://127.0.0.1:12390,http://127.0.0.1:12400)
        --target WHO       leader (default): send every request to the current leader;
                           all: spread clients over every endpoint (followers forward)
        --clients N        concurrent clients, one request in flight each (default: 16)
        --value-bytes N    value size (default: 100)
        --keys N           key space; keys are chosen round-robin (default: 10000)
        --duration S       run for S seconds (default: 10) ...
        --requests N       ... or until N requests completed
        --help             print this help
      """;

  private KvBench() {}

  public static void main(String[] args) throws Exception {
    List<String> endpoints =
        List.of("http://127.0.0.1:12380", "http://127.0.0.1:12390", "http://127.0.0.1:12400");
    String target = "leader";
    int clients = 16;
    int valueBytes = 100;
    int keys = 10_000;
    long durationS = 10;
    long requests = -1;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(USAGE);
        return;
      }
      if (i + 1 >= args.length) {
        die("flag " + a + " needs a value");
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--endpoints" -> endpoints = List.of(v.split(","));
          case "--target" -> target = v;
          case "--clients" -> clients = Integer.parseInt(v);
          case "--value-bytes" -> valueBytes = Integer.parseInt(v);
          case "--keys" -> keys = Integer.parseInt(v);
          case "--duration" -> durationS = Long.parseLong(v);
          case "--requests" -> requests = Long.parseLong(v);
          default -> die("unknown flag " + a);
        }
      } catch (NumberFormatException e) {
        die(a + " wants a number, got \"" + v + "\"");
      }
    }
    if (clients < 1 || valueBytes < 0 || keys < 1) {
      die("--clients and --keys must be positive, --value-bytes not negative");
    }
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    List<String> targets = target.equals("all") ? endpoints : List.of(findLeader(http, endpoints));
    run(http, targets, clients, valueBytes, keys, durationS, requests);
  }

  private static void die(String message) {
    System.err.println("kv-bench: " + message);
    System.exit(2);
  }

  private static String findLeader(HttpClient http, List<String> endpoints)
      throws InterruptedException {
    Pattern leaderField = Pattern.compile("\"leader\":(\\d+)");
    Pattern idField = Pattern.compile("\"id\":(\\d+)");
    for (String e : endpoints) {
      try {
        String body =
            http.send(
                    HttpRequest.newBuilder(URI.create(e + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher l = leaderField.matcher(body);
        if (!l.find() || l.group(1).equals("0")) {
          continue;
        }
        for (String c : endpoints) {
          String s =
              http.send(
                      HttpRequest.newBuilder(URI.create(c + "/status")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          Matcher id = idField.matcher(s);
          if (id.find() && id.group(1).equals(l.group(1))) {
            return c;
          }
        }
      } catch (IOException ex) {
        // try the next endpoint
      }
    }
    die("no endpoint of " + endpoints + " knows a leader; is the cluster up?");
    return null;
  }

  private static void run(
      HttpClient http,
      List<String> targets,
      int clients,
      int valueBytes,
      int keys,
      long durationS,
      long requests)
      throws InterruptedException {
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'x');
    long start = System.nanoTime();
    long deadline = requests > 0 ? Long.MAX_VALUE : start + durationS * 1_000_000_000L;
    AtomicLong issued = new AtomicLong();
    LongAdder ok = new LongAdder();
    LongAdder failed = new LongAdder();
    long[][] latencies = new long[clients][];
    int[] counts = new int[clients];
    CountDownLatch done = new CountDownLatch(clients);
    System.out.printf(
        Locale.ROOT,
        "kv-bench: %d clients, %d-byte values, %s, against %s%n",
        clients,
        valueBytes,
        requests > 0 ? requests + " requests" : durationS + " s",
        targets);
    for (int c = 0; c < clients; c++) {
      int client = c;
      String base = targets.get(c % targets.size());
      latencies[c] = new long[1 << 16];
      Thread t =
          new Thread(
              () -> {
                try {
                  while (System.nanoTime() < deadline) {
                    long n = issued.getAndIncrement();
                    if (requests > 0 && n >= requests) {
                      break;
                    }
                    HttpRequest req =
                        HttpRequest.newBuilder(URI.create(base + "/kv/bench-" + (n % keys)))
                            .timeout(Duration.ofSeconds(10))
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(value))
                            .build();
                    long t0 = System.nanoTime();
                    int code;
                    try {
                      code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException e) {
                      code = -1;
                    }
                    long lat = System.nanoTime() - t0;
                    if (code == 200) {
                      ok.increment();
                      if (counts[client] == latencies[client].length) {
                        latencies[client] = Arrays.copyOf(latencies[client], counts[client] * 2);
                      }
                      latencies[client][counts[client]++] = lat;
                    } else {
                      failed.increment();
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  done.countDown();
                }
              },
              "bench-" + c);
      t.setDaemon(true);
      t.start();
    }
    long lastOk = 0;
    while (!done.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
      long nowOk = ok.sum();
      System.out.printf(
          Locale.ROOT,
          "  %5.1f s  %8d ok  %6d failed  %8.0f req/s%n",
          (System.nanoTime() - start) / 1e9,
          nowOk,
          failed.sum(),
          (double) (nowOk - lastOk));
      lastOk = nowOk;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int at = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies[c], 0, all, at, counts[c]);
      at += counts[c];
    }
    Arrays.sort(all);
    System.out.printf(
        Locale.ROOT,
        "done: %d ok, %d failed in %.1f s: %.0f req/s; latency p50 %.2f ms, p99 %.2f ms, p999 %.2f ms, max %.2f ms%n",
        ok.sum(),
        failed.sum(),
        seconds,
        ok.sum() / seconds,
        pct(all, 0.50),
        pct(all, 0.99),
        pct(all, 0.999),
        all.length == 0 ? 0.0 : all[all.length - 1] / 1e6);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
