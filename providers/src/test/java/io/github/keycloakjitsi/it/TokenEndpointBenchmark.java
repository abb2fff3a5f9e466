package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throughput of Keycloak's token endpoint, refresh grant, through the shipped {@code jitsi}
 * client (with the Jitsi Meet mapper) against the same client without the mapper, on one server
 * in one run, all variants loading the server at the same time ({@link Benchmarks#together}), so
 * the machine's load that comes and goes meets them all alike. Three more variants tell what the
 * ratio is made of: a second copy without the mapper (the same work twice: how close to 1 this
 * machine measures equal things, the floor under any ratio); a copy where two of Keycloak's own
 * mappers write the same claims instead (a hardcoded claim {@code context} with the same JSON, an
 * audience {@code jitsi-meet}): what Keycloak spends on any mapper that makes tokens this size,
 * whoever wrote it; and a copy whose Jitsi mapper leaves the ID token alone: what the claims' copy
 * there costs (Jitsi reads only the access token's). Not part of {@code mvn verify}: run with
 * {@code mvn verify -Pbenchmark}.
 */
class TokenEndpointBenchmark {

    /**
     * Each variant's connections. With one each, a round's ratio between the two copies without the
     * mapper ranged from 0.82 to 1.27; with four each, from 0.94 to 1.07 (runs of 2026-12-05).
     */
    private static final int CONNECTIONS = Integer.getInteger("benchmark.connections", 4);
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 24);
    private static final Duration ROUND = Duration.ofSeconds(Long.getLong("benchmark.roundSeconds", 10));
    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("benchmark.warmupSeconds", 15));
    private static final Duration PROFILE = Duration.ofSeconds(Long.getLong("benchmark.profileSeconds", 60));

    @Test
    void refreshGrantWithAndWithoutTheJitsiMapper() {
        KeycloakServer server = KeycloakServer.shared();
        AdminApi admin = new AdminApi(server);
        String plainClient = "jitsi-without-mapper";
        admin.createJitsiClientTwinWithoutJitsiMapper(plainClient, List.of());
        AdminApi.TestUser user = admin.newUser("bench");
        admin.grantRealmRole(user.id(), "jitsi-moderator");

        String withRefresh = new JitsiWebClient(server, "jitsi").login(user.username(), user.password()).refreshToken();
        String withoutRefresh = new JitsiWebClient(server, plainClient).login(user.username(), user.password()).refreshToken();
        // Before Keycloak's own audience mapper below: saving a Jitsi mapper refuses an audience another client's mapper writes.
        String noIdCopy = "jitsi-not-in-id-token";
        Map<String, String> noIdConfig = new HashMap<>(admin.jitsiMapper().getConfig());
        noIdConfig.put("id.token.claim", "false");
        admin.createJitsiClientCopy(noIdCopy, noIdConfig, false);
        String noIdRefresh = new JitsiWebClient(server, noIdCopy).login(user.username(), user.password()).refreshToken();
        String plainAgain = "jitsi-without-mapper-2";
        admin.createJitsiClientTwinWithoutJitsiMapper(plainAgain, List.of());
        String keycloakMappers = "jitsi-keycloak-mappers";
        JitsiWebClient.Tokens withTokens = new JitsiWebClient(server).refresh(withRefresh);
        admin.createJitsiClientTwinWithoutJitsiMapper(keycloakMappers, List.of(
                keycloakMapper("oidc-hardcoded-claim-mapper", Map.of("claim.name", "context", "jsonType.label", "JSON",
                        "claim.value", Json.write(ProsodyRules.payload(withTokens.accessToken()).get("context")))),
                keycloakMapper("oidc-audience-mapper", Map.of("included.custom.audience", "jitsi-meet"))));

        String againRefresh = new JitsiWebClient(server, plainAgain).login(user.username(), user.password()).refreshToken();
        String keycloakMappersRefresh = new JitsiWebClient(server, keycloakMappers).login(user.username(), user.password()).refreshToken();
        Benchmarks.Variant with = refresh(server, "jitsi", withRefresh, "with the Jitsi mapper");
        Benchmarks.Variant without = refresh(server, plainClient, withoutRefresh, "without it");
        Benchmarks.Variant again = refresh(server, plainAgain, againRefresh, "without it, a second copy");
        Benchmarks.Variant notInIdToken = refresh(server, noIdCopy, noIdRefresh, "the Jitsi mapper, not in the ID token");
        Benchmarks.Variant keycloakOwn = refresh(server, keycloakMappers, keycloakMappersRefresh, "Keycloak's own mappers, the same claims");
        JitsiWebClient.Tokens keycloakTokens = new JitsiWebClient(server, keycloakMappers).refresh(keycloakMappersRefresh);
        assertThat(ProsodyRules.payload(withTokens.accessToken())).containsKey("context");
        assertThat(ProsodyRules.payload(withTokens.idToken())).containsKey("context");
        assertThat(ProsodyRules.payload(keycloakTokens.accessToken()).get("context")).isEqualTo(ProsodyRules.payload(withTokens.accessToken()).get("context"));
        assertThat(ProsodyRules.payload(keycloakTokens.idToken()).get("context")).isEqualTo(ProsodyRules.payload(withTokens.idToken()).get("context"));
        JitsiWebClient.Tokens noIdTokens = new JitsiWebClient(server, noIdCopy).refresh(noIdRefresh);
        assertThat(ProsodyRules.payload(noIdTokens.accessToken())).containsKey("context").containsEntry("aud", "jitsi-meet");
        assertThat(ProsodyRules.payload(noIdTokens.idToken())).doesNotContainKey("context");
        assertThat(ProsodyRules.payload(new JitsiWebClient(server, plainClient).refresh(withoutRefresh).accessToken())).doesNotContainKey("context");
        assertThat(ProsodyRules.payload(new JitsiWebClient(server, plainAgain).refresh(againRefresh).accessToken())).doesNotContainKey("context");

        Map<String, List<Benchmarks.Window>> windows = Benchmarks.together(List.of(with, without, again, keycloakOwn, notInIdToken),
                CONNECTIONS, ROUNDS, ROUND, WARMUP);

        StringBuilder md = new StringBuilder(Benchmarks.table(
                "Token endpoint, refresh grant, client `jitsi` with and without the Jitsi Meet mapper", windows, CONNECTIONS, ROUND, WARMUP));
        md.append("\nwith / without (goal >= 0.99): ").append(Benchmarks.compare(windows.get(with.name()), windows.get(without.name()))).append("\n");
        md.append("\nThe floor, the second copy without the mapper against the first (equal work): ")
                .append(Benchmarks.compare(windows.get(again.name()), windows.get(without.name()))).append("\n");
        md.append("\nKeycloak's own mappers writing the same claims, against without any: ")
                .append(Benchmarks.compare(windows.get(keycloakOwn.name()), windows.get(without.name()))).append("\n");
        md.append("\nThe Jitsi mapper against Keycloak's own writing the same claims: ")
                .append(Benchmarks.compare(windows.get(with.name()), windows.get(keycloakOwn.name()))).append("\n");
        md.append("\nThe Jitsi mapper with Jitsi's claims in the access token only (not in the ID token, which Jitsi reads for its nonce"
                + " and logout only), against the shipped one: ").append(Benchmarks.compare(windows.get(notInIdToken.name()), windows.get(with.name())))
                .append("\n");
        md.append(String.format("%nToken sizes, bytes of access token / ID token: with the mapper %d / %d, not in the ID token %d / %d,"
                        + " Keycloak's own mappers %d / %d, without it %d / %d%n", withTokens.accessToken().length(), withTokens.idToken().length(),
                noIdTokens.accessToken().length(), noIdTokens.idToken().length(),
                keycloakTokens.accessToken().length(), keycloakTokens.idToken().length(),
                new JitsiWebClient(server, plainClient).refresh(withoutRefresh).accessToken().length(),
                new JitsiWebClient(server, plainClient).refresh(withoutRefresh).idToken().length()));
        Benchmarks.Profile profile = Benchmarks.profile(server, with, CONNECTIONS, PROFILE, "io.github.keycloakjitsi.");
        md.append(String.format("%nFlight recorder, %d s of the refresh grant with the mapper: %d of %d execution samples (%.2f%%) have a"
                + " frame of the bundle on their stack (goal <= 1%%; %d stacks cut off). Deepest frames of the bundle:%n%n",
                PROFILE.toSeconds(), profile.inPrefix(), profile.samples(), 100 * profile.share(), profile.truncated()));
        profile.topFrames().forEach((frame, count) -> md.append("- ").append(count).append(" `").append(frame).append("`\n"));
        md.append(String.format("%nAllocation in the same recording: %.1f MB sampled, %.2f%% of it by a stack with a frame of the bundle"
                + " (garbage the collector's threads clean up, which no execution sample above shows). Deepest frames of the bundle,"
                + " by kB allocated:%n%n", profile.allocated() / 1e6, 100 * profile.allocationShare()));
        profile.topAllocating().forEach((frame, bytes) -> md.append(String.format("- %.0f kB `%s`%n", bytes / 1e3, frame)));
        Benchmarks.write("token-endpoint", md.toString());
        assertThat(Benchmarks.failures(windows)).as("every request answered 200").isZero();
    }

    private static ProtocolMapperRepresentation keycloakMapper(String type, Map<String, String> config) {
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName(type);
        mapper.setProtocol("openid-connect");
        mapper.setProtocolMapper(type);
        Map<String, String> all = new HashMap<>(config);
        all.put("access.token.claim", "true");
        all.put("id.token.claim", "true");
        all.put("userinfo.token.claim", "true");
        all.put("introspection.token.claim", "true");
        mapper.setConfig(all);
        return mapper;
    }

    private static Benchmarks.Variant refresh(KeycloakServer server, String clientId, String refreshToken, String name) {
        return new Benchmarks.Variant(name, server.oidcUrl() + "/token", Map.of(),
                Http.form(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId)));
    }
}
