package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throughput of Keycloak's token endpoint, refresh grant, through the shipped {@code jitsi}
 * client (with the Jitsi Meet mapper) against the same client without the mapper, on one server
 * in one run. Not part of {@code mvn verify}: run with {@code mvn verify -Pbenchmark}.
 */
class TokenEndpointBenchmark {

    private static final int CONNECTIONS = Integer.getInteger("benchmark.connections", 4);
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
        Benchmarks.Variant with = refresh(server, "jitsi", withRefresh, "with the Jitsi mapper");
        Benchmarks.Variant without = refresh(server, plainClient, withoutRefresh, "without it");
        assertThat(ProsodyRules.payload(new JitsiWebClient(server).refresh(withRefresh).accessToken())).containsKey("context");
        assertThat(ProsodyRules.payload(new JitsiWebClient(server, plainClient).refresh(withoutRefresh).accessToken())).doesNotContainKey("context");

        Map<String, List<Benchmarks.Window>> windows = Benchmarks.alternate(server, List.of(with, without), CONNECTIONS, ROUNDS, ROUND, WARMUP);

        StringBuilder md = new StringBuilder(Benchmarks.table(
                "Token endpoint, refresh grant, client `jitsi` with and without the Jitsi Meet mapper", windows, CONNECTIONS, ROUNDS, ROUND, WARMUP));
        double ratio = Benchmarks.rate(windows.get(with.name())) / Benchmarks.rate(windows.get(without.name()));
        md.append(String.format("%nwith/without = %.3f in requests per second (goal >= 0.99); %.3f in Keycloak CPU per request%n", ratio,
                Benchmarks.serverCpuPerRequest(windows.get(without.name())) / Benchmarks.serverCpuPerRequest(windows.get(with.name()))));
        md.append(Benchmarks.roundRatios(windows.get(with.name()), windows.get(without.name()))).append("\n");
        Benchmarks.Profile profile = Benchmarks.profile(server, with, CONNECTIONS, ROUND.multipliedBy(4), "io.github.keycloakjitsi.");
        md.append(String.format("%nFlight recorder, %d s of the refresh grant with the mapper: %d of %d execution samples (%.2f%%) have a"
                + " frame of the bundle on their stack (goal <= 1%%). Deepest frames of the bundle:%n%n", ROUND.multipliedBy(4).toSeconds(),
                profile.inPrefix(), profile.samples(), 100 * profile.share()));
        profile.topFrames().forEach((frame, count) -> md.append("- ").append(count).append(" `").append(frame).append("`\n"));
        Benchmarks.write("token-endpoint", md.toString());
        assertThat(Benchmarks.failures(windows)).as("every request answered 200").isZero();
    }

    private static Benchmarks.Variant refresh(KeycloakServer server, String clientId, String refreshToken, String name) {
        return new Benchmarks.Variant(name, server.oidcUrl() + "/token", Map.of(),
                Http.form(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId)));
    }
}
