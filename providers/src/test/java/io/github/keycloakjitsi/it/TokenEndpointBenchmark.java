package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throughput of Keycloak's token endpoint, refresh grant, through the shipped {@code jitsi}
 * client (with the Jitsi Meet mapper) against the same client without the mapper, on one server
 * in one run. Two more variants tell what the ratio is made of: a second copy without the mapper
 * (the same work twice: how close to 1 this machine measures equal things, the floor under any
 * ratio) and a copy whose mapper writes the access token only (the share of the ID token and
 * userinfo claims, which Jitsi does not read). Not part of {@code mvn verify}: run with
 * {@code mvn verify -Pbenchmark}.
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
        String plainAgain = "jitsi-without-mapper-2";
        admin.createJitsiClientCopyWithoutJitsiMapper(plainAgain);
        String accessOnly = "jitsi-access-token-only";
        Map<String, String> accessOnlyConfig = new HashMap<>(admin.jitsiMapper().getConfig());
        accessOnlyConfig.put("id.token.claim", "false");
        accessOnlyConfig.put("userinfo.token.claim", "false");
        admin.createJitsiClientCopy(accessOnly, accessOnlyConfig, false);

        String againRefresh = new JitsiWebClient(server, plainAgain).login(user.username(), user.password()).refreshToken();
        String accessOnlyRefresh = new JitsiWebClient(server, accessOnly).login(user.username(), user.password()).refreshToken();
        Benchmarks.Variant with = refresh(server, "jitsi", withRefresh, "with the Jitsi mapper");
        Benchmarks.Variant without = refresh(server, plainClient, withoutRefresh, "without it");
        Benchmarks.Variant again = refresh(server, plainAgain, againRefresh, "without it, a second copy");
        Benchmarks.Variant accessTokenOnly = refresh(server, accessOnly, accessOnlyRefresh, "with the mapper in the access token only");
        JitsiWebClient.Tokens withTokens = new JitsiWebClient(server).refresh(withRefresh);
        JitsiWebClient.Tokens accessOnlyTokens = new JitsiWebClient(server, accessOnly).refresh(accessOnlyRefresh);
        assertThat(ProsodyRules.payload(withTokens.accessToken())).containsKey("context");
        assertThat(ProsodyRules.payload(withTokens.idToken())).containsKey("context");
        assertThat(ProsodyRules.payload(accessOnlyTokens.accessToken())).containsKey("context");
        assertThat(ProsodyRules.payload(accessOnlyTokens.idToken())).doesNotContainKey("context");
        assertThat(ProsodyRules.payload(new JitsiWebClient(server, plainClient).refresh(withoutRefresh).accessToken())).doesNotContainKey("context");
        assertThat(ProsodyRules.payload(new JitsiWebClient(server, plainAgain).refresh(againRefresh).accessToken())).doesNotContainKey("context");

        Map<String, List<Benchmarks.Window>> windows = Benchmarks.alternate(server, List.of(with, without, again, accessTokenOnly),
                CONNECTIONS, ROUNDS, ROUND, WARMUP);

        StringBuilder md = new StringBuilder(Benchmarks.table(
                "Token endpoint, refresh grant, client `jitsi` with and without the Jitsi Meet mapper", windows, CONNECTIONS, ROUNDS, ROUND, WARMUP));
        double ratio = Benchmarks.rate(windows.get(with.name())) / Benchmarks.rate(windows.get(without.name()));
        md.append(String.format("%nwith/without = %.3f in requests per second (goal >= 0.99); %.3f in Keycloak CPU per request%n", ratio,
                Benchmarks.serverCpuPerRequest(windows.get(without.name())) / Benchmarks.serverCpuPerRequest(windows.get(with.name()))));
        md.append(Benchmarks.roundRatios(windows.get(with.name()), windows.get(without.name()))).append("\n");
        md.append(String.format("%nThe floor, the second copy without the mapper against the first (equal work): %.3f in requests per second, %.3f"
                        + " in Keycloak CPU per request; ", Benchmarks.rate(windows.get(again.name())) / Benchmarks.rate(windows.get(without.name())),
                Benchmarks.serverCpuPerRequest(windows.get(without.name())) / Benchmarks.serverCpuPerRequest(windows.get(again.name()))))
                .append(Benchmarks.roundRatios(windows.get(again.name()), windows.get(without.name()))).append("\n");
        md.append(String.format("%nThe mapper in the access token only, against without it: %.3f in requests per second, %.3f in Keycloak CPU"
                        + " per request; ", Benchmarks.rate(windows.get(accessTokenOnly.name())) / Benchmarks.rate(windows.get(without.name())),
                Benchmarks.serverCpuPerRequest(windows.get(without.name())) / Benchmarks.serverCpuPerRequest(windows.get(accessTokenOnly.name()))))
                .append(Benchmarks.roundRatios(windows.get(accessTokenOnly.name()), windows.get(without.name()))).append("\n");
        md.append(String.format("%nResponse sizes, bytes of access token / ID token: with the mapper %d / %d, access token only %d / %d,"
                        + " without it %d / %d%n", withTokens.accessToken().length(), withTokens.idToken().length(),
                accessOnlyTokens.accessToken().length(), accessOnlyTokens.idToken().length(),
                new JitsiWebClient(server, plainClient).refresh(withoutRefresh).accessToken().length(),
                new JitsiWebClient(server, plainClient).refresh(withoutRefresh).idToken().length()));
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
