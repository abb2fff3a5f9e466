package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throughput of Keycloak's token endpoint, refresh grant, through the shipped {@code jitsi}
 * client (with the Jitsi Meet mapper) against the same client without the mapper, on one server
 * in one run. Not part of {@code mvn verify}: run with {@code mvn verify -Pbenchmark}.
 */
class TokenEndpointBenchmark {

    private static final int THREADS = Integer.getInteger("benchmark.threads", 4);
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 6);
    private static final Duration ROUND = Duration.ofSeconds(Long.getLong("benchmark.roundSeconds", 5));
    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("benchmark.warmupSeconds", 15));

    @Test
    void refreshGrantWithAndWithoutTheJitsiMapper() {
        KeycloakServer server = KeycloakServer.shared();
        AdminApi admin = new AdminApi(server);
        String plainClient = "jitsi-without-mapper";
        admin.createJitsiClientCopyWithoutJitsiMapper(plainClient);
        AdminApi.TestUser user = admin.newUser("bench");
        admin.grantRealmRole(user.id(), "jitsi-moderator");

        String withRefresh = new JitsiWebClient(server, "jitsi").login(user.username(), user.password()).refreshToken();
        String withoutRefresh = new JitsiWebClient(server, plainClient).login(user.username(), user.password()).refreshToken();
        HttpClient http = HttpClient.newHttpClient();
        Benchmarks.Variant with = refresh(server, "jitsi", withRefresh, "with the Jitsi mapper");
        Benchmarks.Variant without = refresh(server, plainClient, withoutRefresh, "without it");
        assertThat(ProsodyRules.payload(new JitsiWebClient(server).refresh(withRefresh).accessToken())).containsKey("context");
        assertThat(ProsodyRules.payload(new JitsiWebClient(server, plainClient).refresh(withoutRefresh).accessToken())).doesNotContainKey("context");

        Benchmarks.run(http, with, THREADS, WARMUP);
        Benchmarks.run(http, without, THREADS, WARMUP);

        Map<String, List<Benchmarks.Window>> windows = new LinkedHashMap<>();
        windows.put(with.name(), new ArrayList<>());
        windows.put(without.name(), new ArrayList<>());
        for (int round = 0; round < ROUNDS; round++) {
            // Alternate the order so neither variant always runs first in a round.
            List<Benchmarks.Variant> order = round % 2 == 0 ? List.of(with, without) : List.of(without, with);
            for (Benchmarks.Variant v : order) {
                windows.get(v.name()).add(Benchmarks.run(http, v, THREADS, ROUND));
            }
        }

        StringBuilder md = new StringBuilder();
        md.append("Token endpoint, refresh grant, client `jitsi` with and without the Jitsi Meet mapper\n\n");
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
            double rate = requests / seconds;
            rates.put(e.getKey(), rate);
            md.append(String.format("| %s | %d | %d | %.1f | %.2f | %.2f |%n", e.getKey(), requests, failures, rate,
                    Benchmarks.percentile(latencies, 50) / 1000.0, Benchmarks.percentile(latencies, 99) / 1000.0));
        }
        double ratio = rates.get(with.name()) / rates.get(without.name());
        md.append(String.format("%nwith/without = %.3f (goal >= 0.97)%n", ratio));
        Benchmarks.write("token-endpoint", md.toString());
        assertThat(windows.values().stream().flatMap(List::stream).mapToLong(Benchmarks.Window::failures).sum())
                .as("every request answered 200").isZero();
    }

    private static Benchmarks.Variant refresh(KeycloakServer server, String clientId, String refreshToken, String name) {
        return new Benchmarks.Variant(name, () -> Http.postForm(server.oidcUrl() + "/token",
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId)).build(), 200);
    }
}
