package io.github.keycloakjitsi.it;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.EventRepresentation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.context;
import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.contextUser;
import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.MEETING_BASE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invitations of people without an account, on a real Keycloak with the shipped realm: a host
 * invites (POST /jitsi/invites), the guest opens the link (a themed page of the realm), types a
 * name and lands in that one meeting with a guest token that Prosody's rules accept as a member
 * of that room only. Used up, revoked, disabled, rate-limited, a host who lost the right, bad
 * names and forged links: a clear page or JSON error, no token, no 5xx. And the two other parts of
 * the issue: room owners from the /meetings subgroups, and the hidden-from-recorder role.
 */
class InvitesIT {

    private static KeycloakServer server;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
    }

    static String hostToken(KeycloakServer node, AdminApi.TestUser host) {
        return new JitsiWebClient(node).login(host.username(), host.password()).accessToken();
    }

    /** A new invitation of {@code host}: its JSON, after checking the answer. */
    static Map<String, Object> invite(KeycloakServer node, String accessToken, Map<String, String> form) {
        HttpResponse<String> created = new JitsiWebClient(node).createInvite(accessToken, form);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        return Json.object(created.body());
    }

    /** The guest's token from the redirect to the meeting, after checking where it goes. */
    static String guestToken(HttpResponse<String> joined, String meeting) {
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(302);
        String location = joined.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(meeting + "#jwt=");
        return JitsiJoinIT.jwtOf(location);
    }

    /** A page of the invitation that gives nothing: the status, the reason in words, no token, no form. */
    static Document assertNoEntry(HttpResponse<String> response, int status, String messageKey) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.body()).doesNotContain("eyJ");
        Document page = Jsoup.parse(response.body());
        assertThat(page.selectFirst("#jitsi-invite")).as(response.body()).isNotNull();
        assertThat(page.selectFirst("#jitsi-invite-form")).isNull();
        assertThat(page.text()).contains(message("en", messageKey));
        String kind = messageKey.substring("jitsiInvite_".length());
        assertThat(page.selectFirst("#kc-page-title").text()).as("a heading that says what happened, not that they are invited")
                .isEqualTo(message("en", "jitsiInviteRefusedTitle_" + kind)).isNotEqualTo(message("en", "jitsiInviteTitle"));
        return page;
    }

    static String message(String locale, String key) {
        Properties messages = HostsAndGuestsIT.guestMessages(locale);
        return messages.getProperty(key).replace("''", "'");
    }

    private static List<EventRepresentation> eventsOf(String inviteId, String type) {
        return admin.events(type).stream()
                .filter(e -> e.getDetails() != null && inviteId.equals(e.getDetails().get("jitsi_invite_id"))).toList();
    }

    @Test
    void aGuestJoinsOneMeetingAsAMemberWithTheNameTheyTyped() throws Exception {
        AdminApi.TestUser host = admin.newUser("inviter");
        Map<String, Object> invite = invite(server, hostToken(server, host), Map.of("room", "Café Team", "valid_for", "3600"));
        assertThat(invite).containsEntry("room", "caf%c3%a9%20team").containsEntry("tenant", "").containsEntry("uses", 0);
        String url = (String) invite.get("url");
        assertThat(url).matches(java.util.regex.Pattern.quote(server.issuer() + "/jitsi/invite/") + "[A-Za-z0-9]{32}");
        long expiresAt = ((Number) invite.get("expires_at")).longValue();
        assertThat(expiresAt).isBetween(Instant.now().getEpochSecond() + 3500, Instant.now().getEpochSecond() + 3700);

        JitsiWebClient guest = new JitsiWebClient(server);
        HttpResponse<String> page = guest.get(url);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        Document form = Jsoup.parse(page.body());
        assertThat(form.selectFirst("#jitsi-invite-room").text()).isEqualTo(message("en", "jitsiInviteText") + " Café Team");
        assertThat(form.selectFirst("#jitsi-invite-room-name").text()).isEqualTo("Café Team");
        assertThat(form.selectFirst("#jitsi-invite-form").attr("action")).isEqualTo(url);
        assertThat(form.select("link[href*=jitsi.css]")).as("themed like the login page").isNotEmpty();
        assertThat(guest.cookieHeader(server.baseUrl())).as("the page starts no session").isEmpty();

        String token = guestToken(guest.post(url, Map.of("name", " Dora Guest ")), MEETING_BASE + "caf%c3%a9%20team");

        Map<String, Object> claims = ProsodyRules.roomTokens(server).verify(token);
        assertThat(claims).containsEntry("room", "caf%c3%a9%20team").containsEntry("aud", ProsodyRules.Settings.JITSI_AUDIENCE).containsEntry("typ", "jitsi-room");
        assertThat(ProsodyRules.isOwner(claims)).isFalse();
        Map<String, Object> user = contextUser(claims);
        assertThat(user).containsEntry("name", "Dora Guest").containsEntry("moderator", false).containsEntry("affiliation", "member");
        assertThat((String) user.get("id")).startsWith("guest:" + invite.get("id") + ":");
        assertThat(user).doesNotContainKeys("email", "avatar");
        @SuppressWarnings("unchecked")
        Map<String, Object> features = (Map<String, Object>) context(claims).get("features");
        assertThat(features).as("a locked name, and the Jitsi client's defaults (chat, screen sharing) as for a guest without a token")
                .containsOnly(Map.entry("name-readonly", true));
        assertThat(((Number) claims.get("exp")).longValue()).isLessThanOrEqualTo(expiresAt);

        Map<String, String> details = eventsOf((String) invite.get("id"), "OAUTH2_EXTENSION_GRANT").stream()
                .filter(e -> "invite_use".equals(e.getDetails().get("jitsi_action"))).findFirst().orElseThrow().getDetails();
        assertThat(details).containsEntry("jitsi_guest_name", "Dora Guest").containsEntry("jitsi_invited_by", host.id())
                .containsEntry("jitsi_moderator", "false");
        assertThat(eventsOf((String) invite.get("id"), "OAUTH2_EXTENSION_GRANT")).anySatisfy(e -> {
            assertThat(e.getDetails()).containsEntry("jitsi_action", "invite_create");
            assertThat(e.getUserId()).isEqualTo(host.id());
        });
    }

    @Test
    void aFixedNameIsTheOnlyNameAndTheLastUseIsTheLast() throws Exception {
        AdminApi.TestUser host = admin.newUser("fixer");
        Map<String, Object> invite = invite(server, hostToken(server, host),
                Map.of("room", "Interview", "max_uses", "1", "name", "Candidate Smith"));
        String url = (String) invite.get("url");
        JitsiWebClient guest = new JitsiWebClient(server);
        Document form = Jsoup.parse(guest.get(url).body());
        assertThat(form.selectFirst("#jitsi-invite-fixed-name").text()).contains("Candidate Smith");
        assertThat(form.selectFirst("input[name=name]")).as("nothing to type").isNull();

        String token = guestToken(guest.post(url, Map.of("name", "The Boss")), MEETING_BASE + "interview");
        assertThat(contextUser(ProsodyRules.roomTokens(server).verify(token))).containsEntry("name", "Candidate Smith");

        assertNoEntry(guest.get(url), 410, "jitsiInvite_invite_used_up");
        assertNoEntry(new JitsiWebClient(server).post(url, Map.of("name", "Again")), 410, "jitsiInvite_invite_used_up");
        assertThat(eventsOf((String) invite.get("id"), "OAUTH2_EXTENSION_GRANT_ERROR")).anySatisfy(e -> assertThat(e.getError()).isEqualTo("invite_used_up"));
    }

    @Test
    void namesAreTextNeverThemeMessagesOrTemplates() throws Exception {
        AdminApi.TestUser host = admin.newUser("namer");
        String accessToken = hostToken(server, host);
        for (String name : List.of("${jitsiHostRequiredTitle}", "{0} <b>bold</b> ''quoted''", "#{1+1} ${1+1} <#if true>x</#if>")) {
            String url = (String) invite(server, accessToken, Map.of("room", "Named", "name", name)).get("url");
            JitsiWebClient guest = new JitsiWebClient(server);
            HttpResponse<String> page = guest.get(url);
            Document form = Jsoup.parse(page.body());
            assertThat(form.selectFirst("#jitsi-invite-name").text()).as(page.body()).isEqualTo(name);
            assertThat(form.select("#jitsi-invite-name b")).as("shown as text, not markup").isEmpty();
            String token = guestToken(guest.post(url, Map.of()), MEETING_BASE + "named");
            assertThat(contextUser(ProsodyRules.roomTokens(server).verify(token))).as("signed as typed").containsEntry("name", name);
        }
        String typed = "${jitsiInviteTitle}";
        String url = (String) invite(server, accessToken, Map.of("room", "Named")).get("url");
        String token = guestToken(new JitsiWebClient(server).post(url, Map.of("name", typed)), MEETING_BASE + "named");
        assertThat(contextUser(ProsodyRules.roomTokens(server).verify(token))).containsEntry("name", typed);
    }

    @Test
    void theHostListsAndRevokesTheirInvitationsAtOnce() throws Exception {
        AdminApi.TestUser host = admin.newUser("revoker");
        AdminApi.TestUser other = admin.newUser("bystander");
        String accessToken = hostToken(server, host);
        Map<String, Object> first = invite(server, accessToken, Map.of("room", "Standup"));
        Map<String, Object> second = invite(server, accessToken, Map.of("room", "Retro", "max_uses", "5"));
        JitsiWebClient web = new JitsiWebClient(server);

        HttpResponse<String> listed = web.invites(accessToken);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(JitsiWebClient.ORIGIN);
        List<Map<String, Object>> live = Json.array(listed.body());
        assertThat(live).extracting(i -> i.get("id")).containsExactlyInAnyOrder(first.get("id"), second.get("id"));
        assertThat(listed.body()).as("the link is shown once, when made").doesNotContain("/jitsi/invite/", "key");

        String otherToken = hostToken(server, other);
        assertThat(Json.array(web.invites(otherToken).body())).as("only one's own").isEmpty();
        JitsiTokenRefusalsIT.assertRefused(web.revokeInvite(otherToken, (String) first.get("id")), 404, "invite_not_found");
        assertThat(web.get((String) first.get("url")).statusCode()).as("still open").isEqualTo(200);

        HttpResponse<String> revoked = web.revokeInvite(accessToken, (String) first.get("id"));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);

        assertNoEntry(web.get((String) first.get("url")), 410, "jitsiInvite_invite_ended");
        assertNoEntry(web.post((String) first.get("url"), Map.of("name", "Late")), 410, "jitsiInvite_invite_ended");
        assertThat(Json.array(web.invites(accessToken).body())).extracting(i -> i.get("id")).containsExactly(second.get("id"));
        assertThat(web.revokeInvite(accessToken, (String) first.get("id")).statusCode()).as("again: the same").isEqualTo(204);
        assertThat(eventsOf((String) first.get("id"), "OAUTH2_EXTENSION_GRANT"))
                .filteredOn(e -> "invite_revoke".equals(e.getDetails().get("jitsi_action"))).singleElement()
                .satisfies(e -> assertThat(e.getUserId()).isEqualTo(host.id()));
    }

    @Test
    void onlyHostsInviteWithinTheAdminsBounds() throws Exception {
        AdminApi.TestUser host = admin.newUser("bounded");
        String accessToken = hostToken(server, host);
        JitsiWebClient web = new JitsiWebClient(server);
        for (Map<String, String> form : List.<Map<String, String>>of(Map.of("room", "x", "valid_for", "604801"),
                Map.of("room", "x", "valid_for", "60"), Map.of("room", "x", "max_uses", "0"), Map.of("room", "x", "max_uses", "1001"))) {
            JitsiTokenRefusalsIT.assertRefused(web.createInvite(accessToken, form), 400, "invalid_request");
        }
        JitsiTokenRefusalsIT.assertRefused(web.createInvite(accessToken, Map.of("room", "*")), 403, "wildcard_not_allowed");
        JitsiTokenRefusalsIT.assertRefused(web.createInvite(accessToken, Map.of("room", "a%2fb")), 400, "invalid_room");
        JitsiTokenRefusalsIT.assertRefused(web.createInvite(accessToken, Map.of("room", "x", "name", "Eve\u202Egnp.exe")), 400, "invalid_name");
        JitsiTokenRefusalsIT.assertRefused(web.createInvite(accessToken, Map.of("room", "x", "name", "n".repeat(65))), 400, "invalid_name");
        JitsiTokenRefusalsIT.assertRefused(web.createInvite("not-a-token", Map.of("room", "x")), 401, "invalid_token");
        JitsiTokenRefusalsIT.assertRefused(web.createInvite(admin.passwordGrant("admin-cli", host), Map.of("room", "x")), 403, "access_denied");

        admin.removeHostRole(host.id());
        JitsiTokenRefusalsIT.assertRefused(web.createInvite(accessToken, Map.of("room", "x")), 403, "access_denied");
        assertThat(Json.array(web.invites(accessToken).body())).isEmpty();
    }

    @Test
    void aHostsInvitationsLetNobodyInOnceTheHostMayNoLongerHost() throws Exception {
        AdminApi.TestUser host = admin.newUser("demoted");
        String url = (String) invite(server, hostToken(server, host), Map.of("room", "Townhall")).get("url");
        admin.removeHostRole(host.id());
        assertNoEntry(new JitsiWebClient(server).post(url, Map.of("name", "Guest")), 410, "jitsiInvite_invite_ended");

        AdminApi.TestUser disabled = admin.newUser("disabled-host");
        String other = (String) invite(server, hostToken(server, disabled), Map.of("room", "Townhall")).get("url");
        admin.disableUser(disabled.id());
        assertNoEntry(new JitsiWebClient(server).post(other, Map.of("name", "Guest")), 410, "jitsiInvite_invite_ended");

        AdminApi.TestUser removed = admin.newUser("removed-host");
        String gone = (String) invite(server, hostToken(server, removed), Map.of("room", "Townhall")).get("url");
        admin.realm().users().delete(removed.id()).close();
        assertNoEntry(new JitsiWebClient(server).get(gone), 404, "jitsiInvite_invite_not_found");
    }

    @Test
    void badNamesGetTheFormAgainAndNoToken() throws Exception {
        AdminApi.TestUser host = admin.newUser("namecheck");
        Map<String, Object> invite = invite(server, hostToken(server, host), Map.of("room", "Names", "max_uses", "1"));
        String url = (String) invite.get("url");
        JitsiWebClient guest = new JitsiWebClient(server);
        for (String name : List.of("", "   ", "a".repeat(65), "Eve\u202Egnp.exe", "Tab\tName", "Line\nBreak", "Zero\u200BWidth",
                "Nul\u0000", "Esc\u001B[31m", "\u2066Isolate", "\uFEFFBom")) {
            HttpResponse<String> again = guest.post(url, Map.of("name", name));
            assertThat(again.statusCode()).as(name).isEqualTo(400);
            assertThat(again.headers().firstValue("Location")).isEmpty();
            Document page = Jsoup.parse(again.body());
            assertThat(page.selectFirst("#jitsi-invite-form")).as("the form again").isNotNull();
            assertThat(page.text()).contains(message("en", "jitsiInvite_invalid_name"));
        }
        HttpResponse<String> twoNames = guest.send(Http.postRaw(url, "name=a&name=b"));
        assertNoEntry(twoNames, 400, "jitsiInvite_invalid_request");
        HttpResponse<String> json = guest.send(Http.postRaw(url, "{\"name\":\"x\"}").setHeader("Content-Type", "application/json"));
        assertNoEntry(json, 415, "jitsiInvite_invalid_request");

        HttpResponse<String> typedBack = guest.post(url, Map.of("name", "<script>alert(1)</script>\u202E"));
        assertThat(typedBack.body()).as("what was typed comes back escaped").doesNotContain("<script>alert(1)");

        assertThat(Json.array(new JitsiWebClient(server).invites(hostToken(server, host)).body()))
                .singleElement().satisfies(i -> assertThat(i.get("uses")).as("no refused name counted").isEqualTo(0));
        guestToken(guest.post(url, Map.of("name", "Fine Name")), MEETING_BASE + "names");
    }

    @Test
    void forgedUnknownAndMalformedLinksOpenNothing() {
        JitsiWebClient guest = new JitsiWebClient(server);
        String base = server.issuer() + "/jitsi/invite/";
        for (String key : List.of("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "short", "a".repeat(33), "a".repeat(4000),
                "%00", "%E2%80%AE" + "a".repeat(31), "%EF%BC%A1".repeat(32), "%252e%252e")) {
            HttpResponse<String> shown = guest.get(base + key);
            assertThat(shown.statusCode()).as(key + ": " + shown.body()).isEqualTo(404);
            assertNoEntry(shown, 404, "jitsiInvite_invite_not_found");
            assertNoEntry(guest.post(base + key, Map.of("name", "Mallory")), 404, "jitsiInvite_invite_not_found");
        }
        // Encoded slashes stay inside the one path segment: the endpoint gets "../../admin" as the key, which opens nothing.
        for (String key : List.of("..%2f..%2fadmin", "a%2fb", "..%2F..%2Fadmin")) {
            assertNoEntry(guest.get(base + key), 404, "jitsiInvite_invite_not_found");
        }
        // Paths Keycloak's HTTP layer refuses itself, before any endpoint: its RejectNonNormalizedPathFilter
        // answers 400 to every path RFC 3986 normalization would change (an encoded dot segment, needless escapes of letters).
        for (String key : List.of("%2e%2e", "%2E%2E", "%41".repeat(32))) {
            HttpResponse<String> refused = guest.get(base + key);
            assertThat(refused.statusCode()).as(key + ": " + refused.body()).isEqualTo(400);
            assertThat(Json.object(refused.body())).as(key).containsEntry("error", "missingNormalization");
            assertThat(refused.body()).doesNotContain("eyJ");
        }
    }

    @Test
    void joinsPerMinuteAreLimitedPerInvitation() throws Exception {
        AdminApi.TestUser host = admin.newUser("popular");
        String accessToken = hostToken(server, host);
        admin.withJitsiSettings(Map.of("jitsi.invites.joins-per-minute", "3"), () -> {
            String url = (String) invite(server, accessToken, Map.of("room", "Webinar")).get("url");
            String other = (String) invite(server, accessToken, Map.of("room", "Webinar")).get("url");
            for (int i = 0; i < 3; i++) {
                guestToken(new JitsiWebClient(server).post(url, Map.of("name", "Guest " + i)), MEETING_BASE + "webinar");
            }
            HttpResponse<String> fourth = new JitsiWebClient(server).post(url, Map.of("name", "Guest 4"));
            assertNoEntry(fourth, 429, "jitsiInvite_slow_down");
            guestToken(new JitsiWebClient(server).post(other, Map.of("name", "Elsewhere")), MEETING_BASE + "webinar");
        });
    }

    /** Every invitation action is a Jitsi event of its own, never one of Keycloak's token exchanges; a refused list too. */
    @Test
    void eachActionIsAnEventAnAuditorCanFilter() throws Exception {
        AdminApi.TestUser host = admin.newUser("audited");
        String accessToken = hostToken(server, host);
        Map<String, Object> invite = invite(server, accessToken, Map.of("room", "Ledger"));
        assertThat(new JitsiWebClient(server).revokeInvite(accessToken, (String) invite.get("id")).statusCode()).isEqualTo(204);
        JitsiWebClient web = new JitsiWebClient(server);
        JitsiTokenRefusalsIT.assertRefused(web.send(HttpRequest.newBuilder(URI.create(server.issuer() + "/jitsi/invites?max=0"))
                .header("Authorization", "Bearer " + accessToken)), 400, "invalid_request");

        assertThat(eventsOf((String) invite.get("id"), "OAUTH2_EXTENSION_GRANT")).extracting(e -> e.getDetails().get("jitsi_action"))
                .containsExactlyInAnyOrder("invite_create", "invite_revoke");
        assertThat(admin.events("OAUTH2_EXTENSION_GRANT_ERROR")).filteredOn(e -> host.id().equals(e.getUserId())).singleElement()
                .satisfies(e -> {
                    assertThat(e.getError()).isEqualTo("invalid_request");
                    assertThat(e.getDetails()).containsEntry("jitsi_action", "invite_list")
                            .containsEntry("grant_type", "urn:keycloak-jitsi:jitsi");
                });
        assertThat(admin.events("TOKEN_EXCHANGE")).noneMatch(e -> host.id().equals(e.getUserId()));
        assertThat(admin.events("TOKEN_EXCHANGE_ERROR")).noneMatch(e -> host.id().equals(e.getUserId()));
    }

    @Test
    void switchedOffTheyOpenNothing() throws Exception {
        AdminApi.TestUser host = admin.newUser("switch");
        String accessToken = hostToken(server, host);
        String url = (String) invite(server, accessToken, Map.of("room", "Later")).get("url");
        admin.withJitsiSettings(Map.of("jitsi.invites.enabled", "false"), () -> {
            JitsiTokenRefusalsIT.assertRefused(new JitsiWebClient(server).createInvite(accessToken, Map.of("room", "x")), 403,
                    "invitations_disabled");
            assertNoEntry(new JitsiWebClient(server).get(url), 404, "jitsiInvite_invitations_disabled");
            assertThat(Json.object(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi").body()).get("invites_endpoint")).isNull();
        });
        assertThat(new JitsiWebClient(server).get(url).statusCode()).isEqualTo(200);
    }

    @Test
    void theInvitePageSpeaksTheRealmsLanguages() throws Exception {
        AdminApi.TestUser host = admin.newUser("polyglot");
        String url = (String) invite(server, hostToken(server, host), Map.of("room", "Sprachen")).get("url");
        for (String locale : List.of("de", "fr", "es")) {
            HttpResponse<String> page = Http.send(HttpClient.newHttpClient(),
                    HttpRequest.newBuilder(URI.create(url)).header("Accept-Language", locale).build());
            assertThat(page.statusCode()).isEqualTo(200);
            Document form = Jsoup.parse(page.body());
            assertThat(form.text()).contains(message(locale, "jitsiInviteTitle"), message(locale, "jitsiInviteName"));
            assertThat(form.selectFirst("#jitsi-invite-join").attr("value")).isEqualTo(message(locale, "jitsiInviteJoin"));
        }
    }

    @Test
    void adminsSeeAndRevokeEveryInvitation() throws Exception {
        AdminApi.TestUser host = admin.newUser("audited");
        Map<String, Object> invite = invite(server, hostToken(server, host), Map.of("room", "Audit", "name", "Auditor"));
        String adminToken = admin.keycloak().tokenManager().getAccessTokenString();
        String endpoint = server.baseUrl() + "/admin/realms/" + KeycloakServer.REALM + "/jitsi-invites";
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> listed = Http.send(http, HttpRequest.newBuilder(URI.create(endpoint + "?max=100"))
                .header("Authorization", "Bearer " + adminToken).build());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        Map<String, Object> seen = Json.array(listed.body()).stream().filter(i -> invite.get("id").equals(i.get("id"))).findFirst().orElseThrow();
        assertThat(seen.get("created_by")).isEqualTo(host.id());
        assertThat(seen.get("live")).isEqualTo(true);
        assertThat(seen.get("name")).isEqualTo("Auditor");
        assertThat(listed.body()).doesNotContain(((String) invite.get("url")).substring(((String) invite.get("url")).lastIndexOf('/') + 1));

        String userToken = hostToken(server, host);
        assertThat(Http.send(http, HttpRequest.newBuilder(URI.create(endpoint)).header("Authorization", "Bearer " + userToken).build())
                .statusCode()).as("a realm user's valid token, but no admin role: Keycloak's requireViewRealm").isEqualTo(403);
        assertThat(Http.send(http, HttpRequest.newBuilder(URI.create(endpoint)).build()).statusCode()).isEqualTo(401);

        HttpResponse<String> revoked = Http.send(http, HttpRequest.newBuilder(URI.create(endpoint + "/" + invite.get("id"))).DELETE()
                .header("Authorization", "Bearer " + adminToken).build());
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertNoEntry(new JitsiWebClient(server).get((String) invite.get("url")), 410, "jitsiInvite_invite_ended");
        assertThat(Http.send(http, HttpRequest.newBuilder(URI.create(endpoint + "/no-such-id")).DELETE()
                .header("Authorization", "Bearer " + adminToken).build()).statusCode()).isEqualTo(404);
        List<AdminEventRepresentation> adminEvents = admin.realm().getAdminEvents(List.of("DELETE"), null, null, null, null, null,
                null, null, 0, 100);
        assertThat(adminEvents).anySatisfy(e -> {
            assertThat(e.getResourceType()).isEqualTo("JITSI_INVITE");
            assertThat(e.getResourcePath()).endsWith((String) invite.get("id"));
        });
    }

    @Test
    void aHostHasAtMostTheAdminsNumberOfLiveInvitationsEvenAskingInParallel() throws Exception {
        AdminApi.TestUser host = admin.newUser("prolific");
        String accessToken = hostToken(server, host);
        admin.withJitsiSettings(Map.of("jitsi.invites.max-live-per-host", "5"), () -> {
            List<HttpResponse<String>> answers;
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
                answers = pool.invokeAll(java.util.stream.IntStream.range(0, 8)
                        .<java.util.concurrent.Callable<HttpResponse<String>>>mapToObj(i -> () ->
                                new JitsiWebClient(server).createInvite(accessToken, Map.of("room", "Crowd " + i)))
                        .toList()).stream().map(f -> {
                            try {
                                return f.get();
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        }).toList();
            }
            assertThat(answers).filteredOn(a -> a.statusCode() == 201).hasSize(5);
            assertThat(answers).filteredOn(a -> a.statusCode() != 201).hasSize(3).allSatisfy(a -> {
                assertThat(a.statusCode()).as(a.body()).isEqualTo(409);
                assertThat(Json.object(a.body())).containsEntry("error", "too_many_invites");
                assertThat(a.body()).doesNotContain("/jitsi/invite/");
            });
            JitsiWebClient web = new JitsiWebClient(server);
            List<Map<String, Object>> live = Json.array(web.invites(accessToken).body());
            assertThat(live).hasSize(5);
            assertThat(web.revokeInvite(accessToken, (String) live.get(0).get("id")).statusCode()).isEqualTo(204);
            assertThat(web.createInvite(accessToken, Map.of("room", "One more")).statusCode()).as("a revoked one frees its place")
                    .isEqualTo(201);
            JitsiTokenRefusalsIT.assertRefused(web.createInvite(accessToken, Map.of("room", "Too many")), 409, "too_many_invites");
        });
    }

    @Test
    void theHostsListComesInPages() throws Exception {
        AdminApi.TestUser host = admin.newUser("pager");
        String accessToken = hostToken(server, host);
        for (int i = 0; i < 5; i++) {
            invite(server, accessToken, Map.of("room", "Page " + i));
        }
        JitsiWebClient web = new JitsiWebClient(server);
        List<Map<String, Object>> all = Json.array(web.invites(accessToken).body());
        assertThat(all).extracting(i -> i.get("room")).containsExactlyInAnyOrder("page%200", "page%201", "page%202", "page%203", "page%204");
        assertThat(all).extracting(i -> ((Number) i.get("created_at")).longValue()).as("oldest first").isSorted();
        assertThat(Json.array(web.get(server.realmUrl() + "/jitsi/invites?first=1&max=2", accessToken).body()))
                .extracting(i -> i.get("id")).containsExactly(all.get(1).get("id"), all.get(2).get("id"));
        assertThat(Json.array(web.get(server.realmUrl() + "/jitsi/invites?first=4&max=100", accessToken).body())).hasSize(1);
        for (String query : List.of("max=101", "max=0", "first=-1", "max=x", "first=%EF%BC%95")) {
            JitsiTokenRefusalsIT.assertRefused(web.get(server.realmUrl() + "/jitsi/invites?" + query, accessToken), 400, "invalid_request");
        }
    }

    @Test
    void ownersComeFromTheGroupTreeNeverFromAPathString() throws Exception {
        admin.withHostsThatAreNotModerators(() -> {
            AdminApi.TestUser mallory = admin.newUser("slashed");
            // Keycloak takes a slash in a top-level group's name: its path reads /meetings/standup.
            admin.joinGroup(mallory.id(), admin.createGroup("meetings/standup"));
            JitsiWebClient web = new JitsiWebClient(server);
            String malloryToken = hostToken(server, mallory);
            Map<String, Object> standup = ProsodyRules.roomTokens(server).verify((String) Json.object(
                    web.roomToken(malloryToken, Map.of("room", "standup")).body()).get("token"));
            assertThat(ProsodyRules.isOwner(standup)).as("not below /meetings in the tree").isFalse();

            AdminApi.TestUser carol = admin.newUser("tenantowner");
            String tenant = "t" + java.util.UUID.randomUUID().toString().substring(0, 6);
            String tenantGroup = admin.createSubgroup(admin.groupByPath("/meetings"), tenant);
            admin.joinGroup(carol.id(), admin.createSubgroup(tenantGroup, "board"));
            String carolToken = hostToken(server, carol);
            admin.withJitsiSettings(Map.of("jitsi.token.tenants", tenant), () -> {
                Map<String, Object> board = ProsodyRules.roomTokens(server).verify((String) Json.object(
                        web.roomToken(carolToken, Map.of("room", "board", "tenant", tenant)).body()).get("token"));
                assertThat(board).containsEntry("sub", tenant).containsEntry("room", "board");
                assertThat(ProsodyRules.isOwner(board)).isTrue();
                Map<String, Object> mainAcme = ProsodyRules.roomTokens(server).verify((String) Json.object(
                        web.roomToken(carolToken, Map.of("room", tenant)).body()).get("token"));
                assertThat(ProsodyRules.isOwner(mainAcme)).as("the main domain's room of the tenant's name is not the tenant's group")
                        .isFalse();
                Map<String, Object> mainBoard = ProsodyRules.roomTokens(server).verify((String) Json.object(
                        web.roomToken(carolToken, Map.of("room", "board")).body()).get("token"));
                assertThat(ProsodyRules.isOwner(mainBoard)).isFalse();
            });
        });
    }

    @Test
    void membersOfAMeetingsSubgroupOwnThatRoomOnly() throws Exception {
        admin.withHostsThatAreNotModerators(() -> {
            AdminApi.TestUser owner = admin.newUser("roomowner");
            String meetings = admin.groupByPath("/meetings");
            admin.joinGroup(owner.id(), admin.createSubgroup(meetings, "Café Team"));
            String accessToken = hostToken(server, owner);
            JitsiWebClient web = new JitsiWebClient(server);

            for (String spelling : List.of("Café Team", "caf%c3%a9%20team", "CAFÉ TEAM", "Cafe\u0301 Team")) {
                HttpResponse<String> token = web.roomToken(accessToken, Map.of("room", spelling));
                assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
                Map<String, Object> claims = ProsodyRules.roomTokens(server).verify((String) Json.object(token.body()).get("token"));
                assertThat(claims).as(spelling).containsEntry("room", "caf%c3%a9%20team");
                assertThat(ProsodyRules.isOwner(claims)).as(spelling).isTrue();
            }
            Map<String, Object> other = ProsodyRules.roomTokens(server).verify((String) Json.object(web.roomToken(accessToken, Map.of("room", "Board")).body()).get("token"));
            assertThat(ProsodyRules.isOwner(other)).as("another room: the usual role").isFalse();
            assertThat(ProsodyRules.isOwner(ProsodyRules.guide(server).verify(accessToken))).as("Keycloak's token is for every room").isFalse();

            // /jitsi/join, the browser way in, the same.
            JitsiWebClient browser = new JitsiWebClient(server);
            browser.login(owner.username(), owner.password());
            HttpResponse<String> joined = browser.get(server.realmUrl() + "/jitsi/join?room=caf%25c3%25a9%2520team");
            assertThat(ProsodyRules.isOwner(ProsodyRules.roomTokens(server).verify(guestToken(joined, MEETING_BASE + "caf%c3%a9%20team")))).isTrue();

            // An invited guest of that room is a member all the same.
            String url = (String) invite(server, accessToken, Map.of("room", "Café Team")).get("url");
            Map<String, Object> guest = ProsodyRules.roomTokens(server).verify(guestToken(new JitsiWebClient(server).post(url, Map.of("name", "G")),
                    MEETING_BASE + "caf%c3%a9%20team"));
            assertThat(ProsodyRules.isOwner(guest)).isFalse();
        });
    }

    @Test
    void holdersOfTheHiddenRoleAreHiddenFromTheRecorder() throws Exception {
        AdminApi.TestUser interpreter = admin.newUser("interpreter");
        admin.grantRealmRole(interpreter.id(), "jitsi-hidden-from-recorder");
        AdminApi.TestUser plain = admin.newUser("speaker");
        String accessToken = hostToken(server, interpreter);

        assertThat(contextUser(ProsodyRules.guide(server).verify(accessToken))).containsEntry("hidden-from-recorder", true);
        Map<String, Object> room = ProsodyRules.roomTokens(server).verify((String) Json.object(
                new JitsiWebClient(server).roomToken(accessToken, Map.of("room", "Plenary")).body()).get("token"));
        assertThat(contextUser(room)).containsEntry("hidden-from-recorder", true);
        assertThat(contextUser(ProsodyRules.guide(server).verify(hostToken(server, plain)))).doesNotContainKey("hidden-from-recorder");
    }

    /** Only what Jitsi's own Prosody modules read: no lobby_bypass, no context.room (see README). */
    @Test
    void noClaimsJitsiDoesNotRead() throws Exception {
        AdminApi.TestUser host = admin.newUser("claims");
        String accessToken = hostToken(server, host);
        Map<String, Object> room = ProsodyRules.roomTokens(server).verify((String) Json.object(
                new JitsiWebClient(server).roomToken(accessToken, Map.of("room", "Plain")).body()).get("token"));
        assertThat(context(room)).doesNotContainKey("room");
        assertThat(contextUser(room)).doesNotContainKey("lobby_bypass");
        Map<String, Object> guest = ProsodyRules.roomTokens(server).verify(guestToken(new JitsiWebClient(server).post(
                (String) invite(server, accessToken, Map.of("room", "Plain")).get("url"), Map.of("name", "G")), MEETING_BASE + "plain"));
        assertThat(context(guest)).doesNotContainKey("room");
        assertThat(contextUser(guest)).doesNotContainKey("lobby_bypass");
    }

    /** Invitations live in Keycloak's database: a restart keeps them, uses and revocations included. */
    @Test
    void invitationsSurviveARestart() throws Exception {
        KeycloakServer own = KeycloakServer.start("invites-restart", Map.of(), true);
        String kept;
        String revoked;
        String usedOnce;
        try {
            AdminApi ownAdmin = new AdminApi(own);
            AdminApi.TestUser host = ownAdmin.newUser("durable");
            String accessToken = hostToken(own, host);
            kept = (String) invite(own, accessToken, Map.of("room", "Durable", "max_uses", "2")).get("url");
            guestToken(new JitsiWebClient(own).post(kept, Map.of("name", "Before")), MEETING_BASE + "durable");
            Map<String, Object> toRevoke = invite(own, accessToken, Map.of("room", "Durable"));
            revoked = (String) toRevoke.get("url");
            assertThat(new JitsiWebClient(own).revokeInvite(accessToken, (String) toRevoke.get("id")).statusCode()).isEqualTo(204);
            usedOnce = (String) invite(own, accessToken, Map.of("room", "Durable", "max_uses", "1")).get("url");
            guestToken(new JitsiWebClient(own).post(usedOnce, Map.of("name", "Only")), MEETING_BASE + "durable");
        } finally {
            own.stop();
        }
        String before = own.baseUrl();
        KeycloakServer restarted = KeycloakServer.start("invites-restart", Map.of(), false);
        kept = kept.replace(before, restarted.baseUrl());
        revoked = revoked.replace(before, restarted.baseUrl());
        usedOnce = usedOnce.replace(before, restarted.baseUrl());
        try {
            String token = guestToken(new JitsiWebClient(restarted).post(kept, Map.of("name", "After")), MEETING_BASE + "durable");
            assertThat(contextUser(ProsodyRules.roomTokens(restarted).verify(token))).containsEntry("name", "After");
            assertNoEntry(new JitsiWebClient(restarted).post(kept, Map.of("name", "Third")), 410, "jitsiInvite_invite_used_up");
            assertNoEntry(new JitsiWebClient(restarted).get(revoked), 410, "jitsiInvite_invite_ended");
            assertNoEntry(new JitsiWebClient(restarted).get(usedOnce), 410, "jitsiInvite_invite_used_up");
        } finally {
            restarted.stop();
        }
    }

    /**
     * A link that opens nothing says why in its heading and what to do next: ask the host for a new
     * link, and, when the link opened an invitation that ended or was used up, the meeting's address
     * (no token: a host there lets the guest in or not). An unknown link knows no meeting.
     */
    @Test
    void refusalsSayWhatHappenedAndTheWayForward() throws Exception {
        AdminApi.TestUser host = admin.newUser("forward");
        String accessToken = hostToken(server, host);
        String usedUp = (String) invite(server, accessToken, Map.of("room", "Board Meeting", "max_uses", "1")).get("url");
        guestToken(new JitsiWebClient(server).post(usedUp, Map.of("name", "First")), MEETING_BASE + "board%20meeting");
        Map<String, Object> toRevoke = invite(server, accessToken, Map.of("room", "Café Team"));
        assertThat(new JitsiWebClient(server).revokeInvite(accessToken, (String) toRevoke.get("id")).statusCode()).isEqualTo(204);

        Document usedUpPage = assertNoEntry(new JitsiWebClient(server).get(usedUp), 410, "jitsiInvite_invite_used_up");
        assertThat(usedUpPage.selectFirst("#jitsi-invite-meeting").attr("href")).isEqualTo(MEETING_BASE + "board%20meeting");
        assertThat(usedUpPage.selectFirst("#jitsi-invite-meeting-text").text()).isEqualTo(message("en", "jitsiInviteMeetingText"));
        assertThat(usedUpPage.text()).as("ask the host").contains("Ask the person who invited you for a new one.");

        Document endedPage = assertNoEntry(new JitsiWebClient(server).get((String) toRevoke.get("url")), 410, "jitsiInvite_invite_ended");
        assertThat(endedPage.selectFirst("#jitsi-invite-meeting").attr("href")).isEqualTo(MEETING_BASE + "caf%c3%a9%20team");

        Document unknown = assertNoEntry(new JitsiWebClient(server).get(server.issuer() + "/jitsi/invite/" + "B".repeat(32)), 404,
                "jitsiInvite_invite_not_found");
        assertThat(unknown.selectFirst("#jitsi-invite-meeting")).as("no invitation, no meeting").isNull();

        for (String locale : List.of("de", "fr", "es")) {
            HttpResponse<String> page = Http.send(HttpClient.newHttpClient(),
                    HttpRequest.newBuilder(URI.create(usedUp)).header("Accept-Language", locale).build());
            Document refused = Jsoup.parse(page.body());
            assertThat(refused.selectFirst("#kc-page-title").text()).isEqualTo(message(locale, "jitsiInviteRefusedTitle_invite_used_up"));
            assertThat(refused.selectFirst("#jitsi-invite-meeting").text()).isEqualTo(message(locale, "jitsiInviteMeetingLink"));
        }
    }

    /** The page of an invitation shows the room as the host typed it; the token and the JSON keep Jitsi's form. */
    @Test
    void theGuestReadsTheRoomAsTheHostTypedIt() throws Exception {
        AdminApi.TestUser host = admin.newUser("typed");
        Map<String, Object> invite = invite(server, hostToken(server, host), Map.of("room", "Board Meeting"));
        assertThat(invite).containsEntry("room", "board%20meeting").containsEntry("room_name", "Board Meeting");
        Document form = Jsoup.parse(new JitsiWebClient(server).get((String) invite.get("url")).body());
        assertThat(form.selectFirst("#jitsi-invite-room-name").text()).isEqualTo("Board Meeting");
        String token = guestToken(new JitsiWebClient(server).post((String) invite.get("url"), Map.of("name", "G")),
                MEETING_BASE + "board%20meeting");
        assertThat(ProsodyRules.roomTokens(server).verify(token)).containsEntry("room", "board%20meeting");
        assertThat(eventsOf((String) invite.get("id"), "OAUTH2_EXTENSION_GRANT"))
                .filteredOn(e -> "invite_use".equals(e.getDetails().get("jitsi_action"))).singleElement()
                .satisfies(e -> assertThat(e.getDetails()).containsEntry("jitsi_room", "board%20meeting")
                        .containsEntry("jitsi_room_name", "Board Meeting"));
    }
}
