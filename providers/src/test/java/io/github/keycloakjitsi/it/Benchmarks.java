package io.github.keycloakjitsi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A closed-loop load driver for the benchmarks: a few client threads send requests back to back
 * for a fixed time and count the answers with the expected status. Variants are measured in
 * alternating rounds within one run, so machine noise hits them alike; results are ratios.
 */
final class Benchmarks {

    /** Requests answered in a measured window, with their latencies in microseconds. */
    record Window(long requests, long failures, List<Long> latenciesMicros, Duration duration) {
        double perSecond() {
            return requests / (duration.toNanos() / 1e9);
        }
    }

    /** A measured variant: its name and the request it sends. */
    record Variant(String name, Supplier<HttpRequest> request, int expectedStatus) {
    }

    private Benchmarks() {
    }

    static Window run(HttpClient http, Variant variant, int threads, Duration duration) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long end = System.nanoTime() + duration.toNanos();
            List<Future<long[]>> results = new ArrayList<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            long started = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    long ok = 0;
                    long failed = 0;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> response = http.send(variant.request().get(), HttpResponse.BodyHandlers.ofString());
                        long micros = (System.nanoTime() - t0) / 1000;
                        if (response.statusCode() == variant.expectedStatus()) {
                            ok++;
                            latencies.add(micros);
                        } else {
                            failed++;
                        }
                    }
                    return new long[]{ok, failed};
                }));
            }
            long ok = 0;
            long failed = 0;
            for (Future<long[]> f : results) {
                long[] r = f.get();
                ok += r[0];
                failed += r[1];
            }
            return new Window(ok, failed, latencies, Duration.ofNanos(System.nanoTime() - started));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Warms each variant up, then measures them in {@code rounds} alternating rounds (the order
     * flips every round, so neither always runs first); returns each variant's windows by name.
     */
    static java.util.Map<String, List<Window>> alternate(HttpClient http, List<Variant> variants, int threads, int rounds,
                                                         Duration round, Duration warmup) {
        variants.forEach(v -> run(http, v, threads, warmup));
        java.util.Map<String, List<Window>> windows = new java.util.LinkedHashMap<>();
        variants.forEach(v -> windows.put(v.name(), new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            List<Variant> order = new ArrayList<>(variants);
            if (r % 2 == 1) {
                Collections.reverse(order);
            }
            for (Variant v : order) {
                windows.get(v.name()).add(run(http, v, threads, round));
            }
        }
        return windows;
    }

    /** Requests per second of all of a variant's windows together. */
    static double rate(List<Window> windows) {
        return windows.stream().mapToLong(Window::requests).sum()
                / windows.stream().mapToDouble(w -> w.duration().toNanos() / 1e9).sum();
    }

    static long failures(java.util.Map<String, List<Window>> windows) {
        return windows.values().stream().flatMap(List::stream).mapToLong(Window::failures).sum();
    }

    /** The run's heading and a table with requests, failures, req/s and p50/p99 latency per variant. */
    static String table(String title, java.util.Map<String, List<Window>> windows, int threads, int rounds, Duration round, Duration warmup) {
        StringBuilder md = new StringBuilder(title).append("\n\n");
        md.append("Run ").append(java.time.Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(threads).append(" client threads, ").append(rounds).append(" alternating rounds of ")
                .append(round.toSeconds()).append(" s per variant after ").append(warmup.toSeconds()).append(" s warm-up each.\n\n");
        md.append("| variant | requests | failures | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n");
        windows.forEach((name, list) -> {
            List<Long> latencies = list.stream().flatMap(w -> w.latenciesMicros().stream()).toList();
            md.append(String.format("| %s | %d | %d | %.1f | %.2f | %.2f |%n", name,
                    list.stream().mapToLong(Window::requests).sum(), list.stream().mapToLong(Window::failures).sum(), rate(list),
                    percentile(latencies, 50) / 1000.0, percentile(latencies, 99) / 1000.0));
        });
        return md.toString();
    }

    static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p / 100.0 * sorted.size())));
    }

    static void write(String name, String markdown) {
        try {
            Path out = Path.of("target", "benchmarks", name + ".md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, markdown);
            System.out.println(markdown);
            System.out.println("(written to " + out.toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
