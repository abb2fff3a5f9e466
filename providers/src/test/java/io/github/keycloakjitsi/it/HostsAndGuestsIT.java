package io.github.keycloakjitsi.it;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.EventRepresentation;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.contextUser;
import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.MEETING_BASE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may start meetings is the realm role jitsi-host: the login gate of clients jitsi and
 * jitsi-join (Keycloak's "Condition - user role" in the shipped flow) stops everyone else, with
 * the guest page and the way back to the meeting; /jitsi/token and /jitsi/join ask the same role.
 * Hosts who are moderators are owners, other hosts members; the gate off, everyone signs in again.
 */
class HostsAndGuestsIT {

    private static KeycloakServer server;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
    }

    /** Jitsi's {state} for a room, as sso.html puts it in tokenAuthUrl. */
    private static String stateFor(String room, String roomSafe) {
        return Json.write(Map.of("room", room, "roomSafe", roomSafe, "tenant", ""));
    }

    private static String authorizeUrl(JitsiWebClient browser, String state) {
        return browser.authorizeUrl(state, JitsiWebClient.s256(JitsiWebClient.randomUrlSafe(48)), JitsiWebClient.randomUrlSafe(16));
    }

    /** A signed JWT anywhere in a page (the login form's client_data is Base64 JSON, not a token). */
    static final java.util.regex.Pattern JWT = java.util.regex.Pattern.compile("eyJ[\\w-]+\\.eyJ[\\w-]+\\.[\\w-]+");

    /** The guest page: 403, no code, no token, the way back to the meeting as a guest. */
    static Document assertGuestPage(HttpResponse<String> response, String meeting) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("Location")).as("no redirect with a code").isEmpty();
        assertThat(response.body()).doesNotContain("code=").doesNotContainPattern(JWT);
        Document page = Jsoup.parse(response.body());
        assertThat(page.selectFirst("#jitsi-host-required")).as("the guest page:\n" + response.body()).isNotNull();
        assertThat(page.text()).contains(guestMessages("en").getProperty("jitsiHostRequiredGuest"));
        assertThat(page.selectFirst("#jitsi-join-as-guest").attr("href")).isEqualTo(meeting);
        assertThat(page.select("link[href*=jitsi.css]")).as("themed like the login page").isNotEmpty();
        return page;
    }

    /**
     * The popup login of client jitsi refused for someone who may not host: back to Jitsi's
     * sso.html with OAuth's access_denied and the sentence Jitsi shows, no code and no token.
     */
    static SsoHtml.Outcome assertPopupRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(JitsiWebClient.REDIRECT_URI + "?").doesNotContain("code=").doesNotContainPattern(JWT);
        assertThat(location).contains("error=access_denied");
        SsoHtml.Outcome outcome = SsoHtml.handle(location);
        assertThat(outcome).isEqualTo(new SsoHtml.Outcome("oauth-error", guestMessages("en").getProperty("jitsiHostRequiredError")));
        return outcome;
    }

    private static void assertEvent(String type, String userId, String error) {
        List<EventRepresentation> events = admin.events(type);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getUserId()).isEqualTo(userId);
            assertThat(e.getError()).isEqualTo(error);
        });
    }

    @Test
    void someoneWhoMayNotHostCannotFinishTheLoginOfClientJitsiAndJitsiIsTold() {
        AdminApi.TestUser guest = admin.newNonHost("guest");
        JitsiWebClient browser = new JitsiWebClient(server);
        HttpResponse<String> loginPage = browser.get(authorizeUrl(browser, stateFor("Team Sync", "team%20sync")));

        HttpResponse<String> denied = browser.submitLogin(loginPage, guest.username(), guest.password());

        assertPopupRefused(denied);
        assertEvent("LOGIN_ERROR", guest.id(), "access_denied");
        assertThat(admin.realm().attackDetection().bruteForceUserStatus(guest.id()))
                .as("the password was right: no failed login for brute-force protection").containsEntry("numFailures", 0)
                .containsEntry("disabled", false);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"de", "fr", "es"})
    void jitsiTellsTheRefusalInTheUsersLanguage(String locale) {
        AdminApi.TestUser guest = admin.newNonHost("polyglot");
        JitsiWebClient browser = new JitsiWebClient(server);
        HttpResponse<String> denied = browser.submitLogin(browser.get(authorizeUrl(browser, stateFor("Team", "team")) + "&ui_locales=" + locale),
                guest.username(), guest.password());
        assertThat(denied.statusCode()).isEqualTo(302);
        assertThat(SsoHtml.handle(denied.headers().firstValue("Location").orElseThrow()))
                .isEqualTo(new SsoHtml.Outcome("oauth-error", guestMessages(locale).getProperty("jitsiHostRequiredError")));
    }

    /** Whatever Jitsi's state says, the refusal goes back only to the client's registered redirect URI, with the state as it came. */
    @Test
    void theRefusalGoesOnlyToTheRegisteredRedirectUri() {
        AdminApi.TestUser guest = admin.newNonHost("steered");
        for (String state : List.of(
                Json.write(Map.of("room", "x", "roomSafe", "//evil.example/x", "tenant", "")),
                Json.write(Map.of("room", "x", "roomSafe", "x", "tenant", "https://evil.example")),
                Json.write(Map.of("room", "Café", "tenant", "acme")))) {
            JitsiWebClient browser = new JitsiWebClient(server);
            HttpResponse<String> denied = browser.submitLogin(browser.get(authorizeUrl(browser, state)), guest.username(), guest.password());
            assertPopupRefused(denied);
            assertThat(java.net.URLDecoder.decode(denied.headers().firstValue("Location").orElseThrow().replaceFirst(".*[?&]state=([^&]*).*", "$1"),
                    java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(state);
        }
    }

    @Test
    void anSsoSessionFromAnotherClientDoesNotOpenTheGateEither() throws Exception {
        AdminApi.TestUser guest = admin.newNonHost("elsewhere");
        String ungated = "portal-" + UUID.randomUUID().toString().substring(0, 8);
        ClientRepresentation portal = new ClientRepresentation();
        portal.setClientId(ungated);
        portal.setPublicClient(true);
        portal.setRedirectUris(List.of(JitsiWebClient.REDIRECT_URI));
        portal.setWebOrigins(List.of(JitsiWebClient.ORIGIN));
        portal.setAttributes(Map.of("pkce.code.challenge.method", "S256"));
        admin.createClient(portal);
        JitsiWebClient browser = new JitsiWebClient(server, ungated);
        browser.login(guest.username(), guest.password());

        // The SSO cookie signs the browser in at once: the gate ends the login of client jitsi all the same.
        JitsiWebClient jitsi = browser.onClient("jitsi");
        assertPopupRefused(jitsi.get(authorizeUrl(jitsi, stateFor("Weekly", "weekly"))));

        // And /jitsi/join answers with the same page, and no token.
        assertGuestPage(jitsi.get(server.realmUrl() + "/jitsi/join?room=Weekly"), MEETING_BASE + "weekly");
        assertEvent("OAUTH2_EXTENSION_GRANT_ERROR", guest.id(), "access_denied");
    }

    @Test
    void theJoinLinksLoginHasTheSameGate() {
        AdminApi.TestUser guest = admin.newNonHost("joinguest");
        JitsiWebClient browser = new JitsiWebClient(server);
        HttpResponse<String> toLogin = browser.get(server.realmUrl() + "/jitsi/join?room=Board%20Meeting");
        assertThat(toLogin.statusCode()).isEqualTo(302);
        HttpResponse<String> denied = browser.submitLogin(browser.get(toLogin.headers().firstValue("Location").orElseThrow()),
                guest.username(), guest.password());
        assertGuestPage(denied, MEETING_BASE + "board%20meeting");
    }

    @Test
    void roomTokensAskTheSameRole() throws Exception {
        AdminApi.TestUser user = admin.newUser("former-host");
        String accessToken = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        assertThat(JitsiTokenEndpointIT.requestToken(accessToken, Map.of("room", "r")).statusCode()).isEqualTo(200);

        admin.removeHostRole(user.id());

        JitsiTokenRefusalsIT.assertRefused(JitsiTokenEndpointIT.requestToken(accessToken, Map.of("room", "r")), 403, "access_denied");
        assertEvent("OAUTH2_EXTENSION_GRANT_ERROR", user.id(), "access_denied");
    }

    @Test
    void aHostGetsInModeratorHostsAreOwnersOtherHostsMembers() throws Exception {
        AdminApi.TestUser host = admin.newUser("host");
        Map<String, Object> claims = ProsodyRules.guide(server).verify(new JitsiWebClient(server).login(host.username(), host.password()).accessToken());
        assertThat(ProsodyRules.isOwner(claims)).as("in the shipped realm every host moderates").isTrue();

        admin.withHostsThatAreNotModerators(() -> {
            AdminApi.TestUser plain = admin.newUser("plainhost");
            AdminApi.TestUser moderator = admin.newUser("modhost");
            admin.grantRealmRole(moderator.id(), "jitsi-moderator");
            Map<String, Object> plainClaims = ProsodyRules.guide(server).verify(new JitsiWebClient(server).login(plain.username(), plain.password()).accessToken());
            Map<String, Object> moderatorClaims = ProsodyRules.guide(server).verify(
                    new JitsiWebClient(server).login(moderator.username(), moderator.password()).accessToken());
            assertThat(contextUser(plainClaims)).containsEntry("affiliation", "member").containsEntry("moderator", false);
            assertThat(contextUser(moderatorClaims)).containsEntry("affiliation", "owner").containsEntry("moderator", true);

            String roomToken = (String) Json.object(JitsiTokenEndpointIT.requestToken(
                    new JitsiWebClient(server).login(plain.username(), plain.password()).accessToken(), Map.of("room", "r")).body()).get("token");
            assertThat(ProsodyRules.isOwner(ProsodyRules.payload(roomToken))).as("a plain host's room token").isFalse();
        });
    }

    @Test
    void withTheGateOffAndNoHostRoleEveryoneHostsAgain() throws Exception {
        AdminApi.TestUser guest = admin.newNonHost("ungated");
        Map<String, String> noHostRole = new java.util.HashMap<>();
        noHostRole.put("jitsi.token.required-role", null);
        admin.withTheLoginGateOff(() -> admin.withJitsiSettings(noHostRole, () -> {
            JitsiWebClient.Tokens tokens = new JitsiWebClient(server).login(guest.username(), guest.password());
            Map<String, Object> claims = ProsodyRules.guide(server).verify(tokens.accessToken());
            assertThat(contextUser(claims)).as("a plain member, as before the gate").containsEntry("affiliation", "member");
        }));
        JitsiWebClient browser = new JitsiWebClient(server);
        assertPopupRefused(browser.submitLogin(browser.get(authorizeUrl(browser, stateFor("back", "back"))), guest.username(), guest.password()));
    }

    @Test
    void discoveryGivesTheJitsiSideOfHostsAndGuestsForThisRealm() {
        Map<String, Object> doc = Json.object(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi").body());
        String host = KeycloakServer.JITSI_HOST;
        assertThat(doc).containsEntry("host_role", "jitsi-host");
        assertThat((String) doc.get("prosody")).contains("VirtualHost \"guest." + host + "\"", "authentication = \"jitsi-anonymous\"",
                "Component \"lobby." + host + "\" \"muc\"", "\"muc_wait_for_host\"", "\"token_affiliation\"",
                "wait_for_host_disable_auto_owners = true", "\"persistent_lobby\"", "allow_empty_token = false",
                "asap_require_room_claim = false", "muc_mapper_domain_base = \"" + host + "\"",
                "asap_accepted_issuers = { \"" + server.realmUrl() + "\" }", "asap_accepted_audiences = { \"jitsi-meet\" }",
                "cache_keys_url = \"" + server.oidcUrl() + "/certs\"");
        assertThat((String) doc.get("config_js")).contains("config.hosts.anonymousdomain = 'guest." + host + "';",
                "config.tokenAuthUrl = '" + server.realmUrl() + "/jitsi/signin?state={state}&code_challenge={code_challenge}';",
                "post_logout_redirect_uri=https://" + host + "/static/logout.html");
        assertThat((String) doc.get("docker_jitsi_meet")).contains("ENABLE_GUESTS=1", "ENABLE_AUTO_LOGIN=1", "JWT_ALLOW_EMPTY=0",
                "TOKEN_AUTH_URL=" + server.realmUrl() + "/jitsi/join?room={room}&state={state}\n", "WAIT_FOR_HOST_DISABLE_AUTO_OWNERS=1",
                "XMPP_MUC_MODULES=muc_wait_for_host,token_affiliation", "ENABLE_AUTO_OWNER=false");
        assertThat((String) doc.get("jicofo")).contains("enable-auto-owner = false");
    }

    /** The guest page's wording, from the jar's theme resources, so the tests follow the files. */
    static java.util.Properties guestMessages(String locale) {
        try {
            java.util.Properties p = new java.util.Properties();
            p.load(new java.io.StringReader(ProjectFiles.read(
                    "providers/src/main/resources/theme-resources/messages/messages_" + locale + ".properties")));
            return p;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
