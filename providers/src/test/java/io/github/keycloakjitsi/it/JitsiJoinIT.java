package io.github.keycloakjitsi.it;

import io.github.keycloakjitsi.core.JitsiMeetLinks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;

import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.MEETING_BASE;
import static io.github.keycloakjitsi.it.KeycloakServer.JITSI_HOST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /jitsi/join?room= as docker-jitsi-meet's TOKEN_AUTH_URL uses it: through the realm's login
 * page when needed, then to the meeting with ?jwt=, only ever under the configured Jitsi URL.
 */
class JitsiJoinIT {

    private static KeycloakServer server;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
    }

    private static String joinUrl(String query) {
        return server.realmUrl() + "/jitsi/join?" + query;
    }

    private static String location(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    /**
     * The token as jitsi-meet's web client reads it from the meeting URL ({@link JitsiMeetLinks#jwtInPage}):
     * from the fragment, the URL's only part after the room; the URL has no query.
     */
    static String jwtOf(String meetingUrl) {
        URI uri = URI.create(meetingUrl);
        assertThat(uri.getRawQuery()).as("no query: a token there lands in logs and Referer headers").isNull();
        assertThat(uri.getRawFragment()).startsWith("jwt=").doesNotContain("&");
        String jwt = JitsiMeetLinks.jwtInPage(meetingUrl);
        assertThat(jwt).as("jitsi-meet finds the token in " + meetingUrl).isNotNull();
        return jwt;
    }

    /** Anonymous browser: join -> login page -> callback -> meeting. Returns the meeting URL and the callback URL used. */
    private static String[] joinThroughLogin(JitsiWebClient browser, AdminApi.TestUser user, String query) {
        String toLogin = location(browser.get(joinUrl(query)));
        assertThat(toLogin).startsWith(server.oidcUrl() + "/auth?").contains("client_id=jitsi-join");
        assertThat(Http.query(URI.create(toLogin))).as("PKCE S256, as client jitsi-join requires")
                .containsEntry("code_challenge_method", "S256").containsKey("code_challenge");
        String toCallback = location(browser.submitLogin(browser.get(toLogin), user.username(), user.password()));
        assertThat(toCallback).startsWith(server.realmUrl() + "/jitsi/join/callback?");
        String toMeeting = location(browser.get(toCallback));
        return new String[]{toMeeting, toCallback};
    }

    @Test
    void anAnonymousUserLogsInAndLandsInTheMeeting() throws Exception {
        AdminApi.TestUser user = admin.newUser("joiner");
        admin.grantRealmRole(user.id(), "jitsi-moderator");
        JitsiWebClient browser = new JitsiWebClient(server);

        String meeting = joinThroughLogin(browser, user, "room=Team%20Sync")[0];

        assertThat(meeting).startsWith(MEETING_BASE + "team%20sync#jwt=");
        ProsodyRules prosody = ProsodyRules.roomTokens(server);
        Map<String, Object> claims = prosody.verify(jwtOf(meeting));
        assertThat(claims).containsEntry("room", "team%20sync").containsEntry("sub", JITSI_HOST);
        assertThat(ProsodyRules.isOwner(claims)).isTrue();

        // Now signed in: the next join goes straight to the meeting.
        admin.withJitsiSettings(Map.of("jitsi.token.tenants", "acme"), () -> {
            HttpResponse<String> direct = browser.get(joinUrl("room=Other&tenant=acme"));
            assertThat(direct.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            String again = location(direct);
            assertThat(again).startsWith(MEETING_BASE + "acme/other#jwt=");
            assertThat(prosody.verify(jwtOf(again))).containsEntry("sub", "acme").containsEntry("room", "other");
        });
    }

    @Test
    void tokensOfOtherClientsAreNoConcernOfJoinButTheSsoSessionIs() {
        // /join reads the SSO cookie only: an access token in the Authorization header is no login.
        AdminApi.TestUser user = admin.newUser("bearer-join");
        String accessToken = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        HttpResponse<String> response = Http.send(java.net.http.HttpClient.newHttpClient(), java.net.http.HttpRequest.newBuilder(
                URI.create(joinUrl("room=r"))).header("Authorization", "Bearer " + accessToken).build());
        assertThat(location(response)).as("to the login page, no token").startsWith(server.oidcUrl() + "/auth?").doesNotContain("jwt=");
    }

    @Test
    void anAnonymousLoopOfJoinAndCallbackLeavesNothingBehind() {
        JitsiWebClient anonymous = new JitsiWebClient(server);
        Map<String, Double> before = server.cacheStores();
        for (int i = 0; i < 25; i++) {
            String toLogin = location(anonymous.get(joinUrl("room=loop" + i)));
            String state = Http.query(URI.create(toLogin)).get("state");
            // Back at the callback with a genuine state of this browser, but no login: refused, nothing recorded.
            JitsiTokenRefusalsIT.assertRefused(anonymous.get(server.realmUrl() + "/jitsi/join/callback?code=x&state=" + Http.encode(state)),
                    401, "login_required");
            JitsiTokenRefusalsIT.assertRefused(anonymous.get(server.realmUrl() + "/jitsi/join/callback?code=x&state=forged"),
                    400, "invalid_state");
        }
        Map<String, Double> after = server.cacheStores();
        assertThat(after).as("writes to Keycloak's single-use store, sessions and login sessions")
                .containsEntry("actionTokens", before.get("actionTokens"))
                .containsEntry("sessions", before.get("sessions"))
                .containsEntry("authenticationSessions", before.get("authenticationSessions"));

        // The same counters do move for a real join: the login, its session, the state's one use.
        AdminApi.TestUser user = admin.newUser("counted");
        joinThroughLogin(new JitsiWebClient(server), user, "room=counted");
        Map<String, Double> afterAJoin = server.cacheStores();
        assertThat(afterAJoin.get("actionTokens")).isGreaterThan(after.get("actionTokens"));
        assertThat(afterAJoin.get("sessions")).isGreaterThan(after.get("sessions"));
        assertThat(afterAJoin.get("authenticationSessions")).isGreaterThan(after.get("authenticationSessions"));
    }

    @Test
    void aStateTriedWithoutALoginIsStillGoodAfterTheLogin() {
        AdminApi.TestUser user = admin.newUser("patient");
        JitsiWebClient browser = new JitsiWebClient(server);
        String toLogin = location(browser.get(joinUrl("room=later")));
        String state = Http.query(URI.create(toLogin)).get("state");
        JitsiTokenRefusalsIT.assertRefused(browser.get(server.realmUrl() + "/jitsi/join/callback?code=x&state=" + Http.encode(state)),
                401, "login_required");

        String toCallback = location(browser.submitLogin(browser.get(toLogin), user.username(), user.password()));
        assertThat(location(browser.get(toCallback))).as("the refused try did not use the state up")
                .startsWith(MEETING_BASE + "later#jwt=");
    }

    @Test
    void theCallbackCannotBeReplayed() {
        AdminApi.TestUser user = admin.newUser("replay");
        JitsiWebClient browser = new JitsiWebClient(server);
        String callback = joinThroughLogin(browser, user, "room=once")[1];

        HttpResponse<String> replay = browser.get(callback);

        JitsiTokenRefusalsIT.assertRefused(replay, 400, "invalid_state");
    }

    @Test
    void theCallbackIsBoundToTheBrowserThatStartedTheJoin() {
        AdminApi.TestUser victim = admin.newUser("victim");
        JitsiWebClient attacker = new JitsiWebClient(server);
        String toLogin = location(attacker.get(joinUrl("room=trap")));
        String callback = location(attacker.submitLogin(attacker.get(toLogin), victim.username(), victim.password()));

        // Another browser (no join cookie) following the same callback link gets nothing.
        JitsiWebClient other = new JitsiWebClient(server);
        AdminApi.TestUser otherUser = admin.newUser("other");
        other.login(otherUser.username(), otherUser.password());
        JitsiTokenRefusalsIT.assertRefused(other.get(callback), 400, "invalid_state");
    }

    @Test
    void aForgedOrMissingStateIsRefused() {
        JitsiWebClient browser = new JitsiWebClient(server);
        JitsiTokenRefusalsIT.assertRefused(browser.get(server.realmUrl() + "/jitsi/join/callback?code=x"), 400, "invalid_state");
        JitsiTokenRefusalsIT.assertRefused(browser.get(server.realmUrl() + "/jitsi/join/callback?state=eyJhbGciOiJIUzI1NiJ9.e30.AAAA&code=x"), 400, "invalid_state");
        JitsiTokenRefusalsIT.assertRefused(browser.get(server.realmUrl() + "/jitsi/join/callback?error=access_denied"), 400, "login_failed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            room=%2F%2Fevil.example%2Fx                  | 400 | invalid_room
            room=https%3A%2F%2Fevil.example              | 400 | invalid_room
            room=..%2F..%2Fadmin                         | 400 | invalid_room
            room=r&tenant=evil.example%2F                | 400 | invalid_tenant
            room=r&tenant=%2F%2Fevil.example             | 400 | invalid_tenant
            room=r&tenant=..                             | 400 | invalid_tenant
            room=                                        | 400 | invalid_room
            tenant=acme                                  | 400 | invalid_room
            room=a&room=b                                | 400 | invalid_request
            room=*                                       | 403 | wildcard_not_allowed
            """)
    void inputThatWouldSteerTheRedirectIsRefused(String query, int status, String error) {
        AdminApi.TestUser user = admin.newUser("steer");
        JitsiWebClient browser = new JitsiWebClient(server);
        browser.login(user.username(), user.password());
        HttpResponse<String> response = browser.get(joinUrl(query));
        JitsiTokenRefusalsIT.assertRefused(response, status, error);
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void whateverTheRoomContainsTheRedirectStaysOnTheJitsiHost() {
        AdminApi.TestUser user = admin.newUser("host");
        JitsiWebClient browser = new JitsiWebClient(server);
        browser.login(user.username(), user.password());
        for (String room : Set.of("%40evil.example", "evil.example%3A443", "%5Bfoo%5D", "x%3Fjwt%3Dforged%23", "Caf%C3%A9")) {
            String location = location(browser.get(joinUrl("room=" + room)));
            URI uri = URI.create(location);
            assertThat(uri.getScheme() + "://" + uri.getHost() + "/").isEqualTo(MEETING_BASE);
            assertThat(uri.getRawPath()).as("one path segment").startsWith("/").matches("/[^/]+");
            assertThat(jwtOf(location)).startsWith("eyJ");
        }
    }
}
