package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Only a current host's token opens a meeting: every client of the realm and every grant, tried as
 * an attacker would, judged by Prosody's rules with the issuers and audiences the realm's discovery
 * gives ({@link ProsodyRules#guide}: the README's Prosody). A token of another client (the account
 * console, admin-cli, a portal, jitsi-join), the ID token, a refresh or offline refresh after the
 * host role is gone (directly, by group, by composite), a disabled user: nothing Prosody takes.
 */
class OnlyCurrentHostsIT {

    private static KeycloakServer server;
    private static AdminApi admin;
    private static ProsodyRules prosody;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        prosody = ProsodyRules.guide(server);
    }

    private static void assertProsodyRefuses(String token, String rule) {
        assertThatThrownBy(() -> prosody.verify(token)).as("Prosody takes " + ProsodyRules.payload(token))
                .isInstanceOf(ProsodyRules.Rejected.class).hasMessageContaining(rule);
    }

    private static JitsiWebClient accountConsole() {
        return new JitsiWebClient(server).onClient("account-console", server.realmUrl() + "/account/");
    }

    @Test
    void prosodyAcceptsOnlyTheJitsiAudienceWhichNoClientHas() throws Exception {
        assertThat(ProsodyRules.Settings.fromDiscovery(server, false).acceptedAudiences()).containsExactly("jitsi-meet");
        assertThat(admin.realm().clients().findByClientId("jitsi-meet")).isEmpty();
        AdminApi.TestUser host = admin.newUser("host");
        assertThat(prosody.verify(new JitsiWebClient(server).login(host.username(), host.password()).accessToken()))
                .containsEntry("aud", "jitsi-meet");
    }

    @Test
    void theAccountConsolesTokensOpenNoMeetingForHostsOrOthers() throws Exception {
        for (AdminApi.TestUser user : List.of(admin.newNonHostOfTheAccountConsole("console"), admin.newUser("consolehost"))) {
            JitsiWebClient.Tokens tokens = accountConsole().login(user.username(), user.password());
            assertThat(ProsodyRules.payload(tokens.accessToken())).as("Keycloak's own audience").containsEntry("aud", "account")
                    .containsEntry("azp", "account-console");
            assertProsodyRefuses(tokens.accessToken(), "aud");
            assertProsodyRefuses(tokens.idToken(), "aud");
            JitsiTokenRefusalsIT.assertRefused(JitsiTokenEndpointIT.requestToken(tokens.accessToken(), Map.of("room", "r")),
                    403, "access_denied");
        }
    }

    @Test
    void tokensOfAdminCliAPortalAndTheJoinClientOpenNoMeeting() throws Exception {
        AdminApi.TestUser host = admin.newUser("elsewhere");
        assertProsodyRefuses(admin.passwordGrant("admin-cli", host), "aud");

        // A public client of the realm with full scope: Keycloak's audience is the clients whose roles the user holds.
        String portalId = "portal-" + UUID.randomUUID().toString().substring(0, 8);
        ClientRepresentation portal = new ClientRepresentation();
        portal.setClientId(portalId);
        portal.setPublicClient(true);
        portal.setDirectAccessGrantsEnabled(true);
        portal.setFullScopeAllowed(true);
        admin.createClient(portal);
        String portalToken = admin.passwordGrant(portalId, host);
        assertThat(ProsodyRules.payload(portalToken).get("aud").toString()).doesNotContain("jitsi-meet");
        assertProsodyRefuses(portalToken, "aud");

        // jitsi-join's codes are never exchanged by the bundle; exchanged by hand, they give nothing Jitsi takes.
        JitsiWebClient join = new JitsiWebClient(server).onClient("jitsi-join", server.realmUrl() + "/jitsi/join/callback");
        assertProsodyRefuses(join.login(host.username(), host.password()).accessToken(), "aud");
    }

    @Test
    void theIdTokenOfClientJitsiOpensNoMeeting() throws Exception {
        AdminApi.TestUser host = admin.newUser("idtoken");
        JitsiWebClient.Tokens tokens = new JitsiWebClient(server).login(host.username(), host.password());
        assertThat(prosody.verify(tokens.accessToken())).containsEntry("aud", "jitsi-meet");
        assertThat(ProsodyRules.payload(tokens.idToken())).containsEntry("aud", "jitsi");
        assertProsodyRefuses(tokens.idToken(), "aud");
    }

    @Test
    void aRefreshAfterTheHostRoleIsGoneGivesNothingProsodyTakesAndTheRoleBackGivesItAgain() throws Exception {
        AdminApi.TestUser host = admin.newUser("demoted");
        JitsiWebClient jitsi = new JitsiWebClient(server);
        JitsiWebClient.Tokens tokens = jitsi.login(host.username(), host.password());
        assertThat(prosody.verify(tokens.accessToken())).containsEntry("aud", "jitsi-meet");

        admin.removeHostRole(host.id());
        JitsiWebClient.Tokens refreshed = jitsi.refresh(tokens.refreshToken());
        assertProsodyRefuses(refreshed.accessToken(), "aud");
        assertThat(ProsodyRules.isOwner(ProsodyRules.payload(refreshed.accessToken()))).as("not even moderator claims").isFalse();
        JitsiTokenRefusalsIT.assertRefused(JitsiTokenEndpointIT.requestToken(refreshed.accessToken(), Map.of("room", "r")),
                403, "access_denied");

        admin.grantRealmRole(host.id(), AdminApi.DEFAULT_ROLES);
        assertThat(prosody.verify(jitsi.refresh(refreshed.refreshToken()).accessToken())).as("Keycloak's answer now, both ways")
                .containsEntry("aud", "jitsi-meet");
    }

    @Test
    void theHostRoleLostThroughAGroupOrACompositeCountsAtTheNextRefresh() throws Exception {
        AdminApi.TestUser member = admin.newNonHost("grouphost");
        String group = admin.createGroup("hosts-" + UUID.randomUUID().toString().substring(0, 8));
        admin.grantGroupRealmRole(group, "jitsi-host");
        admin.joinGroup(member.id(), group);
        JitsiWebClient jitsi = new JitsiWebClient(server);
        JitsiWebClient.Tokens tokens = jitsi.login(member.username(), member.password());
        assertThat(prosody.verify(tokens.accessToken())).containsEntry("aud", "jitsi-meet");
        admin.leaveGroup(member.id(), group);
        assertProsodyRefuses(jitsi.refresh(tokens.refreshToken()).accessToken(), "aud");

        AdminApi.TestUser staff = admin.newNonHost("compositehost");
        String staffRole = "staff-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createRealmRole(staffRole);
        admin.makeComposite(staffRole, admin.realmRole("jitsi-host"));
        admin.grantRealmRole(staff.id(), staffRole);
        JitsiWebClient staffBrowser = new JitsiWebClient(server);
        JitsiWebClient.Tokens staffTokens = staffBrowser.login(staff.username(), staff.password());
        assertThat(prosody.verify(staffTokens.accessToken())).containsEntry("aud", "jitsi-meet");
        admin.removeComposite(staffRole, admin.realmRole("jitsi-host"));
        assertProsodyRefuses(staffBrowser.refresh(staffTokens.refreshToken()).accessToken(), "aud");
    }

    @Test
    void clientJitsiIssuesNoOfflineTokens() throws Exception {
        JitsiWebClient browser = new JitsiWebClient(server);
        HttpResponse<String> answer = browser.get(browser.authorizeUrl(JitsiWebClient.jitsiState("r"),
                JitsiWebClient.s256(JitsiWebClient.randomUrlSafe(48)), JitsiWebClient.randomUrlSafe(16), "openid offline_access"));
        String location = answer.headers().firstValue("Location").orElse("");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(location).startsWith(JitsiWebClient.REDIRECT_URI + "?");
        assertThat(Http.query(URI.create(location))).as(location).containsEntry("error", "invalid_scope").doesNotContainKey("code");
    }

    @Test
    void anOfflineTokenLeftFromBeforeRefreshesIntoNothingProsodyTakesOnceTheRoleIsGone() throws Exception {
        // As in a realm whose default roles no longer hold jitsi-host: offline_access stays when jitsi-host goes.
        AdminApi.TestUser host = admin.newNonHostOfTheAccountConsole("offlinehost");
        admin.grantRealmRole(host.id(), "jitsi-host");
        admin.grantRealmRole(host.id(), "offline_access");
        admin.withOfflineAccessForJitsi(() -> {
            JitsiWebClient jitsi = new JitsiWebClient(server);
            JitsiWebClient.Tokens tokens = jitsi.login(host.username(), host.password(), "openid offline_access");
            assertThat(ProsodyRules.payload(tokens.refreshToken())).containsEntry("typ", "Offline");
            assertThat(prosody.verify(jitsi.refresh(tokens.refreshToken()).accessToken())).containsEntry("aud", "jitsi-meet");

            admin.revokeRealmRole(host.id(), "jitsi-host");
            admin.endOnlineSessions(host.id());
            assertThat(admin.realm().users().get(host.id()).getUserSessions()).as("no online session left").isEmpty();
            JitsiWebClient.Tokens refreshed = new JitsiWebClient(server).refresh(tokens.refreshToken());
            assertThat(refreshed.accessToken()).as("Keycloak still refreshes an offline token").isNotBlank();
            assertProsodyRefuses(refreshed.accessToken(), "aud");
        });
    }

    @Test
    void aDisabledUsersLastTokenLivesTwoMinutesAndNothingNewComes() throws Exception {
        AdminApi.TestUser host = admin.newUser("disabled");
        JitsiWebClient jitsi = new JitsiWebClient(server);
        JitsiWebClient.Tokens tokens = jitsi.login(host.username(), host.password());
        Map<String, Object> claims = prosody.verify(tokens.accessToken());
        assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue())
                .as("client jitsi's access token lifespan").isEqualTo(120);
        HttpResponse<String> room = JitsiTokenEndpointIT.requestToken(tokens.accessToken(), Map.of("room", "Last"));
        Map<String, Object> roomToken = ProsodyRules.payload((String) Json.object(room.body()).get("token"));
        assertThat(((Number) roomToken.get("exp")).longValue() - ((Number) roomToken.get("iat")).longValue())
                .as("a room token lives as long").isEqualTo(120);

        admin.disableUser(host.id());
        assertThat(jitsi.refreshRaw(tokens.refreshToken()).statusCode()).isEqualTo(400);
        JitsiTokenRefusalsIT.assertRefused(JitsiTokenEndpointIT.requestToken(tokens.accessToken(), Map.of("room", "r")),
                401, "invalid_token");
    }

    @Test
    void withTheLoginGateOffANonHostsCodeStillGivesNothingProsodyTakes() throws Exception {
        AdminApi.TestUser guest = admin.newNonHost("ungated");
        admin.withTheLoginGateOff(() -> {
            JitsiWebClient.Tokens tokens = new JitsiWebClient(server).login(guest.username(), guest.password());
            assertProsodyRefuses(tokens.accessToken(), "aud");
        });
    }

    @Test
    void aClientNamedLikeTheJitsiAudienceIsReportedAndTheMapperLeavesTheAudienceOut() throws Exception {
        ClientRepresentation lookalike = new ClientRepresentation();
        lookalike.setClientId("jitsi-meet");
        lookalike.setPublicClient(true);
        String id = admin.createClient(lookalike);
        try {
            assertThat(discoveryProblems()).as("at once")
                    .anySatisfy(p -> assertThat(p).contains("\"jitsi-meet\" is the id of a client of this realm"));
            // Each node asks again every few seconds: wait for it, with a bound.
            assertProsodyRefuses(loginUntil(admin.newUser("lookalike"), false), "aud");
        } finally {
            admin.realm().clients().get(id).remove();
        }
        assertThat(discoveryProblems()).isEmpty();
        // And back, within the same bound: the tests after this one find the realm as it was.
        assertThat(prosody.verify(loginUntil(admin.newUser("afterlookalike"), true))).containsEntry("aud", "jitsi-meet");
    }

    @Test
    void aSecondJitsiMeetMapperIsRefusedAndOneElsewhereFollowsTheRealmsRule() throws Exception {
        // A second Jitsi Meet mapper on client jitsi, without a host role: refused when saved.
        try (jakarta.ws.rs.core.Response second = admin.addJitsiMapper(admin.client("jitsi").getId(), "aaa-second", Map.of())) {
            assertThat(second.getStatus()).isEqualTo(400);
            assertThat(second.readEntity(String.class)).contains("There is a Jitsi Meet mapper here already");
        }

        // One on a client of its own that names itself a Jitsi client and no host role: the realm's rule decides.
        String portal = "own-jitsi-" + UUID.randomUUID().toString().substring(0, 8);
        String portalId = admin.createJitsiClientCopy(portal, Map.of("jitsi.token.clients", portal, "access.token.claim", "true"), true, false);
        ClientRepresentation rep = admin.realm().clients().get(portalId).toRepresentation();
        rep.setDirectAccessGrantsEnabled(true);
        admin.realm().clients().get(portalId).update(rep);
        AdminApi.TestUser nonHost = admin.newNonHostOfTheAccountConsole("ownrule");
        AdminApi.TestUser host = admin.newUser("ownrulehost");
        assertProsodyRefuses(admin.passwordGrant(portal, nonHost), "aud");
        assertProsodyRefuses(admin.passwordGrant(portal, host), "aud");
        admin.addJitsiClient(portal);
        assertThat(prosody.verify(admin.passwordGrant(portal, host))).as("once the realm names it a Jitsi client")
                .containsEntry("aud", "jitsi-meet");
        assertProsodyRefuses(admin.passwordGrant(portal, nonHost), "aud");
    }

    @Test
    void mappersThatWriteTheJitsiAudienceElsewhereAreReportedAndStopTheMappersSave() throws Exception {
        ClientRepresentation portal = new ClientRepresentation();
        portal.setClientId("writer-" + UUID.randomUUID().toString().substring(0, 8));
        portal.setPublicClient(true);
        String portalId = admin.createClient(portal);
        org.keycloak.representations.idm.ProtocolMapperRepresentation audience = new org.keycloak.representations.idm.ProtocolMapperRepresentation();
        audience.setName("jitsi audience");
        audience.setProtocol("openid-connect");
        audience.setProtocolMapper("oidc-audience-mapper");
        audience.setConfig(Map.of("included.custom.audience", "jitsi-meet", "access.token.claim", "true"));
        org.keycloak.representations.idm.ProtocolMapperRepresentation userAud = new org.keycloak.representations.idm.ProtocolMapperRepresentation();
        userAud.setName("aud from first name");
        userAud.setProtocol("openid-connect");
        userAud.setProtocolMapper("oidc-usermodel-property-mapper");
        userAud.setConfig(Map.of("user.attribute", "firstName", "claim.name", "aud", "access.token.claim", "true"));
        for (var mapper : List.of(audience, userAud)) {
            try (jakarta.ws.rs.core.Response created = admin.realm().clients().get(portalId).getProtocolMappers().createMapper(mapper)) {
                assertThat(created.getStatus()).isEqualTo(201);
            }
        }
        try {
            assertThat(discoveryProblems()).hasSize(2).allSatisfy(p -> assertThat(p).contains(portal.getClientId()))
                    .anySatisfy(p -> assertThat(p).contains("jitsi audience")).anySatisfy(p -> assertThat(p).contains("aud from first name"));
            var mapper = admin.jitsiMapper();
            assertThatThrownBy(() -> admin.saveJitsiMapper(mapper)).as("saving the Jitsi mapper says so too")
                    .isInstanceOf(jakarta.ws.rs.BadRequestException.class);
        } finally {
            admin.realm().clients().get(portalId).remove();
        }
        assertThat(discoveryProblems()).isEmpty();
    }

    /** Logs {@code user} in to client jitsi until the access token has the Jitsi audience or not, for 30 s at most; the last token. */
    private static String loginUntil(AdminApi.TestUser user, boolean withJitsiAudience) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        String token = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        while ("jitsi-meet".equals(ProsodyRules.payload(token).get("aud")) != withJitsiAudience && System.nanoTime() < deadline) {
            Thread.sleep(500);
            token = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        }
        return token;
    }

    @SuppressWarnings("unchecked")
    private static List<String> discoveryProblems() {
        return (List<String>) Json.object(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi").body()).get("problems");
    }
}
