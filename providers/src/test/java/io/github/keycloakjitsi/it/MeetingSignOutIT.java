package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.UserSessionRepresentation;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak's decisions reach running meetings: participants connect to Debian's Prosody (XMPP over
 * WebSocket, real Keycloak tokens in the URL as lib-jitsi-meet sends them) with the bundle's
 * {@code mod_keycloak_logout}; an admin (or the user) acts in Keycloak; the participants who joined
 * with a token of that user, session or invitation leave the room within 5 seconds, as another
 * participant sees it, their connection is closed, and the same token cannot sign in again. Everyone
 * else stays.
 */
class MeetingSignOutIT {

    /** The bound: out of the meeting within 5 seconds. */
    static final Duration BOUND = Duration.ofSeconds(5);

    private static KeycloakServer server;
    private static AdminApi admin;
    private static ProsodyServer prosody;
    private static final Map<String, String> URLS_BEFORE = new HashMap<>();

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        prosody = ProsodyServer.start(server, "prosody-sign-out");
        for (String clientId : List.of("jitsi", "jitsi-join")) {
            ClientRepresentation client = admin.client(clientId);
            URLS_BEFORE.put(clientId, client.getAttributes().get("backchannel.logout.url"));
            client.getAttributes().put("backchannel.logout.url", prosody.logoutUrl());
            admin.realm().clients().get(client.getId()).update(client);
        }
    }

    @AfterAll
    static void stop() {
        if (prosody != null) {
            for (Map.Entry<String, String> before : URLS_BEFORE.entrySet()) {
                ClientRepresentation client = admin.client(before.getKey());
                client.getAttributes().put("backchannel.logout.url", before.getValue());
                admin.realm().clients().get(client.getId()).update(client);
            }
            prosody.close();
        }
    }

    @Test
    void theRealmExportSendsBackChannelLogoutsWithTheSessionToJitsi() {
        // URLS_BEFORE holds what the import made of the export's placeholder (JITSI_BACKCHANNEL_LOGOUT_URL unset).
        for (String clientId : List.of("jitsi", "jitsi-join")) {
            assertThat(URLS_BEFORE.get(clientId)).as(clientId).isEqualTo("https://" + server.jitsiHost() + "/keycloak-logout");
            ClientRepresentation client = admin.client(clientId);
            assertThat(client.isFrontchannelLogout()).as("Keycloak sends back-channel logouts only to clients without front-channel logout").isFalse();
            assertThat(client.getAttributes()).containsEntry("backchannel.logout.session.required", "true");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Keycloak's own back-channel logouts

    @Test
    void theUsersOwnLogoutRemovesWhatThatSessionJoinedWithAndNothingElse() {
        AdminApi.TestUser user = admin.newUser("leaver");
        JitsiWebClient laptop = new JitsiWebClient(server);
        JitsiWebClient.Tokens signedIn = laptop.login(user.username(), user.password());
        String roomToken = roomToken(signedIn.accessToken(), "standup");
        String phoneToken = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        try (XmppClient observer = observer("standup");
             XmppClient byAccessToken = join(signedIn.accessToken(), "standup");
             XmppClient byRoomToken = join(roomToken, "standup");
             XmppClient onThePhone = join(phoneToken, "standup")) {

            HttpResponse<String> logout = laptop.logout(signedIn.idToken());
            assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);

            assertGoneWithin(observer, byAccessToken);
            assertGoneWithin(observer, byRoomToken);
            assertThat(onThePhone.isClosed()).as("the user's other session stays").isFalse();
            assertThat(observer.sawLeave(onThePhone)).isFalse();
            assertSignInRefused(signedIn.accessToken());
            assertSignInRefused(roomToken);
            join(phoneToken, "standup").close();
        }
    }

    @Test
    void anAdminsSignOutOfOneSessionRemovesThatSessionsParticipants() {
        AdminApi.TestUser user = admin.newUser("one-session");
        String first = login(user);
        List<UserSessionRepresentation> sessionsBefore = admin.realm().users().get(user.id()).getUserSessions();
        String second = login(user);
        try (XmppClient observer = observer("board");
             XmppClient one = join(first, "board");
             XmppClient other = join(second, "board")) {

            admin.realm().deleteSession(sessionsBefore.get(0).getId(), false);

            assertGoneWithin(observer, one);
            assertThat(other.isClosed()).isFalse();
            assertSignInRefused(first);
        }
    }

    @Test
    void anAdminsSignOutOfTheUserRemovesAllTheirParticipants() {
        AdminApi.TestUser user = admin.newUser("signed-out");
        String first = login(user);
        String second = login(user);
        String room = roomToken(second, "retro");
        try (XmppClient observer = observer("retro");
             XmppClient one = join(first, "retro");
             XmppClient two = join(second, "retro");
             XmppClient three = join(room, "retro")) {

            admin.signOut(user.id());

            assertGoneWithin(observer, one, two, three);
            assertSignInRefused(first);
            assertSignInRefused(room);
        }
    }

    // ---------------------------------------------------------------------------------------
    // What Keycloak sends nothing for: the bundle's listener

    @Test
    void disablingAUserRemovesThemFromTheMeeting() {
        AdminApi.TestUser user = admin.newUser("disabled");
        String token = login(user);
        String room = roomToken(token, "all-hands");
        try (XmppClient observer = observer("all-hands");
             XmppClient participant = join(token, "all-hands");
             XmppClient byRoom = join(room, "all-hands")) {

            admin.disableUser(user.id());

            assertGoneWithin(observer, participant, byRoom);
            assertSignInRefused(token);
            assertSignInRefused(room);
        }
    }

    @Test
    void deletingAUserRemovesThemFromTheMeeting() {
        AdminApi.TestUser user = admin.newUser("deleted");
        String token = login(user);
        try (XmppClient observer = observer("offboarding");
             XmppClient participant = join(token, "offboarding")) {

            admin.realm().users().delete(user.id()).close();

            assertGoneWithin(observer, participant);
            assertSignInRefused(token);
        }
    }

    @Test
    void takingTheHostRoleAwayRemovesTheHostAndANewTokenWithTheRoleBackSignsIn() {
        AdminApi.TestUser user = admin.newUser("demoted");
        String token = login(user);
        try (XmppClient observer = observer("planning");
             XmppClient participant = join(token, "planning")) {

            admin.removeHostRole(user.id());

            assertGoneWithin(observer, participant);
            assertSignInRefused(token);
        }
        // Tokens issued up to the second of the sign-out are refused; one of a later second is not.
        admin.grantRealmRole(user.id(), "jitsi-host");
        nextSecond();
        join(login(user), "planning").close();
    }

    @Test
    void leavingTheGroupThatGaveTheHostRoleRemovesTheHost() {
        String group = admin.createGroup("hosts-" + UUID.randomUUID().toString().substring(0, 8));
        admin.grantGroupRealmRole(group, "jitsi-host");
        AdminApi.TestUser leaver = admin.newNonHost("group-leaver");
        AdminApi.TestUser stayer = admin.newNonHost("group-stayer");
        admin.joinGroup(leaver.id(), group);
        admin.joinGroup(stayer.id(), group);
        nextSecond(); // newNonHost took the default roles away: a sign-out, whose second's tokens are refused
        String leaverToken = login(leaver);
        String stayerToken = login(stayer);
        try (XmppClient observer = observer("guild");
             XmppClient leaving = join(leaverToken, "guild");
             XmppClient staying = join(stayerToken, "guild")) {

            admin.leaveGroup(leaver.id(), group);

            assertGoneWithin(observer, leaving);
            assertThat(staying.isClosed()).isFalse();

            admin.realm().groups().group(group).roles().realmLevel().remove(List.of(admin.realmRole("jitsi-host")));

            assertGoneWithin(observer, staying);
            assertSignInRefused(stayerToken);
        }
    }

    @Test
    void takingTheHostRoleOutOfACompositeRemovesItsHolders() {
        String composite = "staff-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createRealmRole(composite);
        admin.makeComposite(composite, admin.realmRole("jitsi-host"));
        AdminApi.TestUser member = admin.newNonHost("staff");
        admin.grantRealmRole(member.id(), composite);
        AdminApi.TestUser host = admin.newUser("other-host");
        nextSecond(); // newNonHost took the default roles away: a sign-out, whose second's tokens are refused
        String memberToken = login(member);
        String hostToken = login(host);
        try (XmppClient observer = observer("staff-meeting");
             XmppClient staff = join(memberToken, "staff-meeting");
             XmppClient other = join(hostToken, "staff-meeting")) {

            admin.removeComposite(composite, admin.realmRole("jitsi-host"));

            assertGoneWithin(observer, staff);
            assertThat(other.isClosed()).as("a host by the default roles stays").isFalse();
            assertSignInRefused(memberToken);
        }
    }

    @Test
    void revokingAnInvitationRemovesItsGuestsOnly() {
        AdminApi.TestUser host = admin.newUser("inviting");
        String hostToken = login(host);
        Map<String, Object> revoked = InvitesIT.invite(server, hostToken, Map.of("room", "interview", "valid_for", "3600"));
        Map<String, Object> kept = InvitesIT.invite(server, hostToken, Map.of("room", "interview", "valid_for", "3600"));
        String meeting = JitsiTokenEndpointIT.MEETING_BASE + "interview";
        String guest = InvitesIT.guestToken(new JitsiWebClient(server).post((String) revoked.get("url"), Map.of("name", "Gus")), meeting);
        String otherGuest = InvitesIT.guestToken(new JitsiWebClient(server).post((String) kept.get("url"), Map.of("name", "Kim")), meeting);
        try (XmppClient observer = observer("interview");
             XmppClient invited = join(guest, "interview");
             XmppClient stays = join(otherGuest, "interview");
             XmppClient theHost = join(hostToken, "interview")) {

            HttpResponse<String> revoke = new JitsiWebClient(server).revokeInvite(hostToken, (String) revoked.get("id"));
            assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(204);

            assertGoneWithin(observer, invited);
            assertThat(stays.isClosed()).isFalse();
            assertThat(theHost.isClosed()).isFalse();
            assertSignInRefused(guest);

            // the admin's revocation (admin REST API) of the other invitation
            HttpResponse<String> adminRevoke = Http.send(java.net.http.HttpClient.newHttpClient(), java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(server.baseUrl() + "/admin/realms/" + KeycloakServer.REALM + "/jitsi-invites/" + kept.get("id")))
                    .header("Authorization", "Bearer " + admin.keycloak().tokenManager().getAccessTokenString()).DELETE().build());
            assertThat(adminRevoke.statusCode()).as(adminRevoke.body()).isEqualTo(204);
            assertGoneWithin(observer, stays);
            assertThat(theHost.isClosed()).isFalse();
        }
    }

    /**
     * Revoking an invitation no guest token was issued for sends Prosody nothing (nobody can be in a
     * meeting with it), so a host revoking unused invitations over and over queues no sign-outs in
     * front of anyone else's; revoking one that was used, after it, does reach Prosody.
     */
    @Test
    void revokingAnInvitationNobodyUsedSendsNothing() {
        String hostToken = login(admin.newUser("revoking"));
        Map<String, Object> unused = InvitesIT.invite(server, hostToken, Map.of("room", "unused", "valid_for", "3600"));
        Map<String, Object> used = InvitesIT.invite(server, hostToken, Map.of("room", "unused", "valid_for", "3600"));
        InvitesIT.guestToken(new JitsiWebClient(server).post((String) used.get("url"), Map.of("name", "Uma")),
                JitsiTokenEndpointIT.MEETING_BASE + "unused");

        assertThat(new JitsiWebClient(server).revokeInvite(hostToken, (String) unused.get("id")).statusCode()).isEqualTo(204);
        assertThat(new JitsiWebClient(server).revokeInvite(hostToken, (String) used.get("id")).statusCode()).isEqualTo(204);

        waitUntil(() -> prosody.log().contains("sub guest:" + used.get("id")), BOUND, "the used invitation's sign-out at Prosody");
        assertThat(prosody.log()).as("queued a request earlier, a sign-out of the unused one would have been taken by an idle poster"
                + " and logged first").doesNotContain((String) unused.get("id"));
    }

    // ---------------------------------------------------------------------------------------
    // No way back in with a token from before

    /**
     * Connections signed in with the token before the sign-out that have not joined a room yet —
     * over WebSocket one that stopped after SASL (no resource bound), one bound but in no room, and
     * over BOSH one that stopped after SASL with a request held open — are closed at the sign-out
     * too, so none of them can bind or join later.
     */
    @Test
    void connectionsSignedInBeforeTheSignOutButNotYetInARoomAreClosedToo() {
        AdminApi.TestUser user = admin.newUser("parked");
        String token = login(user);
        String room = roomToken(token, "parking");
        try (XmppClient observer = observer("parking");
             XmppClient joined = join(token, "parking");
             XmppClient signedInOnly = XmppClient.signIn(prosody, token).joined();
             XmppClient boundOnly = XmppClient.connect(prosody, room).joined()) {
            BoshClient bosh = BoshClient.signIn(prosody, room);
            java.util.concurrent.CompletableFuture<String> held = bosh.hold();
            assertThat(signedInOnly.jid()).as("no resource bound").isNull();

            admin.disableUser(user.id());

            assertGoneWithin(observer, joined);
            waitUntil(() -> signedInOnly.isClosed() && boundOnly.isClosed() && held.isDone(), BOUND,
                    "every connection of the token closed: WebSocket signed in only " + signedInOnly.isClosed() + " "
                            + signedInOnly.received() + ", bound only " + boundOnly.isClosed() + ", BOSH " + held.isDone()
                            + "\nProsody: " + prosody.warnings());
            assertThat(BoshClient.terminates(held.join())).as(held.join()).isTrue();
            String bound = bosh.bind();
            assertThat(BoshClient.terminates(bound)).as("the BOSH session binds nothing later: " + bound).isTrue();
            assertSignInRefused(token);
            assertSignInRefused(room);
        }
    }

    /**
     * A connection that signed in before the module was there to see it (the operator loads
     * mod_keycloak_logout into a running Prosody) cannot bind a resource after a sign-out of its
     * token; one that signed in before the module was reloaded (a new version) is closed at the
     * sign-out, as if the module had not been reloaded.
     */
    @Test
    void connectionsSignedInBeforeTheModuleWasLoadedOrReloadedGetNoFurther() {
        AdminApi.TestUser beforeLoad = admin.newUser("before-load");
        AdminApi.TestUser beforeReload = admin.newUser("before-reload");
        String beforeLoadToken = login(beforeLoad);
        String beforeReloadToken = login(beforeReload);
        prosody.shell("module", "unload", "keycloak_logout", prosody.domain());
        XmppClient.Result unseen = XmppClient.signIn(prosody, beforeLoadToken);
        prosody.shell("module", "load", "keycloak_logout", prosody.domain());
        XmppClient.Result reloaded = XmppClient.signIn(prosody, beforeReloadToken);
        prosody.shell("module", "reload", "keycloak_logout", prosody.domain());
        try (XmppClient signedIn = unseen.joined(); XmppClient alsoSignedIn = reloaded.joined()) {
            int logBefore = prosody.log().length();
            admin.disableUser(beforeLoad.id());
            admin.disableUser(beforeReload.id());
            waitUntil(() -> prosody.log().substring(logBefore).contains("sub " + beforeLoad.id()), BOUND,
                    "the sign-out at Prosody: " + prosody.warnings());

            String bound = signedIn.tryToBind();
            assertThat(bound).as("binding after the sign-out").contains("type='error'").contains("not-allowed");
            waitUntil(signedIn::isClosed, BOUND, "the connection closed after its refusal");
            waitUntil(alsoSignedIn::isClosed, BOUND, "the connection signed in before the reload closed at the sign-out: "
                    + alsoSignedIn.received());
        }
    }

    // ---------------------------------------------------------------------------------------
    // Settings that take the host role away

    @Test
    void changingTheMappersHostRoleRemovesWhoNoLongerHolds() throws Exception {
        String newRole = "hosts-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createRealmRole(newRole);
        AdminApi.TestUser onlyOld = admin.newUser("old-role");
        AdminApi.TestUser both = admin.newUser("both-roles");
        admin.grantRealmRole(both.id(), newRole);
        String onlyOldToken = login(onlyOld);
        try (XmppClient observer = join(login(both), "reorg");
             XmppClient participant = join(onlyOldToken, "reorg")) {
            admin.withJitsiSettings(Map.of("jitsi.token.required-role", newRole), () -> {
                assertGoneWithin(observer, participant);
                assertSignInRefused(onlyOldToken);
            });
        }
    }

    @Test
    void renamingTheHostRoleRemovesItsHolders() {
        AdminApi.TestUser user = admin.newUser("renamed-role");
        String token = login(user);
        org.keycloak.representations.idm.RoleRepresentation role = admin.realmRole("jitsi-host");
        String renamed = "jitsi-host-" + UUID.randomUUID().toString().substring(0, 8);
        try (XmppClient participant = join(token, "renamed")) {
            role.setName(renamed);
            admin.realm().roles().get("jitsi-host").update(role);
            try {
                waitUntil(participant::isClosed, BOUND, "the host is out once the Host role names no role they hold; Prosody: "
                        + prosody.warnings());
                assertSignInRefused(token);
            } finally {
                role.setName("jitsi-host");
                admin.realm().roles().get(renamed).update(role);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // More Jitsi clients

    /**
     * A second Jitsi client (the mapper's "Jitsi clients"): discovery says it needs the Backchannel
     * logout URL until it has one, and with the Prosody settings discovery gives, its user's own
     * logout takes the participant out and their tokens cannot sign in again.
     */
    @Test
    @SuppressWarnings("unchecked")
    void anotherJitsiClientsSignOutsReachMeetingsWithTheSettingsDiscoveryGives() throws Exception {
        String clientsBefore = admin.jitsiMapper().getConfig().get("jitsi.token.clients");
        String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        String appId = admin.createJitsiClientCopy(app, Map.of("access.token.claim", "true"), true);
        ClientRepresentation rep = admin.realm().clients().get(appId).toRepresentation();
        String url = rep.getAttributes().get("backchannel.logout.url");
        rep.getAttributes().put("backchannel.logout.url", "");
        admin.realm().clients().get(appId).update(rep);
        try {
            assertThat((List<String>) discovery().get("problems")).as("the admin is told")
                    .anySatisfy(p -> assertThat(p).contains("Client " + app + " is a Jitsi client, but has no Backchannel logout URL"));
            String prosodyUrl = admin.client("jitsi").getAttributes().get("backchannel.logout.url");
            assertThat((List<String>) discovery().get("problems")).as("discovery, open to anyone, does not say where Prosody listens")
                    .noneSatisfy(p -> assertThat(p).contains(prosodyUrl));
            rep.getAttributes().put("backchannel.logout.url", url);
            admin.realm().clients().get(appId).update(rep);
            assertThat((List<String>) discovery().get("problems")).noneSatisfy(p -> assertThat(p).contains(app));

            java.util.regex.Matcher audiences = java.util.regex.Pattern.compile("\n\\s*keycloak_logout_audiences = (\\{[^}\n]*})\n")
                    .matcher((String) discovery().get("prosody"));
            assertThat(audiences.find()).as("discovery's prosody settings name the audiences").isTrue();
            assertThat(audiences.group(1)).contains("\"" + app + "\"").contains("\"jitsi\"").contains("\"jitsi-join\"");
            try (ProsodyServer withApp = ProsodyServer.start(server, "prosody-sign-out-apps", Map.of("keycloak_logout_audiences", audiences.group(1)))) {
                rep.getAttributes().put("backchannel.logout.url", withApp.logoutUrl());
                admin.realm().clients().get(appId).update(rep);
                AdminApi.TestUser user = admin.newUser("app-user");
                JitsiWebClient browser = new JitsiWebClient(server, app);
                JitsiWebClient.Tokens signedIn = browser.login(user.username(), user.password());
                String room = roomToken(signedIn.accessToken(), "apps");
                XmppClient.Result stays = XmppClient.connect(withApp, login(admin.newUser("app-observer")));
                try (XmppClient observer = stays.joined().join("apps", "observer");
                     XmppClient participant = XmppClient.connect(withApp, room).joined().join("apps", "p-app")) {

                    HttpResponse<String> logout = browser.logout(signedIn.idToken());
                    assertThat(logout.statusCode()).as(logout.body()).isEqualTo(302);

                    waitUntil(() -> participant.isClosed() && observer.sawLeave(participant), BOUND,
                            "the participant of the other client's session out; Prosody: " + withApp.warnings());
                    assertThat(observer.isClosed()).isFalse();
                    XmppClient.Result again = XmppClient.connect(withApp, room);
                    assertThat(again.client()).as("the room token of the ended session").isNull();
                }
            }
        } finally {
            admin.realm().clients().get(appId).remove();
            Map<String, String> restore = new HashMap<>();
            restore.put("jitsi.token.clients", clientsBefore);
            admin.updateJitsiSettings(restore);
        }
    }

    // ---------------------------------------------------------------------------------------

    static Map<String, Object> discovery() {
        return Json.object(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi").body());
    }

    static String login(AdminApi.TestUser user) {
        return new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
    }

    static String roomToken(String accessToken, String room) {
        HttpResponse<String> answer = new JitsiWebClient(server).roomToken(accessToken, Map.of("room", room));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return (String) Json.object(answer.body()).get("token");
    }

    static XmppClient join(String token, String room) {
        return XmppClient.connect(prosody, token).joined().join(room, "p-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Another host in the room, who sees who leaves. */
    static XmppClient observer(String room) {
        return join(login(admin.newUser("observer")), room);
    }

    static void assertSignInRefused(String token) {
        XmppClient.Result result = XmppClient.connect(prosody, token);
        if (result.client() != null) {
            result.client().close();
        }
        assertThat(result.client()).as("signing in again with a token from before").isNull();
        // jitsi-meet's mod_auth_token answers a refusal of its "jitsi-access-ban-check" so (the stand-in too)
        assertThat(result.answer()).contains("<not-allowed/>").contains("user is banned");
    }

    /** Each participant's connection closed and its leaving seen by the observer, within {@link #BOUND} of now. */
    static void assertGoneWithin(XmppClient observer, XmppClient... participants) {
        for (XmppClient participant : participants) {
            waitUntil(() -> participant.isClosed() && observer.sawLeave(participant), BOUND,
                    "participant " + participant.jid() + " out of the meeting; it received " + participant.received()
                            + "\nProsody: " + prosody.warnings());
        }
        assertThat(observer.isClosed()).as("the observer stays").isFalse();
    }

    /**
     * Waits until the clock has passed the current second: a sign-out refuses the tokens issued up
     * to its second (its logout token's iat), so a token meant to be new must come from a later one.
     */
    static void nextSecond() {
        long now = Instant.now().getEpochSecond();
        waitUntil(() -> Instant.now().getEpochSecond() > now, Duration.ofSeconds(2), "the next second");
    }

    /** Waits for the condition, at most {@code bound}; fails with {@code what} after that. */
    static void waitUntil(BooleanSupplier condition, Duration bound, String what) {
        Instant deadline = Instant.now().plus(bound);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            XmppClient.pause();
        }
    }
}
