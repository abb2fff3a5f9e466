package io.github.keycloakjitsi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load driver of the benchmarks: wrk (Debian's package), a small C client, so that on a
 * 2-core machine the driver takes as little CPU from Keycloak as possible. Variants are measured
 * in rounds of a balanced order ({@link #order}) or all at the same time ({@link #together}) within
 * one run, so machine noise hits them alike; results are ratios.
 * Keycloak's own CPU time per request is measured too, independent of the driver.
 */
final class Benchmarks {

    /** A measured variant: a POST of a form body with headers. */
    record Variant(String name, String url, Map<String, String> headers, String formBody) {
    }

    /**
     * One wrk run: answered requests, non-2xx answers, latency percentiles, and Keycloak's CPU time
     * meanwhile ({@code null} when the variants ran {@link #together}: then the CPU is theirs jointly).
     */
    record Window(long requests, long failures, double p50Millis, double p99Millis, Duration duration, Duration serverCpu) {
    }

    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern PERCENTILE = Pattern.compile("(?m)^\\s+(50|99)(?:\\.000)?%\\s+([\\d.]+)(us|ms|s)\\s*$");

    private Benchmarks() {
    }

    static Window run(KeycloakServer server, Variant variant, int connections, Duration duration) {
        Duration cpuBefore = server.cpuTime();
        String output = wrk(variant, connections, duration);
        return parse(output, server.cpuTime().minus(cpuBefore));
    }

    /** Runs wrk against one variant and returns its summary. */
    private static String wrk(Variant variant, int connections, Duration duration) {
        try {
            Path script = Files.createTempFile("wrk", ".lua");
            StringBuilder lua = new StringBuilder("wrk.method = \"POST\"\n")
                    .append("wrk.body = [[").append(variant.formBody()).append("]]\n")
                    .append("wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n");
            variant.headers().forEach((k, v) -> lua.append("wrk.headers[\"").append(k).append("\"] = [[").append(v).append("]]\n"));
            Files.writeString(script, lua);
            ProjectFiles.Process.Result result = ProjectFiles.Process.run(ProjectFiles.root(), List.of("wrk", "-t1", "-c" + connections,
                    "-d" + duration.toSeconds() + "s", "--latency", "-s", script.toString(), variant.url()), Map.of());
            Files.delete(script);
            if (result.exitCode() != 0) {
                throw new AssertionError("wrk failed: " + result.output());
            }
            return result.output();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Window parse(String wrkOutput, Duration serverCpu) {
        Matcher total = TOTAL.matcher(wrkOutput);
        if (!total.find()) {
            throw new AssertionError("unexpected wrk output:\n" + wrkOutput);
        }
        long requests = Long.parseLong(total.group(1));
        Duration duration = Duration.ofNanos((long) (Double.parseDouble(total.group(2)) * nanos(total.group(3))));
        Matcher non2xx = NON_2XX.matcher(wrkOutput);
        long failures = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
        Map<String, Double> percentiles = new LinkedHashMap<>();
        Matcher p = PERCENTILE.matcher(wrkOutput);
        while (p.find()) {
            percentiles.put(p.group(1), Double.parseDouble(p.group(2)) * nanos(p.group(3)) / 1e6);
        }
        return new Window(requests - failures, failures, percentiles.getOrDefault("50", -1.0), percentiles.getOrDefault("99", -1.0),
                duration, serverCpu);
    }

    private static double nanos(String unit) {
        return switch (unit) {
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> throw new IllegalArgumentException(unit);
        };
    }

    /**
     * Warms each variant up, then measures them in {@code rounds} rounds (rounded up to whole
     * {@link #balancedRounds}), each variant once per round in the order of {@link #order}; returns
     * each variant's windows by name.
     */
    static Map<String, List<Window>> alternate(KeycloakServer server, List<Variant> variants, int connections,
                                               int rounds, Duration round, Duration warmup) {
        return alternateFresh(server, variants.stream().map(v -> (Supplier<Variant>) () -> v).toList(), connections, rounds, round, warmup);
    }

    /**
     * {@link #alternate} with each run's variant made just before it runs (say, a new invitation,
     * whose joins per minute are limited); the warm-up runs in rounds too. Variants keep their names.
     */
    static Map<String, List<Window>> alternateFresh(KeycloakServer server, List<Supplier<Variant>> variants, int connections,
                                                    int rounds, Duration round, Duration warmup) {
        Map<String, List<Window>> windows = new LinkedHashMap<>();
        for (Supplier<Variant> v : variants) {
            for (Duration left = warmup; !left.isNegative() && !left.isZero(); left = left.minus(round)) {
                Variant variant = v.get();
                windows.putIfAbsent(variant.name(), new ArrayList<>());
                run(server, variant, connections, left.compareTo(round) < 0 ? left : round);
            }
        }
        int square = balancedRounds(variants.size());
        for (int r = 0; r < (rounds + square - 1) / square * square; r++) {
            for (int v : order(variants.size(), r)) {
                Variant variant = variants.get(v).get();
                windows.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(run(server, variant, connections, round));
            }
        }
        return windows;
    }

    /**
     * Every variant at the same time, each through a wrk of its own with {@code connectionsEach}
     * connections, for {@code rounds} rounds after a warm-up of them all together. Load from other
     * programs on the machine, which comes and goes and moves single rounds when variants take
     * turns, then meets all variants at the same moments; the scheduler shares the CPU among the
     * requests in flight, so the one that needs more CPU answers fewer in the same time. Each
     * round's wrk processes start in the {@link #order} of the round. Keycloak's CPU time is not
     * told apart per variant ({@link Window#serverCpu} is null).
     */
    static Map<String, List<Window>> together(List<Variant> variants, int connectionsEach, int rounds, Duration round,
                                              Duration warmup) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(variants.size());
        try {
            Map<String, List<Window>> windows = new LinkedHashMap<>();
            variants.forEach(v -> windows.put(v.name(), new ArrayList<>()));
            for (int r = -1; r < rounds; r++) {
                Duration length = r < 0 ? warmup : round;
                Map<Variant, java.util.concurrent.Future<String>> running = new LinkedHashMap<>();
                for (int v : order(variants.size(), Math.max(r, 0))) {
                    Variant variant = variants.get(v);
                    running.put(variant, pool.submit(() -> wrk(variant, connectionsEach, length)));
                }
                for (Map.Entry<Variant, java.util.concurrent.Future<String>> run : running.entrySet()) {
                    Window window = parse(run.getValue().get(), null);
                    if (r >= 0) {
                        windows.get(run.getKey().name()).add(window);
                    }
                }
            }
            return windows;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The order of the variants in round {@code round}: a Williams design, the crossover design that
     * balances order and carry-over. Over {@link #balancedRounds} rounds every variant runs in every
     * place equally often and right after every other variant equally often, so a place in the round
     * or a neighbour that slows what follows it (garbage left, caches) costs all variants alike. With
     * two variants it is A B, B A. The first row is 0, 1, n-1, 2, n-2, ...; the next rows add the
     * round's number; with an odd number of variants the rows come again, reversed.
     */
    static List<Integer> order(int variants, int round) {
        int row = round % balancedRounds(variants);
        List<Integer> order = new ArrayList<>();
        for (int place = 0, low = 1, high = variants - 1; place < variants; place++) {
            int first = place == 0 ? 0 : place % 2 == 1 ? low++ : high--;
            order.add((first + row) % variants);
        }
        if (row >= variants) {
            Collections.reverse(order);
        }
        return order;
    }

    /** Rounds after which {@link #order} is balanced: the number of variants if even, twice it if odd. */
    static int balancedRounds(int variants) {
        return variants % 2 == 0 ? variants : 2 * variants;
    }

    /** Answered requests per second of all of a variant's windows together. */
    static double rate(List<Window> windows) {
        return windows.stream().mapToLong(Window::requests).sum()
                / windows.stream().mapToDouble(w -> w.duration().toNanos() / 1e9).sum();
    }

    /** Milliseconds of Keycloak CPU per answered request. */
    static double serverCpuPerRequest(List<Window> windows) {
        return windows.stream().mapToDouble(w -> w.serverCpu().toNanos() / 1e6).sum()
                / windows.stream().mapToLong(Window::requests).sum();
    }

    /** One way to compare two sets of windows: its name and the ratio it gives (above 1, the first did better). */
    private record Measure(String name, java.util.function.BiFunction<List<Window>, List<Window>, Double> ratio) {
    }

    private static final Measure REQUESTS_PER_SECOND = new Measure("in requests per second", (a, b) -> rate(a) / rate(b));
    private static final Measure CPU_PER_REQUEST = new Measure("in Keycloak CPU per request",
            (a, b) -> serverCpuPerRequest(b) / serverCpuPerRequest(a));

    /**
     * {@code a} against {@code b}, pair of windows by pair (each pair measured in the same round):
     * in requests per second (a's over b's) and, where Keycloak's CPU was measured for each window
     * apart, in Keycloak CPU per request (b's over a's; above 1, a costs less). For each: the ratio
     * of all the windows together; the median and range of the rounds' ratios (load from other
     * programs that comes and goes moves single rounds); and a 95% interval, the 2.5th and 97.5th
     * percentiles of the ratio over 10000 resamplings of the rounds with replacement, each round's
     * pair kept together (a bootstrap; fixed seed, so the same windows give the same interval): how
     * far this run's noise leaves the ratio open. The one form every benchmark reports a ratio in.
     */
    static String compare(List<Window> a, List<Window> b) {
        int n = Math.min(a.size(), b.size());
        List<Measure> measures = cpuMeasuredApart(a) && cpuMeasuredApart(b) ? List.of(REQUESTS_PER_SECOND, CPU_PER_REQUEST)
                : List.of(REQUESTS_PER_SECOND);
        List<String> parts = new ArrayList<>();
        for (Measure measure : measures) {
            List<Double> rounds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rounds.add(measure.ratio().apply(List.of(a.get(i)), List.of(b.get(i))));
            }
            java.util.Random random = new java.util.Random(42);
            double[] resampled = new double[10_000];
            for (int i = 0; i < resampled.length; i++) {
                List<Window> sampleA = new ArrayList<>();
                List<Window> sampleB = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    int round = random.nextInt(n);
                    sampleA.add(a.get(round));
                    sampleB.add(b.get(round));
                }
                resampled[i] = measure.ratio().apply(sampleA, sampleB);
            }
            java.util.Arrays.sort(resampled);
            parts.add(String.format("%.3f %s (round by round: median %.3f, %.3f to %.3f; 95%% interval %.3f to %.3f)",
                    measure.ratio().apply(a.subList(0, n), b.subList(0, n)), measure.name(), median(rounds), Collections.min(rounds),
                    Collections.max(rounds), resampled[(int) (0.025 * resampled.length)], resampled[(int) (0.975 * resampled.length) - 1]));
        }
        return String.join(", ", parts) + ", " + n + " rounds";
    }

    /** Whether Keycloak's CPU time was measured for each of these windows alone (not when variants ran {@link #together}). */
    private static boolean cpuMeasuredApart(List<Window> windows) {
        return windows.stream().allMatch(w -> w.serverCpu() != null);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static long failures(Map<String, List<Window>> windows) {
        return windows.values().stream().flatMap(List::stream).mapToLong(Window::failures).sum();
    }

    /** A percentile over the rounds, each round weighted by its requests. */
    private static double weighted(List<Window> windows, java.util.function.ToDoubleFunction<Window> percentile) {
        return windows.stream().mapToDouble(w -> percentile.applyAsDouble(w) * w.requests()).sum()
                / windows.stream().mapToLong(Window::requests).sum();
    }

    /** The run's heading and a table per variant: requests, failures, req/s, p50/p99 latency, Keycloak CPU per request. */
    static String table(String title, Map<String, List<Window>> windows, int connections, Duration round, Duration warmup) {
        boolean apart = windows.values().stream().allMatch(Benchmarks::cpuMeasuredApart);
        StringBuilder md = new StringBuilder(title).append("\n\n");
        md.append("Run ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(windows.values().iterator().next().size())
                .append(apart ? " rounds (balanced order) of %d s per variant after %d s warm-up each, wrk with 1 thread and %d connections.%n%n"
                        .formatted(round.toSeconds(), warmup.toSeconds(), connections)
                        : " rounds of %d s with every variant at the same time after %d s warm-up, each variant through a wrk of its own (1 thread, %d connections).%n%n"
                        .formatted(round.toSeconds(), warmup.toSeconds(), connections));
        md.append("| variant | requests | failures | req/s | p50 ms | p99 ms |").append(apart ? " Keycloak CPU ms/req |" : "")
                .append("\n|---|---|---|---|---|---|").append(apart ? "---|" : "").append("\n");
        windows.forEach((name, list) -> md.append(String.format("| %s | %d | %d | %.1f | %.2f | %.2f |", name,
                list.stream().mapToLong(Window::requests).sum(), list.stream().mapToLong(Window::failures).sum(), rate(list),
                weighted(list, Window::p50Millis), weighted(list, Window::p99Millis)))
                .append(apart ? String.format(" %.3f |", serverCpuPerRequest(list)) : "").append("\n"));
        return md.toString();
    }

    /**
     * Where Keycloak's CPU goes under one variant's load, sampled by the JDK's flight recorder
     * (10 ms execution samples of every thread, settings "profile"): how many samples there were,
     * how many had a frame of {@code prefix} on their stack, how many stacks were cut off at
     * {@link #STACK_DEPTH} frames anyway (their outer frames unseen), and the top frames of
     * {@code prefix} by how often they were the deepest such frame. A share of samples is a ratio within one
     * recording, so machine noise hits both sides of it alike.
     */
    record Profile(long samples, long inPrefix, long truncated, Map<String, Long> topFrames, double allocated, double allocatedInPrefix,
                   Map<String, Double> topAllocating) {
        double share() {
            return samples == 0 ? 0 : (double) inPrefix / samples;
        }

        /**
         * The share of the bytes allocated (the weights of the recorder's allocation samples) by a
         * stack with a frame of the prefix: garbage the collector's threads clean up, which no
         * execution sample of the request threads shows.
         */
        double allocationShare() {
            return allocated == 0 ? 0 : allocatedInPrefix / allocated;
        }
    }

    /**
     * Frames kept per stack. The recorder keeps 64 by default, cutting off the outer frames of
     * Keycloak's deep stacks (a sample deep in Keycloak's role model under the mapper would not show
     * the mapper); it can be raised only before the recorder's first start in the server.
     */
    private static final int STACK_DEPTH = 1024;
    /** The server processes (by pid) whose recorder has been told {@link #STACK_DEPTH}. */
    private static final java.util.Set<String> CONFIGURED_SERVERS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final Pattern WEIGHT = Pattern.compile("weight = ([\\d.]+) (bytes?|kB|MB|GB)");

    static Profile profile(KeycloakServer server, Variant variant, int connections, Duration duration, String prefix) {
        try {
            Path bin = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
            Path recording = Files.createTempFile("keycloak", ".jfr");
            String pid = String.valueOf(server.javaPid());
            if (CONFIGURED_SERVERS.add(pid)) {
                jdkTool(bin.resolve("jcmd"), pid, "JFR.configure", "stackdepth=" + STACK_DEPTH);
            }
            jdkTool(bin.resolve("jcmd"), pid, "JFR.start", "name=benchmark", "settings=profile");
            run(server, variant, connections, duration);
            jdkTool(bin.resolve("jcmd"), pid, "JFR.stop", "name=benchmark", "filename=" + recording);
            String samples = jdkTool(bin.resolve("jfr"), "print", "--events", "jdk.ExecutionSample", "--stack-depth",
                    String.valueOf(STACK_DEPTH), recording.toString());
            String allocations = jdkTool(bin.resolve("jfr"), "print", "--events", "jdk.ObjectAllocationSample", "--stack-depth",
                    String.valueOf(STACK_DEPTH), recording.toString());
            Files.delete(recording);
            long total = 0;
            long in = 0;
            long truncated = 0;
            Map<String, Long> top = new LinkedHashMap<>();
            for (String sample : samples.split("jdk\\.ExecutionSample \\{")) {
                if (!sample.contains("stackTrace")) {
                    continue;
                }
                total++;
                if (sample.contains("truncated = true")) {
                    truncated++;
                }
                java.util.Optional<String> deepest = deepest(sample, prefix);
                if (deepest.isPresent()) {
                    in++;
                    top.merge(deepest.get(), 1L, Long::sum);
                }
            }
            double allocated = 0;
            double allocatedIn = 0;
            Map<String, Double> topAllocating = new LinkedHashMap<>();
            for (String sample : allocations.split("jdk\\.ObjectAllocationSample \\{")) {
                Matcher weight = WEIGHT.matcher(sample);
                if (!weight.find()) {
                    continue;
                }
                double bytes = Double.parseDouble(weight.group(1)) * switch (weight.group(2)) {
                    case "kB" -> 1e3;
                    case "MB" -> 1e6;
                    case "GB" -> 1e9;
                    default -> 1;
                };
                allocated += bytes;
                java.util.Optional<String> deepest = deepest(sample, prefix);
                if (deepest.isPresent()) {
                    allocatedIn += bytes;
                    topAllocating.merge(deepest.get(), bytes, Double::sum);
                }
            }
            return new Profile(total, in, truncated, mostFirst(top), allocated, allocatedIn, mostFirst(topAllocating));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The deepest frame of {@code prefix} in a printed stack, without its line. */
    private static java.util.Optional<String> deepest(String printedEvent, String prefix) {
        return printedEvent.lines().map(String::strip).filter(l -> l.startsWith(prefix)).findFirst()
                .map(frame -> frame.replaceAll("\\s+line:.*", ""));
    }

    /** The eight frames with the most, most first. */
    private static <V extends Comparable<V>> Map<String, V> mostFirst(Map<String, V> counts) {
        Map<String, V> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, V>comparingByValue().reversed()).limit(8)
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static String jdkTool(Path tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(List.of(args));
        ProjectFiles.Process.Result result = ProjectFiles.Process.run(ProjectFiles.root(), command, Map.of());
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + result.output());
        }
        return result.output();
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
