package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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

    private static final String ROOM_TOKEN = "POST /jitsi/token";
    private static final int CONNECTIONS = Integer.getInteger("benchmark.connections", 4);
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

        // Access tokens live 5 minutes, a run with more rounds longer: each round gets a fresh one (refreshed outside the measurement).
        Supplier<Benchmarks.Variant> roomToken = () -> new Benchmarks.Variant(ROOM_TOKEN, server.realmUrl() + "/jitsi/token",
                Map.of("Authorization", "Bearer " + new JitsiWebClient(server).refresh(tokens.refreshToken()).accessToken()),
                Http.form(Map.of("room", "Benchmark Room")));
        Benchmarks.Variant refresh = new Benchmarks.Variant("refresh grant (client jitsi)", server.oidcUrl() + "/token", Map.of(),
                Http.form(Map.of("grant_type", "refresh_token", "refresh_token", tokens.refreshToken(), "client_id", "jitsi")));
        assertThat(JitsiTokenEndpointIT.requestToken(tokens.accessToken(), Map.of("room", "Benchmark Room")).body()).contains("\"token\"");

        Map<String, List<Benchmarks.Window>> windows = Benchmarks.alternateFresh(server, List.of(roomToken, () -> refresh), CONNECTIONS, ROUNDS, ROUND, WARMUP);
        double signingRate = rawRs256SigningRate(Duration.ofSeconds(10));

        StringBuilder md = new StringBuilder(Benchmarks.table(
                "Room tokens from /jitsi/token against the refresh grant, same user and client", windows, CONNECTIONS, ROUND, WARMUP));
        double roomRate = Benchmarks.rate(windows.get(ROOM_TOKEN));
        md.append("\n/jitsi/token / refresh grant (goal >= 2): ")
                .append(Benchmarks.compare(windows.get(ROOM_TOKEN), windows.get(refresh.name()))).append("\n");
        md.append(String.format("Raw RS256 signing in one JVM on this machine (%d threads, RSA 2048, SHA256withRSA): %.0f signatures/s; "
                        + "/jitsi/token reaches %.1f%% of it.%n", Runtime.getRuntime().availableProcessors(), signingRate,
                100.0 * roomRate / signingRate));
        Benchmarks.write("room-token", md.toString());
        assertThat(Benchmarks.failures(windows)).as("every request answered 200").isZero();
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
