package io.github.keycloakjitsi.it;

import io.github.keycloakjitsi.core.JitsiMeetLinks;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.EventRepresentation;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.keycloakjitsi.it.HostsAndGuestsIT.JWT;
import static io.github.keycloakjitsi.it.HostsAndGuestsIT.guestMessages;
import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.contextUser;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Jitsi client signs in through one {@code config.tokenAuthUrl}, the realm's
 * {@code /jitsi/signin?state={state}&code_challenge={code_challenge}} (and docker-jitsi-meet's
 * TOKEN_AUTH_URL {@code /jitsi/join?room={room}&state={state}}), driven as each client drives it:
 * <ul>
 *   <li>Jitsi's iOS and Android apps fill in {@code {state}} (with {@code ios} or {@code android}
 *       true) and {@code {room}}, never {@code {code_challenge}}, and open the URL in the system
 *       browser (so the literal {@code {code_challenge}} arrives percent-encoded);</li>
 *   <li>the desktop app runs the web client, which adds {@code electron: true} and a code
 *       challenge, and opens the URL in the system browser;</li>
 *   <li>a browser (the web client) fills in both and adds the popup's {@code &nonce=}.</li>
 * </ul>
 * The app's link is read back as the app reads it ({@link JitsiMeetLinks}), and its token judged
 * by Prosody's rules for room tokens.
 */
class JitsiAppsIT {

    private static final String JITSI_HOST = KeycloakServer.JITSI_HOST;
    private static KeycloakServer server;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
    }

    /** {@code {state}} as jitsi-meet's native or desktop code fills it in for an app. */
    static String appState(String app, String room, String tenant) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("room", room);
        state.put("roomSafe", room.toLowerCase());
        if (tenant != null) {
            state.put("tenant", tenant);
        }
        state.put("config.localSubject", "");
        state.put("config.subject", "");
        state.put(app, true);
        return Json.write(state);
    }

    /** config.tokenAuthUrl with {state} filled in, {code_challenge} left as the apps leave it (the browser encodes its braces). */
    static String signInUrl(String state) {
        return server.realmUrl() + "/jitsi/signin?state=" + Http.encode(state) + "&code_challenge=%7Bcode_challenge%7D";
    }

    private static String location(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    /** Through the login page of client jitsi-join and back: the app page's answer. */
    private static HttpResponse<String> throughLogin(JitsiWebClient browser, String entry, AdminApi.TestUser user) {
        String toLogin = location(browser.get(entry));
        assertThat(toLogin).startsWith(server.oidcUrl() + "/auth?").contains("client_id=jitsi-join");
        String toCallback = location(browser.submitLogin(browser.get(toLogin), user.username(), user.password()));
        assertThat(toCallback).startsWith(server.realmUrl() + "/jitsi/join/callback?");
        return browser.get(toCallback);
    }

    /** The page that hands the token to the app: its button's link, after the checks every such page must pass. */
    private static String appLink(HttpResponse<String> page, String app) {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(page.headers().firstValue("X-Frame-Options")).as("no other site frames the button").hasValue("SAMEORIGIN");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'self'");
        Document html = Jsoup.parse(page.body());
        assertThat(html.selectFirst("#jitsi-open-app")).as(page.body()).isNotNull();
        assertThat(html.text()).contains(shown("en", "jitsiOpenAppText_" + app)).contains(shown("en", "jitsiOpenAppExpiry", "2"));
        assertThat(html.select("link[href*=jitsi.css]")).as("themed like the login page").isNotEmpty();
        return html.selectFirst("#jitsi-open-app-button").attr("href");
    }

    /** A message of the theme as Keycloak shows it: formatted by MessageFormat (which turns '' into '). */
    static String shown(String locale, String key, Object... arguments) {
        String pattern = guestMessages(locale).getProperty(key);
        assertThat(pattern).as(key + " in " + locale).isNotNull();
        return new java.text.MessageFormat(pattern, java.util.Locale.forLanguageTag(locale)).format(arguments);
    }

    /** The token the app finds in the link, checked by Prosody's rules for room tokens. */
    private static Map<String, Object> tokenOf(String link, String app) throws Exception {
        String jwt;
        if (app.equals("electron")) {
            JitsiMeetLinks.DesktopMeeting meeting = JitsiMeetLinks.desktopAppOpens(link);
            assertThat(meeting.server()).isEqualTo(JITSI_HOST);
            assertThat(meeting.room()).isEqualTo("team%20sync");
            jwt = JitsiMeetLinks.jwtInPage(meeting.url());
        } else {
            String opened = JitsiMeetLinks.mobileAppOpens(link);
            assertThat(URI.create(opened).getRawPath()).isEqualTo("/team%20sync");
            assertThat(URI.create(opened).getHost()).isEqualTo(JITSI_HOST);
            jwt = JitsiMeetLinks.jwtInPage(opened);
        }
        assertThat(jwt).as("the app finds a token in " + link).isNotNull();
        return ProsodyRules.roomTokens(server).verify(jwt);
    }

    /** The exact form of each app's link: scheme, host, room, and where the token is. */
    private static void assertLinkForm(String link, String app) {
        switch (app) {
            case "ios" -> assertThat(link).matches("org\\.jitsi\\.meet://" + JITSI_HOST.replace(".", "\\.") + "/team%20sync#jwt=%22" + JWT + "%22");
            case "android" -> assertThat(link).matches("intent://" + JITSI_HOST.replace(".", "\\.") + "/team%20sync\\?jwt=" + JWT
                    + "#Intent;scheme=org\\.jitsi\\.meet;package=org\\.jitsi\\.meet;end");
            case "electron" -> assertThat(link).matches("jitsi-meet://" + JITSI_HOST.replace(".", "\\.") + "/team%20sync#jwt=%22" + JWT + "%22");
            default -> throw new IllegalArgumentException(app);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ios", "android", "electron"})
    void eachAppSignsInInTheSystemBrowserAndGetsItsTokenForTheOneRoomBack(String app) throws Exception {
        AdminApi.TestUser host = admin.newUser("app-" + app);
        JitsiWebClient systemBrowser = new JitsiWebClient(server);

        String link = appLink(throughLogin(systemBrowser, signInUrl(appState(app, "Team Sync", null)), host), app);
        assertLinkForm(link, app);
        Map<String, Object> claims = tokenOf(link, app);
        assertThat(claims).containsEntry("room", "team%20sync").containsEntry("sub", JITSI_HOST);
        assertThat(contextUser(claims)).containsEntry("id", host.id());
        assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue()).as("the room token's lifetime")
                .isEqualTo(120);

        // Signed in now: the next time the app asks, the button comes at once, through either entry.
        String again = appLink(systemBrowser.get(signInUrl(appState(app, "Team Sync", null))), app);
        assertLinkForm(again, app);
        String viaJoin = appLink(systemBrowser.get(server.realmUrl() + "/jitsi/join?room=Team%20Sync&state="
                + Http.encode(appState(app, "Team Sync", null))), app);
        assertLinkForm(viaJoin, app);

        List<EventRepresentation> joins = admin.events("OAUTH2_EXTENSION_GRANT");
        assertThat(joins).anySatisfy(e -> {
            assertThat(e.getUserId()).isEqualTo(host.id());
            assertThat(e.getDetails()).containsEntry("jitsi_action", "join").containsEntry("jitsi_app", app)
                    .containsEntry("jitsi_room", "team%20sync");
        });
    }

    @Test
    void aTenantsMeetingOpensUnderTheTenant() throws Exception {
        admin.withJitsiSettings(Map.of("jitsi.token.tenants", "acme"), () -> {
            AdminApi.TestUser host = admin.newUser("tenant-app");
            String link = appLink(throughLogin(new JitsiWebClient(server), signInUrl(appState("ios", "Weekly", "acme")), host), "ios");
            assertThat(link).startsWith("org.jitsi.meet://" + JITSI_HOST + "/acme/weekly#jwt=%22");
            assertThat(ProsodyRules.roomTokens(server).verify(JitsiMeetLinks.jwtInPage(JitsiMeetLinks.mobileAppOpens(link))))
                    .containsEntry("sub", "acme").containsEntry("room", "weekly");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"ios", "android", "electron"})
    void anAppTheAdminSwitchedOffIsRefusedBeforeTheLoginAndAfterIt(String app) throws Exception {
        String setting = "jitsi.apps." + (app.equals("electron") ? "desktop" : app);
        AdminApi.TestUser host = admin.newUser("off-" + app);
        JitsiWebClient systemBrowser = new JitsiWebClient(server);
        // A login begun while the app was allowed...
        String toLogin = location(systemBrowser.get(signInUrl(appState(app, "Team Sync", null))));
        admin.withJitsiSettings(Map.of(setting, "false"), () -> {
            HttpResponse<String> refused = systemBrowser.get(signInUrl(appState(app, "Team Sync", null)));
            JitsiTokenRefusalsIT.assertRefused(refused, 403, "app_not_allowed");
            // ... ends without a token when it is switched off meanwhile.
            String toCallback = location(systemBrowser.submitLogin(systemBrowser.get(toLogin), host.username(), host.password()));
            HttpResponse<String> afterLogin = systemBrowser.get(toCallback);
            JitsiTokenRefusalsIT.assertRefused(afterLogin, 403, "app_not_allowed");
            assertThat(afterLogin.body()).doesNotContainPattern(JWT);
            // The other apps and browsers are not affected.
            String other = app.equals("ios") ? "android" : "ios";
            assertLinkForm(appLink(systemBrowser.get(signInUrl(appState(other, "Team Sync", null))), other), other);
        });
    }

    /** A person following the link in a browser gets a page in their language saying what to do, not JSON. */
    @Test
    void aRefusalInTheBrowserIsAPageInTheUsersLanguage() throws Exception {
        admin.withJitsiSettings(Map.of("jitsi.apps.android", "false"), () -> {
            HttpResponse<String> page = new JitsiWebClient(server).send(HttpRequest.newBuilder(URI.create(signInUrl(appState("android", "r", null))))
                    .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                    .header("Accept-Language", "de-DE,de;q=0.9"));
            assertThat(page.statusCode()).isEqualTo(403);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(Jsoup.parse(page.body()).text()).contains(shown("de", "jitsiRefusal_app_not_allowed"));
        });
    }

    /** Headers Keycloak cannot read choose the plain answer, never a 500. */
    @Test
    void unreadableAcceptHeadersGetThePlainAnswer() {
        String bad = signInUrl("{\"room\":\"*\",\"ios\":true}");
        for (Map<String, String> headers : List.of(Map.of("Accept", "text"), Map.of("Accept", "a".repeat(5000)),
                Map.of("Accept", "text/html", "Accept-Language", "de;q=abc"))) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bad));
            headers.forEach(request::header);
            JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).send(request), 403, "wildcard_not_allowed");
        }
    }

    /** What a caller typed is recorded as sent, with hidden characters written out, and the refusal page is never kept. */
    @Test
    void aRefusalIsRecordedWithHiddenCharactersWrittenOut() {
        HttpResponse<String> refused = new JitsiWebClient(server).send(HttpRequest.newBuilder(
                URI.create(signInUrl(appState("ios", "left\u202Eright", null)))).header("Accept", "text/html"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(Jsoup.parse(refused.body()).text()).contains(shown("en", "jitsiRefusal_invalid_room"));
        assertThat(admin.events("OAUTH2_EXTENSION_GRANT_ERROR")).anySatisfy(e -> assertThat(e.getDetails())
                .containsEntry("jitsi_room", "leftU+202Eright").containsEntry("jitsi_app", "ios"));
    }

    @Test
    void someoneWhoMayNotHostIsSentIntoTheAppAsAGuestWithoutAToken() {
        AdminApi.TestUser guest = admin.newNonHost("app-guest");
        for (String app : List.of("ios", "android", "electron")) {
            JitsiWebClient systemBrowser = new JitsiWebClient(server);
            String toLogin = location(systemBrowser.get(signInUrl(appState(app, "Team Sync", null))));
            HttpResponse<String> page = systemBrowser.submitLogin(systemBrowser.get(toLogin), guest.username(), guest.password());
            String expected = switch (app) {
                case "ios" -> "org.jitsi.meet://" + JITSI_HOST + "/team%20sync";
                case "android" -> "intent://" + JITSI_HOST + "/team%20sync#Intent;scheme=org.jitsi.meet;package=org.jitsi.meet;end";
                default -> "jitsi-meet://" + JITSI_HOST + "/team%20sync";
            };
            HostsAndGuestsIT.assertGuestPage(page, expected);
        }
    }

    /** Each state that is not jitsi-meet's gets its one refusal, before any login and without a token. */
    @Test
    void statesThatAreNotJitsiMeetsAreRefused() {
        Map<String, String> invalidRequest = new LinkedHashMap<>();
        invalidRequest.put("not JSON", "room=r&ios=true");
        invalidRequest.put("a JSON array", "[{\"room\":\"r\",\"ios\":true}]");
        invalidRequest.put("a JSON string", "\"r\"");
        invalidRequest.put("two apps", "{\"room\":\"r\",\"ios\":true,\"android\":true}");
        invalidRequest.put("an object and more", "{\"room\":\"r\",\"ios\":true} x");
        invalidRequest.put("two objects", "{\"room\":\"r\",\"ios\":true}{}");
        invalidRequest.put("a room that is a number", "{\"room\":7,\"ios\":true}");
        invalidRequest.put("a tenant that is an object", "{\"room\":\"r\",\"tenant\":{},\"ios\":true}");
        invalidRequest.forEach((what, state) -> {
            HttpResponse<String> refused = new JitsiWebClient(server).get(signInUrl(state));
            JitsiTokenRefusalsIT.assertRefused(refused, 400, "invalid_request");
            assertThat(refused.body()).as(what).doesNotContainPattern(JWT);
        });
        JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).get(signInUrl("{\"ios\":true}")), 400, "invalid_room");
        JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).get(signInUrl(appState("ios", "*", null))), 403, "wildcard_not_allowed");
        JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).get(signInUrl(appState("ios", "a/b", null))), 400, "invalid_room");
        JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).get(signInUrl(appState("ios", "r", "acme"))), 403, "tenant_not_allowed");
        JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/signin?code_challenge=x"), 400,
                "invalid_request");
    }

    /**
     * A browser (Jitsi's popup) goes on to the guide's login as it always did: the same authorization
     * request, with the state, code challenge and nonce it brought; then sso.html's exchange gives
     * the access token Prosody takes.
     */
    @Test
    void aBrowserGoesOnToTheGuidesLoginWithWhatItBrought() throws Exception {
        AdminApi.TestUser host = admin.newUser("popup");
        JitsiWebClient browser = new JitsiWebClient(server);
        String verifier = JitsiWebClient.randomUrlSafe(48);
        String nonce = "0123456789abcdef".repeat(4);
        String state = JitsiWebClient.jitsiState("Weekly Meeting");
        String toLogin = location(browser.get(server.realmUrl() + "/jitsi/signin?state=" + Http.encode(state) + "&code_challenge="
                + JitsiWebClient.s256(verifier) + "&nonce=" + nonce));
        assertThat(toLogin).startsWith(server.oidcUrl() + "/auth?");
        assertThat(Http.query(URI.create(toLogin))).isEqualTo(Map.of(
                "client_id", "jitsi", "response_type", "code", "scope", "openid", "state", state,
                "redirect_uri", "https://" + JITSI_HOST + "/static/sso.html", "code_challenge", JitsiWebClient.s256(verifier),
                "code_challenge_method", "S256", "nonce", nonce));

        String toSso = location(browser.submitLogin(browser.get(toLogin), host.username(), host.password()));
        Map<String, String> back = Http.query(URI.create(toSso));
        assertThat(back.get("state")).as("sso.html gets the state as Jitsi made it").isEqualTo(state);
        assertThat(SsoHtml.handle(toSso)).isEqualTo(new SsoHtml.Outcome("code", null));
        JitsiWebClient.Tokens tokens = browser.token(Map.of("grant_type", "authorization_code", "code", back.get("code"),
                "code_verifier", verifier, "client_id", "jitsi", "redirect_uri", "https://" + JITSI_HOST + "/static/sso.html"));
        assertThat(ProsodyRules.guide(server).verify(tokens.accessToken())).containsEntry("aud", "jitsi-meet");
        assertThat(ProsodyRules.payload(tokens.idToken())).containsEntry("nonce", nonce);
    }

    @Test
    void aNonHostInThePopupIsToldThroughSsoHtmlAsBefore() {
        AdminApi.TestUser guest = admin.newNonHost("popup-guest");
        JitsiWebClient browser = new JitsiWebClient(server);
        String toLogin = location(browser.get(server.realmUrl() + "/jitsi/signin?state=" + Http.encode(JitsiWebClient.jitsiState("r"))
                + "&code_challenge=" + JitsiWebClient.s256(JitsiWebClient.randomUrlSafe(48)) + "&nonce=abc"));
        HostsAndGuestsIT.assertPopupRefused(browser.submitLogin(browser.get(toLogin), guest.username(), guest.password()));
    }

    /** A browser must bring the web client's PKCE challenge; a malformed one or nonce is refused, never passed on. */
    @Test
    void aBrowserWithoutAProperChallengeOrNonceIsRefused() {
        String state = Http.encode(JitsiWebClient.jitsiState("r"));
        String good = JitsiWebClient.s256("v".repeat(43));
        for (String challenge : List.of("", "%7Bcode_challenge%7D", good.substring(1), good + "A", good.substring(1) + "%2B",
                good.substring(1) + "=", good.substring(1) + "%7F")) {
            JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/signin?state=" + state
                    + "&code_challenge=" + challenge), 400, "invalid_request");
        }
        JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/signin?state=" + state
                + "&nonce=n"), 400, "invalid_request");
        for (String nonce : List.of("", "a%20b", "a%22b", "%3Cscript%3E", "a".repeat(256))) {
            JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/signin?state=" + state
                    + "&code_challenge=" + good + "&nonce=" + nonce), 400, "invalid_request");
        }
        assertThat(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/signin?state=" + state + "&code_challenge=" + good
                + "&nonce=" + "a".repeat(255)).statusCode()).as("the longest nonce that is taken").isEqualTo(302);
        // A NUL anywhere in the query: Keycloak's own filter answers before the bundle sees it.
        HttpResponse<String> nul = new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/signin?state=" + state + "&code_challenge="
                + good.substring(1) + "%00");
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(Json.object(nul.body())).containsEntry("error", "Blocking invalid query parameter value");
        assertThat(nul.headers().firstValue("Location")).isEmpty();
    }

    /** The guest's way into the app and the non-host's guest page share the messages of the theme in every language. */
    @Test
    void theAppPageIsThemedInEveryLanguage() {
        AdminApi.TestUser host = admin.newUser("polyglot-app");
        JitsiWebClient systemBrowser = new JitsiWebClient(server);
        appLink(throughLogin(systemBrowser, signInUrl(appState("ios", "r", null)), host), "ios");
        for (String locale : List.of("de", "fr", "es")) {
            HttpResponse<String> page = systemBrowser.send(HttpRequest.newBuilder(URI.create(signInUrl(appState("android", "r", null)) + "&ui_locales=" + locale))
                    .header("Accept-Language", locale));
            assertThat(page.statusCode()).isEqualTo(200);
            String text = Jsoup.parse(page.body()).text();
            assertThat(text).as(locale).contains(shown(locale, "jitsiOpenAppButton")).contains(shown(locale, "jitsiOpenAppText_android"));
        }
    }
}
