package io.github.keycloakjitsi.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.github.keycloakjitsi.service.SignOutDelivery;
import org.keycloak.representations.idm.ClientRepresentation;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundle's sign-outs reach Prosody when the way there misbehaves for a while. Client
 * {@code jitsi}'s "Backchannel logout URL" points at a small proxy of the test in front of Debian's
 * Prosody (as Jitsi's nginx is): it passes requests on, or answers them one byte a second (an
 * endpoint that hangs without ever going quiet). Prosody itself is stopped and started again.
 */
class MeetingSignOutDeliveryIT {

    /** The longest pause between two tries of a sign-out (SignOutDelivery), and a margin for a try and Prosody's start. */
    private static final Duration RETRY_BOUND = Duration.ofSeconds(60 + 30);

    /**
     * FORWARD: as nginx; TRICKLE: a byte a second; GUESTS_TRICKLE: a byte a second for the sign-out
     * of an invitation's guests, the others forwarded; LOSE_ANSWER: Prosody gets the request,
     * Keycloak a 502 (the answer lost on the way).
     */
    private enum Mode { FORWARD, TRICKLE, GUESTS_TRICKLE, LOSE_ANSWER }

    private static KeycloakServer server;
    private static AdminApi admin;
    private static ProsodyServer prosody;
    private static HttpServer proxy;
    private static String urlBefore;
    private static final AtomicReference<Mode> MODE = new AtomicReference<>(Mode.FORWARD);
    private static final AtomicInteger TRICKLING = new AtomicInteger();
    /** POSTs the proxy answered 502 because Prosody was down, and those whose answer it lost: by the logout token's sub. */
    private static final Map<String, AtomicInteger> UNANSWERED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> LOST_ANSWERS = new ConcurrentHashMap<>();
    private static final CountDownLatch STOPPING = new CountDownLatch(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        prosody = ProsodyServer.start(server, "prosody-sign-out-delivery");
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", KeycloakServer.freePort()), 0);
        proxy.setExecutor(Executors.newCachedThreadPool());
        proxy.createContext("/keycloak-logout", MeetingSignOutDeliveryIT::proxy);
        proxy.start();
        ClientRepresentation client = admin.client("jitsi");
        urlBefore = client.getAttributes().get("backchannel.logout.url");
        client.getAttributes().put("backchannel.logout.url", "http://127.0.0.1:" + proxy.getAddress().getPort() + "/keycloak-logout");
        admin.realm().clients().get(client.getId()).update(client);
    }

    @AfterAll
    static void stop() {
        STOPPING.countDown();
        if (prosody != null) {
            ClientRepresentation client = admin.client("jitsi");
            client.getAttributes().put("backchannel.logout.url", urlBefore);
            admin.realm().clients().get(client.getId()).update(client);
            prosody.close();
        }
        if (proxy != null) {
            proxy.stop(0);
        }
    }

    /**
     * Prosody is down when an admin disables a user: the sign-out is tried again until Prosody is
     * back, and then the user's token from before is refused. What Prosody stored before it stopped
     * (an earlier sign-out) is refused after the restart too.
     */
    @Test
    void aSignOutSentWhileProsodyIsDownArrivesOnceItIsBack() {
        AdminApi.TestUser earlier = admin.newUser("before-restart");
        String earlierToken = login(earlier);
        try (XmppClient participant = join(earlierToken)) {
            admin.disableUser(earlier.id());
            MeetingSignOutIT.waitUntil(participant::isClosed, MeetingSignOutIT.BOUND, "signed out while Prosody runs");
        }
        assertRefused(earlierToken);

        AdminApi.TestUser user = admin.newUser("while-down");
        String token = login(user);
        prosody.close();
        int logBefore = server.log().length();
        int unanswered = count(UNANSWERED, user.id());
        admin.disableUser(user.id());
        MeetingSignOutIT.waitUntil(() -> count(UNANSWERED, user.id()) > unanswered, Duration.ofSeconds(30),
                "the sign-out sent while Prosody is down (the proxy answering 502)");
        int prosodyLogBefore = prosody.log().length(); // Prosody appends to its log
        prosody.startAgain();

        awaitLogs(() -> prosody.log().length() > prosodyLogBefore
                        && prosody.log().substring(prosodyLogBefore).contains("Signed out: sid nil, sub " + user.id()), RETRY_BOUND,
                "the sign-out tried again once Prosody is back; Keycloak: " + server.log().substring(logBefore));
        assertRefused(token);
        assertRefused(earlierToken);
        String log = server.log().substring(logBefore);
        assertThat(log.lines().filter(l -> l.contains("Signing user " + user.id() + " out of Jitsi meetings")))
                .as("the failure logged once, with what happens next").hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("answered 502").contains("trying again"));
        assertThat(log).contains("Signed user " + user.id() + " out of Jitsi meetings at try ");
    }

    /**
     * While the endpoint answers a byte a second, the admin disables more users than the bundle
     * posts to at once; once it works again, the next sign-out still takes its participant out
     * within the bound: no POST holds a thread for longer than a few seconds.
     */
    @Test
    void anEndpointThatHangsDoesNotHoldUpLaterSignOuts() {
        AdminApi.TestUser victim = admin.newUser("after-hang");
        String token = login(victim);
        List<AdminApi.TestUser> others = new ArrayList<>();
        for (int i = 0; i < SignOutDelivery.THREADS + 4; i++) {
            others.add(admin.newUser("during-hang"));
        }
        try (XmppClient observer = join(login(admin.newUser("hang-observer")));
             XmppClient participant = join(token)) {
            MODE.set(Mode.TRICKLE);
            int trickling = TRICKLING.get();
            for (AdminApi.TestUser other : others) {
                admin.disableUser(other.id());
            }
            MeetingSignOutIT.waitUntil(() -> TRICKLING.get() - trickling >= SignOutDelivery.THREADS, Duration.ofSeconds(30),
                    "every thread that posts sign-outs stuck in the slow endpoint");
            MODE.set(Mode.FORWARD);

            admin.disableUser(victim.id());

            MeetingSignOutIT.waitUntil(() -> participant.isClosed() && observer.sawLeave(participant), MeetingSignOutIT.BOUND,
                    "the later sign-out through; Prosody: " + prosody.warnings());
            assertThat(observer.isClosed()).isFalse();
        } finally {
            MODE.set(Mode.FORWARD);
        }
        awaitAtProsody(others.stream().map(AdminApi.TestUser::id).toList());
    }

    /**
     * While the endpoint answers guests' sign-outs a byte a second, two hosts revoke many used
     * invitations (far more than the bundle posts at once); then the admin disables a user. The
     * user's sign-out is posted before the guests' still queued, so it takes the participant out
     * within the bound: revoking invitation after invitation cannot hold back a person's sign-out
     * (queued behind them, it would wait for every thread to get through them three seconds at a time).
     */
    @Test
    void guestsSignOutsQueueBehindAPersonsSignOut() {
        AdminApi.TestUser victim = admin.newUser("behind-guests");
        String token = login(victim);
        Map<String, String> hostOfInvite = new java.util.LinkedHashMap<>();
        for (int host = 0; host < 2; host++) {
            String hostToken = login(admin.newUser("revoking-host"));
            for (int i = 0; i < GUESTS_PER_HOST; i++) {
                Map<String, Object> invite = InvitesIT.invite(server, hostToken, Map.of("room", "queue", "valid_for", "3600"));
                InvitesIT.guestToken(new JitsiWebClient(server).post((String) invite.get("url"), Map.of("name", "Guest")),
                        JitsiTokenEndpointIT.MEETING_BASE + "queue");
                hostOfInvite.put((String) invite.get("id"), hostToken);
            }
        }
        try (XmppClient observer = join(login(admin.newUser("queue-observer")));
             XmppClient participant = join(token)) {
            MODE.set(Mode.GUESTS_TRICKLE);
            int trickling = TRICKLING.get();
            hostOfInvite.forEach((id, hostToken) ->
                    assertThat(new JitsiWebClient(server).revokeInvite(hostToken, id).statusCode()).isEqualTo(204));
            MeetingSignOutIT.waitUntil(() -> TRICKLING.get() - trickling >= SignOutDelivery.THREADS, Duration.ofSeconds(30),
                    "every thread that posts sign-outs stuck in the guests' slow endpoint");

            admin.disableUser(victim.id());

            MeetingSignOutIT.waitUntil(() -> participant.isClosed() && observer.sawLeave(participant), MeetingSignOutIT.BOUND,
                    "the person's sign-out through, ahead of the guests'; Prosody: " + prosody.warnings());
            assertThat(observer.isClosed()).isFalse();
        } finally {
            MODE.set(Mode.FORWARD);
        }
        awaitAtProsody(hostOfInvite.keySet().stream().map(id -> "guest:" + id).toList());
    }

    /** Used invitations each host revokes: far more than the bundle posts at once, within a host's 50 live ones. */
    private static final int GUESTS_PER_HOST = 40;

    // ---------------------------------------------------------------------------------------

    /**
     * Waits until Prosody has taken the sign-out of each subject (sub): what a test left queued or
     * to be tried again goes no further into the next test, whose counts and logs are its own.
     */
    private static void awaitAtProsody(List<String> subjects) {
        awaitLogs(() -> subjects.stream().allMatch(sub -> prosody.log().contains("Signed out: sid nil, sub " + sub)), RETRY_BOUND,
                "every sign-out left at Prosody once the endpoint answers again");
    }

    /** Waits for a condition on the logs (read whole: every quarter second, not more often), at most {@code bound}. */
    private static void awaitLogs(java.util.function.BooleanSupplier condition, Duration bound, String what) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * An admin's "Sign out" of a user whose answer never gets back to Keycloak: Prosody gets every
     * try. The user signs in again and joins between two tries: the later tries remove only
     * who joined with a token from before the sign-out (the logout token says when Keycloak
     * decided), not the new participant, and refuse the old token, not the new one.
     */
    @Test
    void laterTriesOfASignOutLeaveWhoSignedInAgainAlone() {
        AdminApi.TestUser user = admin.newUser("signs-in-again");
        String before = login(user);
        try (XmppClient earlier = join(before)) {
            MODE.set(Mode.LOSE_ANSWER);
            try {
                admin.signOut(user.id());
                MeetingSignOutIT.waitUntil(earlier::isClosed, MeetingSignOutIT.BOUND, "signed out while the answers get lost");
                // Tokens carry whole seconds: one issued in the second of the sign-out counts as issued before it.
                long signedOut = java.time.Instant.now().getEpochSecond();
                MeetingSignOutIT.waitUntil(() -> java.time.Instant.now().getEpochSecond() > signedOut, Duration.ofSeconds(2),
                        "the next second");
                String after = login(user);
                try (XmppClient later = join(after)) {
                    int lost = count(LOST_ANSWERS, user.id());
                    int prosodyLog = prosody.log().length(); // Prosody appends to its log
                    MeetingSignOutIT.waitUntil(() -> count(LOST_ANSWERS, user.id()) >= lost + 2, RETRY_BOUND,
                            "two more tries of the sign-out reaching Prosody after the user joined again");
                    try (XmppClient another = join(after)) {
                        assertThat(another.isClosed()).as("the token from after the sign-out signs in and joins").isFalse();
                    }
                    String log = prosody.log().substring(prosodyLog);
                    assertThat(log).as("Prosody took the later tries").contains("Keycloak signed out a user: 0 connection(s) removed")
                            .doesNotContain("Keycloak signed out a user: 1 connection(s) removed")
                            .doesNotContain("Refused a token at login");
                    assertThat(later.isClosed()).as("the participant who joined after the sign-out stays: " + later.received()).isFalse();
                }
            } finally {
                MODE.set(Mode.FORWARD);
            }
        }
        assertRefused(before);
    }

    private static String login(AdminApi.TestUser user) {
        return new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
    }

    private static XmppClient join(String token) {
        return XmppClient.connect(prosody, token).joined().join("delivery", "p-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static void assertRefused(String token) {
        XmppClient.Result result = XmppClient.connect(prosody, token);
        if (result.client() != null) {
            result.client().close();
        }
        assertThat(result.client()).as("signing in again with a token from before").isNull();
        assertThat(result.answer()).contains("user is banned");
    }

    /** The sub of a posted form's logout token (a user's id, or guest: and an invitation's id); empty without one. */
    private static String subject(byte[] form) {
        String token = Http.query(URI.create("http://proxy/?" + new String(form, StandardCharsets.US_ASCII))).get("logout_token");
        return token == null ? "" : String.valueOf(ProsodyRules.payload(token).get("sub"));
    }

    private static int count(Map<String, AtomicInteger> counts, String subject) {
        AtomicInteger count = counts.get(subject);
        return count == null ? 0 : count.get();
    }

    /** Jitsi's nginx in front of Prosody: passes the request on (502 when Prosody is down), or trickles. */
    private static void proxy(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String subject = subject(body);
            if (MODE.get() == Mode.TRICKLE || MODE.get() == Mode.GUESTS_TRICKLE && subject.startsWith("guest:")) {
                TRICKLING.incrementAndGet();
                exchange.sendResponseHeaders(200, 1000);
                OutputStream out = exchange.getResponseBody();
                for (int i = 0; i < 1000; i++) {
                    out.write(' ');
                    out.flush();
                    // one byte a second, until the client gives up (a write fails) or the test ends
                    if (STOPPING.await(1, TimeUnit.SECONDS)) {
                        return;
                    }
                }
                return;
            }
            HttpResponse<byte[]> answer;
            try {
                answer = HTTP.send(HttpRequest.newBuilder(URI.create(prosody.logoutUrl()))
                        .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                UNANSWERED.computeIfAbsent(subject, any -> new AtomicInteger()).incrementAndGet();
                byte[] bad = ("Prosody: " + e).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(502, bad.length);
                exchange.getResponseBody().write(bad);
                return;
            }
            if (MODE.get() == Mode.LOSE_ANSWER) {
                LOST_ANSWERS.computeIfAbsent(subject, any -> new AtomicInteger()).incrementAndGet();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                exchange.getResponseBody().write(answer.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
