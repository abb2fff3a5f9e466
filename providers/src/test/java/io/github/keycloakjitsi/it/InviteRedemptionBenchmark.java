package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.MEETING_BASE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guests joining by invitation (POST /jitsi/invite/{key}: the lookup, the atomic use in the
 * database, the guest token, the event) against hosts' room tokens from POST /jitsi/token, on one
 * server in one run. Every run gets a new invitation, so the joins-per-minute limit (at its
 * highest here) never answers 429. Run with {@code mvn verify -Pbenchmark}.
 */
class InviteRedemptionBenchmark {

    private static final int CONNECTIONS = Integer.getInteger("benchmark.connections", 4);
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 6);
    private static final Duration ROUND = Duration.ofSeconds(Long.getLong("benchmark.roundSeconds", 5));
    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("benchmark.warmupSeconds", 15));

    @Test
    void invitationsAgainstRoomTokens() throws Exception {
        KeycloakServer server = KeycloakServer.shared();
        AdminApi admin = new AdminApi(server);
        // The one room takes this many guests a minute here (the shared server gets its setting back afterwards).
        admin.withJitsiSettings(Map.of("jitsi.invites.joins-per-minute", "10000"), () -> {
            AdminApi.TestUser host = admin.newUser("invitebench");
            JitsiWebClient.Tokens login = new JitsiWebClient(server).login(host.username(), host.password());
            // Access tokens live 5 minutes, a run with more rounds longer: each round gets a fresh one (refreshed outside the measurement).
            AtomicReference<String> refreshToken = new AtomicReference<>(login.refreshToken());
            Supplier<String> freshAccessToken = () -> {
                JitsiWebClient.Tokens refreshed = new JitsiWebClient(server).refresh(refreshToken.get());
                refreshToken.set(refreshed.refreshToken());
                return refreshed.accessToken();
            };
            String accessToken = login.accessToken();
            String guestForm = Http.form(Map.of("name", "Benchmark Guest"));

            Supplier<Benchmarks.Variant> invitation = () -> new Benchmarks.Variant("POST /jitsi/invite/{key}",
                    (String) InvitesIT.invite(server, freshAccessToken.get(), Map.of("room", "Benchmark Room")).get("url"), Map.of(), guestForm);
            Supplier<Benchmarks.Variant> roomToken = () -> new Benchmarks.Variant("POST /jitsi/token", server.realmUrl() + "/jitsi/token",
                    Map.of("Authorization", "Bearer " + freshAccessToken.get()), Http.form(Map.of("room", "Benchmark Room")));

            HttpResponse<String> probe = new JitsiWebClient(server).post(invitation.get().url(), Map.of("name", "Benchmark Guest"));
            InvitesIT.guestToken(probe, MEETING_BASE + "benchmark%20room");
            assertThat(JitsiTokenEndpointIT.requestToken(accessToken, Map.of("room", "Benchmark Room")).body()).contains("\"token\"");

            Map<String, List<Benchmarks.Window>> windows = Benchmarks.alternateFresh(server, List.of(invitation, roomToken),
                    CONNECTIONS, ROUNDS, ROUND, WARMUP);

            StringBuilder md = new StringBuilder(Benchmarks.table(
                    "Guests joining by invitation against hosts' room tokens, one room", windows, CONNECTIONS, ROUND, WARMUP));
            md.append("\ninvitation / room token (goal >= 0.8): ")
                    .append(Benchmarks.compare(windows.get("POST /jitsi/invite/{key}"), windows.get("POST /jitsi/token"))).append("\n");
            Benchmarks.write("invite-redemption", md.toString());
            assertThat(Benchmarks.failures(windows)).as("every guest redirected with a token, every host answered 200").isZero();
        });
    }
}
