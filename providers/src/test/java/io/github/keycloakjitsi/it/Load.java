package io.github.keycloakjitsi.it;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A load of requests from a few threads, each request's outcome kept: which endpoint and node,
 * the status, whether that status is what the request should get, how long it took. For the
 * production tests (requests during a database restart or a node's stop) and the soak.
 */
final class Load {

    /** One request: {@code status} -1 when no connection could be made. */
    record Outcome(String endpoint, String node, int status, boolean expected, String problem, long nanos, long startedAt) {

        static Outcome of(String endpoint, String node, long started, java.net.http.HttpResponse<String> response, int... expected) {
            int status = response.statusCode();
            boolean ok = false;
            for (int e : expected) {
                ok |= e == status;
            }
            String problem = leaks(response.body()) ? "stack trace in the answer: " + abbreviate(response.body())
                    : ok ? null : status + " " + abbreviate(response.body());
            return new Outcome(endpoint, node, status, problem == null, problem, System.nanoTime() - started, started);
        }

        static Outcome unreachable(String endpoint, String node, long started, UncheckedIOException e) {
            return new Outcome(endpoint, node, -1, false, "no connection: " + e.getCause(), System.nanoTime() - started, started);
        }
    }

    /** What no answer may show: a Java stack trace. */
    static boolean leaks(String body) {
        return body.contains("Exception") || body.contains("\tat ") || body.contains("at org.") || body.contains("Caused by");
    }

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code threads} threads, each running {@code request} (given its own Random) until {@link #stop()}. */
    static Load start(int threads, long seed, Function<Random, Outcome> request) {
        Load load = new Load();
        for (int i = 0; i < threads; i++) {
            Random random = new Random(seed + i);
            Thread thread = new Thread(() -> {
                while (load.running.get()) {
                    load.outcomes.add(request.apply(random));
                }
            }, "load-" + i);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    /** Stops the threads (after their current request) and returns every outcome so far, in start order. */
    List<Outcome> stop() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return snapshot();
    }

    /**
     * Waits until {@code condition} holds for the outcomes so far (in start order), looking every
     * 100 ms, for {@code bound} at most; whether it held. What a test waits for instead of a fixed
     * time: "20 requests answered", "100 answered as they must be since the restart".
     */
    boolean await(java.util.function.Predicate<List<Outcome>> condition, java.time.Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.test(snapshot())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return true;
    }

    /** How many of {@code outcomes} started after {@code nanoTime} (System.nanoTime) and got the answer they must. */
    static long expectedSince(List<Outcome> outcomes, long nanoTime) {
        return outcomes.stream().filter(o -> o.startedAt() > nanoTime && o.expected()).count();
    }

    /**
     * The last run of outcomes (in start order) that all got the answer they must, among those
     * started after {@code nanoTime}: from after the last unexpected one to the end.
     */
    static List<Outcome> expectedRunAtTheEnd(List<Outcome> outcomes, long nanoTime) {
        List<Outcome> since = outcomes.stream().filter(o -> o.startedAt() > nanoTime).toList();
        int from = since.size();
        while (from > 0 && since.get(from - 1).expected()) {
            from--;
        }
        return since.subList(from, since.size());
    }

    List<Outcome> snapshot() {
        List<Outcome> all = new ArrayList<>(outcomes);
        all.sort(java.util.Comparator.comparingLong(Outcome::startedAt));
        return all;
    }

    /** Requests by endpoint and status, for the figures. */
    static Map<String, Map<Integer, Integer>> statuses(List<Outcome> outcomes) {
        Map<String, Map<Integer, Integer>> counts = new TreeMap<>();
        for (Outcome o : outcomes) {
            counts.computeIfAbsent(o.endpoint(), k -> new TreeMap<>()).merge(o.status(), 1, Integer::sum);
        }
        return counts;
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
