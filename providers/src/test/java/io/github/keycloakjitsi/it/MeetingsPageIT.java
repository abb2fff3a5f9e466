package io.github.keycloakjitsi.it;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.EventRepresentation;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.MEETING_BASE;
import static io.github.keycloakjitsi.it.MeetingsPageClient.linkOf;
import static io.github.keycloakjitsi.it.MeetingsPageClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meetings page of hosts and admins ({@code /jitsi/meetings}) on a real Keycloak with the
 * shipped realm, driven over HTTP as a browser does: the sign-in through its own client, a host's
 * invitations made, listed and revoked with the JSON API's rules and limits, someone who may not
 * host told why, the admins' view with Keycloak's admin rights, and no change from a form that did
 * not come from the page (another site, another session, no session).
 */
class MeetingsPageIT {

    private static KeycloakServer server;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
    }

    /** The invitations the JSON API lists for the host: what the page's changes did, seen from the other front end. */
    private static List<Map<String, Object>> liveByApi(AdminApi.TestUser host) {
        HttpResponse<String> listed = new JitsiWebClient(server).invites(InvitesIT.hostToken(server, host));
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        return Json.array(listed.body());
    }

    /** The host's live invitations as the admin REST API lists them (for a host who may no longer use the JSON API). */
    private static List<Map<String, Object>> liveByAdminApi(AdminApi.TestUser host) {
        HttpResponse<String> listed = Http.send(java.net.http.HttpClient.newHttpClient(), HttpRequest.newBuilder(URI.create(
                        server.baseUrl() + "/admin/realms/" + KeycloakServer.REALM + "/jitsi-invites?max=100"))
                .header("Authorization", "Bearer " + admin.keycloak().tokenManager().getAccessTokenString()).build());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        return Json.array(listed.body()).stream().filter(i -> host.id().equals(i.get("created_by")) && Boolean.TRUE.equals(i.get("live")))
                .toList();
    }

    private static List<EventRepresentation> eventsOf(String userId, String type) {
        return admin.events(type).stream().filter(e -> userId.equals(e.getUserId())).toList();
    }

    private static void assertStopped(HttpResponse<String> response, MeetingsPageClient page, int status, String messageKey) {
        Document stopped = page.show(response, status);
        assertThat(stopped.text()).contains(text("en", messageKey));
        assertThat(stopped.select("form[method=post]")).as("nothing to send from here").isEmpty();
        assertThat(stopped.select("#jitsi-invites, #jitsi-admin-invites")).as("no data").isEmpty();
        assertThat(stopped.selectFirst("#jitsi-meetings-back").attr("href")).isEqualTo(page.pageUrl());
    }

    @Test
    void aHostSignsInThroughThePagesOwnClientAndFindsTheFormsAndNoAdminView() {
        AdminApi.TestUser host = admin.newUser("pagehost");
        MeetingsPageClient page = new MeetingsPageClient(server);
        Document shown = page.signIn(host);

        assertThat(shown.selectFirst("#kc-page-title").text()).isEqualTo(text("en", "jitsiMeetingsTitle"));
        assertThat(shown.selectFirst("#jitsi-meetings-user").text()).contains("Ada Lovelace");
        assertThat(shown.selectFirst("#jitsi-meetings-not-a-host")).isNull();
        Element start = shown.selectFirst("#jitsi-start-form");
        assertThat(start.attr("method")).isEqualTo("get");
        assertThat(start.absUrl("action")).as("a meeting starts through the join flow").isEqualTo(server.issuer() + "/jitsi/join");
        assertThat(shown.select("#jitsi-invite-valid option")).extracting(Element::val).containsExactly("3600", "86400", "604800");
        assertThat(shown.selectFirst("#jitsi-invite-valid option[selected]").val()).isEqualTo("86400");
        assertThat(shown.selectFirst("#jitsi-meetings-none").text()).isEqualTo(text("en", "jitsiMeetingsNone"));
        assertThat(shown.selectFirst("#jitsi-meetings-admin")).as("no admin of the realm").isNull();
        assertThat(page.show(page.browser().get(page.pageUrl() + "/admin"), 403).text()).contains(text("en", "jitsiMeetings_not_an_admin"));

        HttpResponse<String> started = page.browser().get(start.absUrl("action") + "?room=Board%20Meeting");
        assertThat(started.statusCode()).as("signed in by the page, the join flow takes the SSO session").isEqualTo(302);
        assertThat(started.headers().firstValue("Location").orElseThrow()).startsWith(MEETING_BASE + "board%20meeting#jwt=");
    }

    @Test
    void thePageAnswersWithKeycloaksSecurityHeaders() {
        MeetingsPageClient page = new MeetingsPageClient(server);
        page.signIn(admin.newUser("headers"));
        HttpResponse<String> shown = page.browser().get(page.pageUrl());
        assertThat(shown.headers().firstValue("X-Frame-Options")).as("not framed by another site").hasValue("SAMEORIGIN");
        assertThat(shown.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'self'");
    }

    @Test
    void someoneWhoMayNotHostReadsWhyAndHasNoForms() {
        MeetingsPageClient page = new MeetingsPageClient(server);
        Document shown = page.signIn(admin.newNonHost("pagenonhost"));
        Element why = shown.selectFirst("#jitsi-meetings-not-a-host");
        assertThat(why).isNotNull();
        assertThat(why.text()).contains(text("en", "jitsiMeetingsNotAHostTitle"), text("en", "jitsiMeetingsNotAHostRole"),
                text("en", "jitsiMeetingsNotAHostAsk"), text("en", "jitsiMeetingsGuestsStill"));
        assertThat(shown.selectFirst("#jitsi-meetings-role").text()).isEqualTo("jitsi-host");
        assertThat(shown.select("#jitsi-start-form, #jitsi-invite-form, #jitsi-meetings-list")).isEmpty();
    }

    @Test
    void aHostWhoLostTheRoleReadsWhyMayRevokeButNotInvite() throws Exception {
        AdminApi.TestUser host = admin.newUser("pagedemoted");
        MeetingsPageClient page = new MeetingsPageClient(server);
        page.signIn(host);
        page.show(page.invite(Map.of("room", "Before")), 200);
        admin.removeHostRole(host.id());

        Document shown = page.page();
        assertThat(shown.selectFirst("#jitsi-meetings-not-a-host")).isNotNull();
        assertThat(shown.select("#jitsi-start-form, #jitsi-invite-form, a.jitsi-open")).isEmpty();
        Element row = shown.selectFirst("tr.jitsi-invite");
        assertThat(row.selectFirst(".jitsi-room").text()).as("theirs, still listed").isEqualTo("Before");

        HttpResponse<String> refused = page.browser().send(Http.postForm(page.pageUrl() + "/invites", Map.of(
                "stateChecker", shown.selectFirst("input[name=stateChecker]").val(), "form_id", java.util.UUID.randomUUID().toString(),
                "room", "After")).header("Origin", page.origin()));
        assertThat(page.show(refused, 403).text()).contains(text("en", "jitsiMeetings_access_denied"));

        assertThat(liveByAdminApi(host)).hasSize(1);
        page.page();
        assertThat(page.revoke(row.attr("data-invite-id")).statusCode()).isEqualTo(303);
        assertThat(liveByAdminApi(host)).isEmpty();
    }

    @Test
    void aHostInvitesAndSeesTheLinkOnceThenTheRoomAsTypedWithDatesAndUsesLeft() throws Exception {
        AdminApi.TestUser host = admin.newUser("pageinviter");
        MeetingsPageClient page = new MeetingsPageClient(server);
        page.signIn(host);

        Document made = page.show(page.invite(Map.of("room", "Board Meeting", "valid_for", "3600", "max_uses", "3")), 200);
        assertThat(made.text()).contains(text("en", "jitsiMeetingsMade"), text("en", "jitsiMeetingsMadeText"));
        assertThat(made.selectFirst("#jitsi-meetings-made-title .jitsi-room").text()).isEqualTo("Board Meeting");
        String link = linkOf(made);
        assertThat(link).matches(Pattern.quote(server.issuer() + "/jitsi/invite/") + "[A-Za-z0-9]{32}");
        assertThat(made.selectFirst("#jitsi-meetings-copy").text()).isEqualTo(text("en", "jitsiMeetingsCopy"));
        String key = link.substring(link.lastIndexOf('/') + 1);

        List<Map<String, Object>> byApi = liveByApi(host);
        assertThat(byApi).singleElement().satisfies(i -> assertThat(i).containsEntry("room", "board%20meeting")
                .containsEntry("room_name", "Board Meeting").containsEntry("max_uses", 3));
        Map<String, Object> invite = byApi.get(0);

        HttpResponse<String> again = page.browser().get(page.pageUrl());
        assertThat(again.body()).as("the link is shown once, never again").doesNotContain(key);
        Document listed = page.show(again, 200);
        Element row = listed.selectFirst("tr[data-invite-id=" + invite.get("id") + "]");
        assertThat(row.selectFirst(".jitsi-room").text()).isEqualTo("Board Meeting");
        assertThat(row.selectFirst("time.jitsi-created").attr("datetime"))
                .isEqualTo(Instant.ofEpochSecond(((Number) invite.get("created_at")).longValue()).toString());
        assertThat(row.selectFirst("time.jitsi-ends").attr("datetime"))
                .isEqualTo(Instant.ofEpochSecond(((Number) invite.get("expires_at")).longValue()).toString());
        assertThat(row.selectFirst("time.jitsi-ends").text()).as("a date, not epoch seconds").contains(String.valueOf(
                Instant.ofEpochSecond(((Number) invite.get("expires_at")).longValue()).atZone(java.time.ZoneOffset.UTC).getYear()));
        assertThat(row.selectFirst(".jitsi-uses").text()).isEqualTo(text("en", "jitsiMeetingsUsesLeft", 3, 3));
        assertThat(row.selectFirst("a.jitsi-open").absUrl("href")).isEqualTo(server.issuer() + "/jitsi/join?room=Board%20Meeting");

        // One use by a guest: the page counts it.
        InvitesIT.guestToken(new JitsiWebClient(server).post(link, Map.of("name", "Guest")), MEETING_BASE + "board%20meeting");
        assertThat(page.page().selectFirst("tr[data-invite-id=" + invite.get("id") + "] .jitsi-uses").text())
                .isEqualTo(text("en", "jitsiMeetingsUsesLeft", 2, 3));

        EventRepresentation created = eventsOf(host.id(), "OAUTH2_EXTENSION_GRANT").stream()
                .filter(e -> "invite_create".equals(e.getDetails().get("jitsi_action"))).findFirst().orElseThrow();
        assertThat(created.getClientId()).as("the page's own client").isEqualTo("jitsi-meetings");
        assertThat(created.getDetails()).containsEntry("jitsi_room", "board%20meeting").containsEntry("jitsi_room_name", "Board Meeting")
                .containsEntry("jitsi_invite_id", (String) invite.get("id"));
    }

    @Test
    void aFixedNameAndNoLimitAreShownAndAFormSentTwiceMakesOneInvitation() {
        AdminApi.TestUser host = admin.newUser("pagetwice");
        MeetingsPageClient page = new MeetingsPageClient(server);
        Document shown = page.signIn(host);
        Map<String, String> form = page.fieldsOf("#jitsi-invite-form", Map.of("room", "Café Team", "name", "Dora Guest"));
        String url = shown.selectFirst("#jitsi-invite-form").absUrl("action");
        page.show(page.browser().send(Http.postForm(url, form).header("Origin", page.origin())), 200);
        Document twice = page.show(page.browser().send(Http.postForm(url, form).header("Origin", page.origin())), 409);
        assertThat(twice.text()).contains(text("en", "jitsiMeetings_form_used"));
        assertThat(twice.selectFirst("#jitsi-meetings-link")).as("no second link").isNull();
        assertThat(liveByApi(host)).hasSize(1);

        Element row = twice.selectFirst("tr.jitsi-invite");
        assertThat(row.selectFirst(".jitsi-room").text()).isEqualTo("Café Team");
        assertThat(row.selectFirst(".jitsi-guest-name").text()).isEqualTo("Dora Guest");
        assertThat(row.selectFirst(".jitsi-uses").text()).isEqualTo(text("en", "jitsiMeetingsUsesUnlimited", 0));
    }

    @Test
    void thePageKeepsTheApisRulesAndLimitsAndSaysWhatToDoInstead() throws Exception {
        AdminApi.TestUser host = admin.newUser("pagebounds");
        MeetingsPageClient page = new MeetingsPageClient(server);
        page.signIn(host);
        record Case(Map<String, String> typed, int status, String key) {
        }
        for (Case c : List.of(
                new Case(Map.of("room", "Board", "valid_for", "604801"), 400, "jitsiMeetings_invalid_request"),
                new Case(Map.of("room", "Board", "valid_for", "60"), 400, "jitsiMeetings_invalid_request"),
                new Case(Map.of("room", "Board", "max_uses", "1001"), 400, "jitsiMeetings_invalid_request"),
                new Case(Map.of("room", "a%2fb"), 400, "jitsiMeetings_invalid_room"),
                new Case(Map.of("room", "*"), 403, "jitsiMeetings_wildcard_not_allowed"),
                new Case(Map.of("room", "x", "name", "Eve\u202Egnp.exe"), 400, "jitsiMeetings_invalid_name"),
                new Case(Map.of("room", "x", "tenant", "acme"), 403, "jitsiMeetings_tenant_not_allowed"))) {
            page.page();
            Document refused = page.show(page.invite(c.typed()), c.status());
            assertThat(refused.text()).as(c.toString()).contains(text("en", c.key()));
            assertThat(refused.selectFirst("#jitsi-meetings-link")).isNull();
            assertThat(refused.selectFirst("#jitsi-invite-room").val()).as("what was typed stays").isEqualTo(c.typed().get("room"));
        }
        assertThat(liveByApi(host)).isEmpty();

        admin.withJitsiSettings(Map.of("jitsi.invites.max-live-per-host", "2"), () -> {
            page.page();
            page.show(page.invite(Map.of("room", "One")), 200);
            page.show(page.invite(Map.of("room", "Two")), 200);
            Document third = page.show(page.invite(Map.of("room", "Three")), 409);
            assertThat(third.text()).contains(text("en", "jitsiMeetings_too_many_invites", 2));
        });
        admin.withJitsiSettings(Map.of("jitsi.invites.enabled", "false"), () -> {
            Document off = page.page();
            assertThat(off.selectFirst("#jitsi-invite-form")).isNull();
            assertThat(off.selectFirst("#jitsi-meetings-invites-off").text()).isEqualTo(text("en", "jitsiMeetingsInvitesOff"));
            HttpResponse<String> refused = page.browser().send(Http.postForm(page.pageUrl() + "/invites", Map.of(
                    "stateChecker", off.selectFirst("input[name=stateChecker]").val(), "room", "Off",
                    "form_id", java.util.UUID.randomUUID().toString())).header("Origin", page.origin()));
            assertThat(page.show(refused, 403).text()).contains(text("en", "jitsiMeetings_invitations_disabled"));
        });
        assertThat(liveByApi(host)).extracting(i -> i.get("room_name")).containsExactlyInAnyOrder("One", "Two");
    }

    @Test
    void aRevokedInvitationLetsNobodyInAndOnlyItsHostRevokesIt() {
        AdminApi.TestUser host = admin.newUser("pagerevoker");
        MeetingsPageClient page = new MeetingsPageClient(server);
        page.signIn(host);
        String link = linkOf(page.show(page.invite(Map.of("room", "Retro")), 200));
        String id = (String) liveByApi(host).get(0).get("id");

        MeetingsPageClient other = new MeetingsPageClient(server);
        other.signIn(admin.newUser("pageother"));
        HttpResponse<String> notTheirs = other.browser().send(Http.postForm(other.pageUrl() + "/revoke",
                Map.of("stateChecker", other.page().selectFirst("input[name=stateChecker]").val(), "id", id)).header("Origin", other.origin()));
        assertThat(other.show(notTheirs, 404).text()).contains(text("en", "jitsiMeetings_invite_not_found"));
        assertThat(new JitsiWebClient(server).get(link).statusCode()).as("still open").isEqualTo(200);

        page.page();
        HttpResponse<String> revoked = page.revoke(id);
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(revoked.headers().firstValue("Location")).hasValue(page.pageUrl() + "?done=revoked");
        Document after = page.show(page.browser().get(revoked.headers().firstValue("Location").orElseThrow()), 200);
        assertThat(after.text()).contains(text("en", "jitsiMeetingsRevoked"));
        assertThat(after.selectFirst("tr[data-invite-id=" + id + "]")).isNull();
        InvitesIT.assertNoEntry(new JitsiWebClient(server).get(link), 410, "jitsiInvite_invite_ended");
        assertThat(eventsOf(host.id(), "OAUTH2_EXTENSION_GRANT")).filteredOn(e -> "invite_revoke".equals(e.getDetails().get("jitsi_action")))
                .singleElement().satisfies(e -> assertThat(e.getDetails()).containsEntry("jitsi_room_name", "Retro"));
    }

    /** Forms that did not come from the page change nothing, whatever else they carry. */
    @Test
    void postsFromAnotherSiteAnotherSessionOrNoSessionChangeNothing() {
        AdminApi.TestUser host = admin.newUser("pagevictim");
        MeetingsPageClient page = new MeetingsPageClient(server);
        page.signIn(host);
        String link = linkOf(page.show(page.invite(Map.of("room", "Kept")), 200));
        String id = (String) liveByApi(host).get(0).get("id");
        Map<String, String> genuine = page.fieldsOf("#jitsi-invite-form", Map.of("room", "Forged"));
        String create = page.pageUrl() + "/invites";
        String revoke = page.pageUrl() + "/revoke";

        MeetingsPageClient attacker = new MeetingsPageClient(server);
        String attackersChecker = attacker.signIn(admin.newUser("pageattacker")).selectFirst("input[name=stateChecker]").val();
        assertThat(attackersChecker).isNotEqualTo(genuine.get("stateChecker"));

        Map<String, String> withoutChecker = new java.util.LinkedHashMap<>(genuine);
        withoutChecker.remove("stateChecker");
        Map<String, String> othersChecker = new java.util.LinkedHashMap<>(genuine);
        othersChecker.put("stateChecker", attackersChecker);
        Map<String, String> emptyChecker = new java.util.LinkedHashMap<>(genuine);
        emptyChecker.put("stateChecker", "");

        JitsiWebClient victim = page.browser();
        for (HttpRequest.Builder forged : List.of(
                Http.postForm(create, withoutChecker),
                Http.postForm(create, othersChecker),
                Http.postForm(create, emptyChecker),
                Http.postForm(create, genuine).header("Origin", "https://evil.example"),
                Http.postForm(create, genuine).header("Origin", "null"),
                Http.postForm(create, genuine).header("Origin", "null").header("Sec-Fetch-Site", "cross-site"),
                Http.postForm(create, genuine).header("Origin", page.origin()).header("Sec-Fetch-Site", "same-site"),
                Http.postForm(create, genuine).header("Sec-Fetch-Site", "cross-site"),
                Http.postRaw(create, Http.form(genuine) + "&stateChecker=" + genuine.get("stateChecker")),
                HttpRequest.newBuilder(URI.create(create)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(genuine))),
                Http.postForm(revoke, Map.of("id", id)),
                Http.postForm(revoke, Map.of("id", id, "stateChecker", attackersChecker)),
                Http.postForm(revoke, Map.of("id", id, "stateChecker", genuine.get("stateChecker"))).header("Origin", "http://localhost:1"))) {
            assertStopped(victim.send(forged), page, 403, "jitsiMeetings_invalid_form");
        }
        // No session at all: the same forms, answered "signed out", nothing changed.
        JitsiWebClient stranger = new JitsiWebClient(server);
        assertStopped(stranger.send(Http.postForm(create, genuine)), page, 401, "jitsiMeetings_login_required");
        assertStopped(stranger.send(Http.postForm(revoke, Map.of("id", id, "stateChecker", genuine.get("stateChecker")))), page, 401,
                "jitsiMeetings_login_required");

        assertThat(liveByApi(host)).extracting(i -> i.get("room_name")).containsExactly("Kept");

        // The same form as the page's own, with what browsers send: its origin, or null under no-referrer with same-origin.
        genuine.put("room", "Genuine");
        page.show(victim.send(Http.postForm(create, genuine).header("Origin", page.origin())), 200);
        genuine.put("form_id", java.util.UUID.randomUUID().toString());
        page.show(victim.send(Http.postForm(create, genuine).header("Origin", "null").header("Sec-Fetch-Site", "same-origin")), 200);
        genuine.put("form_id", java.util.UUID.randomUUID().toString());
        page.show(victim.send(Http.postForm(create, genuine)), 200);
        assertThat(liveByApi(host)).hasSize(4);
        assertThat(new JitsiWebClient(server).get(link).statusCode()).isEqualTo(200);
        assertThat(admin.events("OAUTH2_EXTENSION_GRANT_ERROR")).filteredOn(e -> host.id().equals(e.getUserId()))
                .extracting(EventRepresentation::getError).contains("invalid_form");
    }

    /**
     * The page's language links store the choice on the account, as Keycloak's login does; the same
     * link followed from another site changes nothing (the page keeps the language it had).
     */
    @Test
    void aLanguageLinkFromAnotherSiteChangesNothing() {
        AdminApi.TestUser host = admin.newUser("pagelanguage");
        MeetingsPageClient page = new MeetingsPageClient(server);
        page.signIn(host);
        String german = page.pageUrl() + "?kc_locale=de";
        for (String site : List.of("cross-site", "same-site")) {
            HttpResponse<String> shown = page.browser().send(HttpRequest.newBuilder(URI.create(german)).header("Sec-Fetch-Site", site));
            assertThat(shown.statusCode()).as(site).isEqualTo(200);
            assertThat(Jsoup.parse(shown.body()).selectFirst("html").attr("lang")).as(site).isEqualTo("en");
            assertThat(attributesOf(host)).as(site).doesNotContainKey("locale");
        }
        HttpResponse<String> chosen = page.browser().send(HttpRequest.newBuilder(URI.create(german)).header("Sec-Fetch-Site", "same-origin"));
        assertThat(chosen.statusCode()).isEqualTo(200);
        assertThat(Jsoup.parse(chosen.body()).selectFirst("html").attr("lang")).isEqualTo("de");
        assertThat(attributesOf(host)).containsEntry("locale", List.of("de"));
    }

    /** The user's attributes as the admin API shows them (none: an empty map). */
    private static Map<String, List<String>> attributesOf(AdminApi.TestUser user) {
        Map<String, List<String>> attributes = admin.realm().users().get(user.id()).toRepresentation().getAttributes();
        return attributes == null ? Map.of() : attributes;
    }

    @Test
    void adminsSeeEveryInvitationByHostNameAndRevokeWithTheRightsOfTheAdminApi() {
        AdminApi.TestUser host = admin.newUser("pagehosted", u -> {
            u.setFirstName("Grace");
            u.setLastName("Hopper");
        });
        MeetingsPageClient hostPage = new MeetingsPageClient(server);
        hostPage.signIn(host);
        String link = linkOf(hostPage.show(hostPage.invite(Map.of("room", "Quarterly Review", "max_uses", "5")), 200));
        String id = (String) liveByApi(host).get(0).get("id");
        String realmManagement = admin.client("realm-management").getId();

        AdminApi.TestUser viewer = admin.newNonHost("pageviewer");
        admin.grantClientRole(viewer.id(), realmManagement, "view-realm");
        MeetingsPageClient viewerPage = new MeetingsPageClient(server);
        Document viewerHome = viewerPage.signIn(viewer);
        assertThat(viewerHome.selectFirst("#jitsi-meetings-not-a-host")).as("an admin who does not host").isNotNull();
        String adminUrl = viewerHome.selectFirst("#jitsi-meetings-admin").absUrl("href");
        assertThat(adminUrl).isEqualTo(viewerPage.pageUrl() + "/admin");
        Document view = viewerPage.show(viewerPage.browser().get(adminUrl), 200);
        assertThat(view.selectFirst("#kc-page-title").text()).isEqualTo(text("en", "jitsiMeetingsAdminTitle"));
        Element row = view.selectFirst("tr[data-invite-id=" + id + "]");
        assertThat(row).as("every host's invitations").isNotNull();
        assertThat(row.selectFirst(".jitsi-host").text()).isEqualTo("Grace Hopper");
        assertThat(row.selectFirst(".jitsi-username").text()).isEqualTo("(" + host.username() + ")");
        assertThat(row.text()).doesNotContain(host.id());
        assertThat(row.selectFirst(".jitsi-room").text()).isEqualTo("Quarterly Review");
        assertThat(row.selectFirst(".jitsi-state").text()).isEqualTo(text("en", "jitsiMeetingsState_live"));
        assertThat(row.selectFirst(".jitsi-uses").text()).isEqualTo(text("en", "jitsiMeetingsUsesOf", 0, 5));
        assertThat(row.selectFirst("time.jitsi-created").attr("datetime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(view.select("form.jitsi-revoke-form")).as("view-realm lists, manage-realm revokes").isEmpty();
        assertStopped(viewerPage.browser().send(Http.postForm(adminUrl + "/revoke", Map.of("id", id)).header("Origin", viewerPage.origin())),
                viewerPage, 403, "jitsiMeetings_not_an_admin");
        assertThat(new JitsiWebClient(server).get(link).statusCode()).as("still open").isEqualTo(200);

        AdminApi.TestUser manager = admin.newNonHost("pagemanager");
        admin.grantClientRole(manager.id(), realmManagement, "manage-realm");
        MeetingsPageClient managerPage = new MeetingsPageClient(server);
        managerPage.signIn(manager);
        managerPage.show(managerPage.browser().get(adminUrl), 200);
        HttpResponse<String> revoked = managerPage.post("tr[data-invite-id=" + id + "] form.jitsi-revoke-form", Map.of());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(303);
        assertThat(revoked.headers().firstValue("Location")).hasValue(adminUrl + "?done=revoked");
        Document after = managerPage.show(managerPage.browser().get(adminUrl + "?done=revoked"), 200);
        assertThat(after.text()).contains(text("en", "jitsiMeetingsRevoked"));
        assertThat(after.selectFirst("tr[data-invite-id=" + id + "] .jitsi-state").text()).isEqualTo(text("en", "jitsiMeetingsState_revoked"));
        assertThat(after.select("tr[data-invite-id=" + id + "] form")).as("nothing left to revoke").isEmpty();
        InvitesIT.assertNoEntry(new JitsiWebClient(server).get(link), 410, "jitsiInvite_invite_ended");

        List<AdminEventRepresentation> adminEvents = admin.realm().getAdminEvents(List.of("DELETE"), null, null, null, null, null,
                null, null, 0, 200);
        assertThat(adminEvents).filteredOn(e -> ("jitsi-invites/" + id).equals(e.getResourcePath())).singleElement().satisfies(e -> {
            assertThat(e.getResourceType()).isEqualTo("JITSI_INVITE");
            assertThat(e.getAuthDetails().getUserId()).isEqualTo(manager.id());
            assertThat(e.getAuthDetails().getClientId()).isEqualTo(admin.client("jitsi-meetings").getId());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"de", "fr", "es"})
    void thePageSpeaksTheRealmsLanguagesAndKeepsTheChoice(String locale) {
        MeetingsPageClient page = new MeetingsPageClient(server);
        page.signIn(admin.newUser("pagelang"));
        Document chosen = page.show(page.browser().get(page.pageUrl() + "?kc_locale=" + locale), 200);
        assertThat(chosen.selectFirst("html").attr("lang")).isEqualTo(locale);
        assertThat(chosen.selectFirst("#kc-page-title").text()).isEqualTo(text(locale, "jitsiMeetingsTitle"));
        assertThat(chosen.selectFirst("#jitsi-invite-create").text()).isEqualTo(text(locale, "jitsiMeetingsInvite"));
        assertThat(chosen.select("#jitsi-invite-valid option")).extracting(Element::text)
                .containsExactly(text(locale, "jitsiMeetingsDuration_hours_one", "1"), text(locale, "jitsiMeetingsDuration_days_one", "1"),
                        text(locale, "jitsiMeetingsDuration_days_other", "7"));
        assertThat(page.page().selectFirst("#kc-page-title").text()).as("kept for the next visit").isEqualTo(text(locale, "jitsiMeetingsTitle"));
        assertThat(page.page().select("#login-select-toggle option")).as("the language list leads back to this page")
                .allSatisfy(o -> assertThat(o.val()).startsWith("/realms/jitsi-realm/jitsi/meetings?"));
    }

    @Test
    void aFailedSignInEndsOnAPageNotInALoop() {
        MeetingsPageClient page = new MeetingsPageClient(server);
        HttpResponse<String> back = page.browser().get(page.pageUrl() + "/callback?error=access_denied&state=x");
        assertStopped(back, page, 401, "jitsiMeetings_login_failed");
        assertThat(back.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void theMappersRoomSettingTakesARoomAsPeopleTypeItOrSaysWhatToType() throws Exception {
        AdminApi.TestUser host = admin.newUser("roomclaim");
        admin.withJitsiSettings(Map.of("jitsi.room", "Board Meeting", "jitsi.sub", "*"), () ->
                assertThat(ProsodyRules.payload(InvitesIT.hostToken(server, host))).containsEntry("room", "board%20meeting"));
        org.keycloak.representations.idm.ProtocolMapperRepresentation mapper = admin.jitsiMapper();
        mapper.getConfig().put("jitsi.room", "a/b");
        mapper.getConfig().put("jitsi.sub", "*");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.saveJitsiMapper(mapper))
                .isInstanceOfSatisfying(jakarta.ws.rs.BadRequestException.class, e ->
                        assertThat(Json.object(e.getResponse().readEntity(String.class)).get("error_description").toString())
                                .contains("A room is a single name, without / or", "Type * for every room, or one room's name as people type it",
                                        "Weekly Sync"));
        assertThat(admin.jitsiMapper().getConfig()).doesNotContainEntry("jitsi.room", "a/b");
    }
}
