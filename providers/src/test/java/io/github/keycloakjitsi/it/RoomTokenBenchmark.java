package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Room tokens per second from POST /realms/jitsi-realm/jitsi/token against Keycloak's own refresh
 * grant for the same user and client, on one server in one run, with p50/p99 latency, and the
 * JVM's raw RS256 signing rate on the same machine as the ceiling. Run with {@code mvn verify -Pbenchmark}.
 */
class RoomTokenBenchmark {

    private static final int THREADS = Integer.getInteger("benchmark.threads", 4);
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 6);
    private static final Duration ROUND = Duration.ofSeconds(Long.getLong("benchmark.roundSeconds", 5));
    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("benchmark.warmupSeconds", 15));

    @Test
    void roomTokensAgainstTheRefreshGrant() throws Exception {
        KeycloakServer server = KeycloakServer.shared();
        AdminApi admin = new AdminApi(server);
        AdminApi.TestUser user = admin.newUser("roombench");
        admin.grantRealmRole(user.id(), "jitsi-moderator");
        JitsiWebClient.Tokens tokens = new JitsiWebClient(server).login(user.username(), user.password());

        Benchmarks.Variant roomToken = new Benchmarks.Variant("POST /jitsi/token", () ->
                Http.postForm(server.realmUrl() + "/jitsi/token", Map.of("room", "Benchmark Room"))
                        .header("Authorization", "Bearer " + tokens.accessToken()).build(), 200);
        Benchmarks.Variant refresh = new Benchmarks.Variant("refresh grant (client jitsi)", () ->
                Http.postForm(server.oidcUrl() + "/token", Map.of("grant_type", "refresh_token",
                        "refresh_token", tokens.refreshToken(), "client_id", "jitsi")).build(), 200);
        HttpClient http = HttpClient.newHttpClient();
        assertThat(Http.send(http, roomToken.request().get()).body()).contains("\"token\"");

        Benchmarks.run(http, roomToken, THREADS, WARMUP);
        Benchmarks.run(http, refresh, THREADS, WARMUP);
        Map<String, List<Benchmarks.Window>> windows = new LinkedHashMap<>();
        windows.put(roomToken.name(), new ArrayList<>());
        windows.put(refresh.name(), new ArrayList<>());
        for (int round = 0; round < ROUNDS; round++) {
            List<Benchmarks.Variant> order = round % 2 == 0 ? List.of(roomToken, refresh) : List.of(refresh, roomToken);
            for (Benchmarks.Variant v : order) {
                windows.get(v.name()).add(Benchmarks.run(http, v, THREADS, ROUND));
            }
        }
        double signingRate = rawRs256SigningRate(Duration.ofSeconds(10));

        StringBuilder md = new StringBuilder();
        md.append("Room tokens from /jitsi/token against the refresh grant, same user and client\n\n");
        md.append("Run ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(THREADS).append(" client threads, ").append(ROUNDS).append(" alternating rounds of ")
                .append(ROUND.toSeconds()).append(" s per variant after ").append(WARMUP.toSeconds()).append(" s warm-up each.\n\n");
        md.append("| variant | requests | failures | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n");
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Map.Entry<String, List<Benchmarks.Window>> e : windows.entrySet()) {
            long requests = e.getValue().stream().mapToLong(Benchmarks.Window::requests).sum();
            long failures = e.getValue().stream().mapToLong(Benchmarks.Window::failures).sum();
            double seconds = e.getValue().stream().mapToDouble(w -> w.duration().toNanos() / 1e9).sum();
            List<Long> latencies = e.getValue().stream().flatMap(w -> w.latenciesMicros().stream()).toList();
            rates.put(e.getKey(), requests / seconds);
            md.append(String.format("| %s | %d | %d | %.1f | %.2f | %.2f |%n", e.getKey(), requests, failures, requests / seconds,
                    Benchmarks.percentile(latencies, 50) / 1000.0, Benchmarks.percentile(latencies, 99) / 1000.0));
        }
        double ratio = rates.get(roomToken.name()) / rates.get(refresh.name());
        md.append(String.format("%n/jitsi/token / refresh grant = %.2f (goal >= 2)%n", ratio));
        md.append(String.format("Raw RS256 signing in one JVM on this machine (%d threads, RSA 2048, SHA256withRSA): %.0f signatures/s; "
                        + "/jitsi/token reaches %.1f%% of it.%n", Runtime.getRuntime().availableProcessors(), signingRate,
                100.0 * rates.get(roomToken.name()) / signingRate));
        Benchmarks.write("room-token", md.toString());
        assertThat(windows.values().stream().flatMap(List::stream).mapToLong(Benchmarks.Window::failures).sum()).isZero();
    }

    /** The ceiling: how many RS256 signatures this JVM makes per second with every core signing. */
    private static double rawRs256SigningRate(Duration duration) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        byte[] payload = new byte[900];
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long end = System.nanoTime() + duration.toNanos();
            long start = System.nanoTime();
            List<Future<Long>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> {
                    Signature signer = Signature.getInstance("SHA256withRSA");
                    long n = 0;
                    while (System.nanoTime() < end) {
                        signer.initSign(keys.getPrivate());
                        signer.update(payload);
                        signer.sign();
                        n++;
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> f : counts) {
                total += f.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
