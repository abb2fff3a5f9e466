package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-outs reaching running meetings, measured. (1) How long from an admin's action in Keycloak
 * until the participant is out of the meeting, as another participant in the same room sees it
 * (Debian's Prosody with mod_keycloak_logout, XMPP over WebSocket): 100 tries each for Keycloak's
 * own back-channel logout (the admin signs out one session) and the bundle's (the admin disables
 * the user). (2) What the bundle's event listener costs: two Keycloaks in one run, one with the
 * listener switched off by Keycloak's own provider option, alternating: browser logins (the whole
 * flow of Jitsi's sso.html) and refresh-grant throughput (wrk). Not part of {@code mvn verify}: run
 * with {@code mvn verify -Pbenchmark}.
 */
class MeetingSignOutBenchmark {

    private static final int TRIES = Integer.getInteger("benchmark.signOutTries", 100);
    private static final int CONNECTIONS = Integer.getInteger("benchmark.connections", 4);
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 6);
    private static final Duration ROUND = Duration.ofSeconds(Long.getLong("benchmark.roundSeconds", 5));
    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("benchmark.warmupSeconds", 15));
    private static final int LOGINS = Integer.getInteger("benchmark.logins", 30);
    private static final String LISTENER = "jitsi-meeting-sign-out";

    @Test
    void fromTheAdminsActionToTheParticipantLeaving() {
        KeycloakServer server = KeycloakServer.shared();
        AdminApi admin = new AdminApi(server);
        StringBuilder md = new StringBuilder("Sign-outs reach running meetings: from the admin's action in Keycloak to the "
                + "participant's leaving, as another participant sees it\n\n");
        try (ProsodyServer prosody = ProsodyServer.start(server, "prosody-benchmark")) {
            for (String clientId : List.of("jitsi", "jitsi-join")) {
                ClientRepresentation client = admin.client(clientId);
                client.getAttributes().put("backchannel.logout.url", prosody.logoutUrl());
                admin.realm().clients().get(client.getId()).update(client);
            }
            AdminApi.TestUser witness = admin.newUser("bench-witness");
            try (XmppClient observer = join(prosody, login(server, witness))) {
                md.append(String.format("Run %s, %d cores, %d tries each, one at a time.%n%n", java.time.Instant.now(),
                        Runtime.getRuntime().availableProcessors(), TRIES));
                md.append("| action | who sends the logout token | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
                md.append(row("admin signs out one session", "Keycloak", measure(server, admin, prosody, observer,
                        user -> admin.realm().deleteSession(admin.realm().users().get(user.id()).getUserSessions().get(0).getId(), false))));
                md.append(row("admin disables the user", "the bundle (after commit)", measure(server, admin, prosody, observer,
                        user -> admin.disableUser(user.id()))));
            }
        }
        Benchmarks.write("meeting-sign-out", md.toString());
    }

    @Test
    void whatTheListenerCostsOnLoginAndTokens() {
        // Two servers started afresh for this, alike but for the listener: the shared one has served
        // the other benchmarks before, and a server warmed up for longer than the other is faster (20%
        // in one run), which says nothing about the listener.
        KeycloakServer with = KeycloakServer.start("it-keycloak-with-sign-out-listener", Map.of(), true);
        KeycloakServer without = KeycloakServer.start("it-keycloak-without-sign-out-listener",
                Map.of("KC_SPI_EVENTS_LISTENER__JITSI_MEETING_SIGN_OUT__ENABLED", "false"), true);
        try {
            assertThat(listeners(with)).contains(LISTENER);
            assertThat(listeners(without)).as("switched off by the provider option").doesNotContain(LISTENER);
            AdminApi.TestUser userWith = new AdminApi(with).newUser("bench-login");
            AdminApi.TestUser userWithout = new AdminApi(without).newUser("bench-login");

            // Browser logins, alternating rounds of LOGINS each, each login a user of its own: Keycloak's
            // brute-force protection takes one user's logins in quick succession for guessing.
            java.util.Iterator<AdminApi.TestUser> usersWith = users(with, 10 + ROUNDS * LOGINS);
            java.util.Iterator<AdminApi.TestUser> usersWithout = users(without, 10 + ROUNDS * LOGINS);
            Map<String, List<Long>> loginNanos = new LinkedHashMap<>();
            loginNanos.put("with", new ArrayList<>());
            loginNanos.put("without", new ArrayList<>());
            for (int i = 0; i < 10; i++) {
                login(with, usersWith.next());
                login(without, usersWithout.next());
            }
            for (int r = 0; r < ROUNDS; r++) {
                boolean withFirst = r % 2 == 0;
                for (int side = 0; side < 2; side++) {
                    boolean isWith = (side == 0) == withFirst;
                    for (int i = 0; i < LOGINS; i++) {
                        AdminApi.TestUser user = isWith ? usersWith.next() : usersWithout.next();
                        long start = System.nanoTime();
                        login(isWith ? with : without, user);
                        loginNanos.get(isWith ? "with" : "without").add(System.nanoTime() - start);
                    }
                }
            }

            // Refresh grants, wrk, alternating rounds; each server's own CPU.
            Benchmarks.Variant refreshWith = refresh(with, userWith, "refresh grant, with the listener");
            Benchmarks.Variant refreshWithout = refresh(without, userWithout, "refresh grant, without it");
            Map<String, List<Benchmarks.Window>> windows = new LinkedHashMap<>();
            Benchmarks.run(with, refreshWith, CONNECTIONS, WARMUP);
            Benchmarks.run(without, refreshWithout, CONNECTIONS, WARMUP);
            List<Object[]> servers = List.of(new Object[]{with, refreshWith}, new Object[]{without, refreshWithout});
            for (int r = 0; r < ROUNDS; r++) {
                for (int i : Benchmarks.order(servers.size(), r)) {
                    Object[] o = servers.get(i);
                    Benchmarks.Variant v = (Benchmarks.Variant) o[1];
                    windows.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(Benchmarks.run((KeycloakServer) o[0], v, CONNECTIONS, ROUND));
                }
            }

            StringBuilder md = new StringBuilder("The sign-out listener's cost: two Keycloaks started afresh for it, with it and switched off "
                    + "(`KC_SPI_EVENTS_LISTENER__JITSI_MEETING_SIGN_OUT__ENABLED=false`), one run\n\n");
            md.append(String.format("Browser logins (Jitsi's sso.html flow: authorize, login form, code exchange), %d alternating "
                    + "rounds of %d per server after 10 each to warm up:%n%n| variant | logins | p50 ms | p99 ms | mean ms |%n|---|---|---|---|---|%n",
                    ROUNDS, LOGINS));
            loginNanos.forEach((name, list) -> md.append(String.format("| %s | %d | %.1f | %.1f | %.1f |%n", name, list.size(),
                    percentile(list, 50), percentile(list, 99), list.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6)));
            double loginRatio = mean(loginNanos.get("without")) / mean(loginNanos.get("with"));
            md.append(String.format("%nlogins: without/with mean time = %.3f (1.0: no cost)%n%n", loginRatio));
            md.append(Benchmarks.table("Refresh grant (client `jitsi`)", windows, CONNECTIONS, ROUND, WARMUP));
            md.append("\nrefresh grants, with / without: ")
                    .append(Benchmarks.compare(windows.get(refreshWith.name()), windows.get(refreshWithout.name()))).append("\n");
            Benchmarks.write("sign-out-listener-cost", md.toString());
            assertThat(Benchmarks.failures(windows)).as("every request answered 200").isZero();
        } finally {
            with.stop();
            without.stop();
        }
    }

    // ---------------------------------------------------------------------------------------

    private static List<Long> measure(KeycloakServer server, AdminApi admin, ProsodyServer prosody, XmppClient observer,
                                      Consumer<AdminApi.TestUser> action) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < TRIES; i++) {
            AdminApi.TestUser user = admin.newUser("bench-leaver");
            try (XmppClient participant = join(prosody, login(server, user))) {
                long start = System.nanoTime();
                action.accept(user);
                long deadline = start + Duration.ofSeconds(30).toNanos();
                while (!(participant.isClosed() && observer.sawLeave(participant))) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("not removed within 30 s: " + prosody.warnings());
                    }
                    pause();
                }
                nanos.add(System.nanoTime() - start);
            }
            admin.realm().users().delete(user.id()).close();
        }
        return nanos;
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String row(String action, String sender, List<Long> nanos) {
        return String.format("| %s | %s | %.0f | %.0f | %.0f |%n", action, sender, percentile(nanos, 50), percentile(nanos, 99),
                Collections.max(nanos) / 1e6);
    }

    /** Nearest-rank percentile, in milliseconds. */
    static double percentile(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1)) / 1e6;
    }

    private static double mean(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).average().orElse(0);
    }

    private static String login(KeycloakServer server, AdminApi.TestUser user) {
        return new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
    }

    private static XmppClient join(ProsodyServer prosody, String token) {
        return XmppClient.connect(prosody, token).joined().join("bench", "p-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static java.util.Iterator<AdminApi.TestUser> users(KeycloakServer server, int count) {
        AdminApi admin = new AdminApi(server);
        List<AdminApi.TestUser> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            users.add(admin.newUser("bench-login"));
        }
        return users.iterator();
    }

    private static List<String> listeners(KeycloakServer server) {
        return List.copyOf(new AdminApi(server).keycloak().serverInfo().getInfo().getProviders().get("eventsListener").getProviders().keySet());
    }

    private static Benchmarks.Variant refresh(KeycloakServer server, AdminApi.TestUser user, String name) {
        String refreshToken = new JitsiWebClient(server).login(user.username(), user.password()).refreshToken();
        return new Benchmarks.Variant(name, server.oidcUrl() + "/token", Map.of(),
                Http.form(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "jitsi")));
    }
}
