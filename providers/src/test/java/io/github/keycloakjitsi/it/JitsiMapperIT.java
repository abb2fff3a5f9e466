package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.BeforeAll;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.context;
import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.contextUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Jitsi Meet mapper's settings against a real Keycloak: who is moderator, what context.user
 * holds, features, aud, sub and room, and settings refused when saved. Each scenario logs in
 * through a copy of the shipped {@code jitsi} client whose mapper carries the settings tried.
 */
class JitsiMapperIT {

    private static final String[] ALL_FEATURES = {
            "recording", "livestreaming", "transcription", "outbound-call", "file-upload", "create-polls",
            "send-groupchat", "flip", "live-translation", "live-translation-subscribe", "name-readonly",
            "branding", "calendar", "inbound-call", "lobby", "moderation", "room", "screen-sharing",
            "list-visitors", "sip-inbound-call", "sip-outbound-call"};

    private static KeycloakServer server;
    private static AdminApi admin;
    private static ProsodyRules prosody;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        prosody = ProsodyRules.guide(server);
    }

    /**
     * Runs {@code body} with the realm's host role cleared: every enabled user may host, so users
     * without the default roles (no jitsi-host, hence no jitsi-moderator) get Jitsi tokens as members.
     */
    private static void everyoneMayHost(AdminApi.ThrowingRunnable body) throws Exception {
        Map<String, String> noHostRole = new HashMap<>();
        noHostRole.put("jitsi.token.required-role", null);
        admin.withJitsiSettings(noHostRole, body);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The shipped settings' claims (the Jitsi audience by default, moderator role) plus the ones given. */
    private static Map<String, String> settings(String... keyValues) {
        Map<String, String> config = new HashMap<>(Map.of(
                "jitsi.moderator.role", "jitsi-moderator",
                "access.token.claim", "true",
                "id.token.claim", "true",
                "userinfo.token.claim", "true",
                "introspection.token.claim", "true"));
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static String clientWith(Map<String, String> settings) {
        String clientId = unique("jitsi-it");
        admin.createJitsiClientCopy(clientId, settings, false);
        return clientId;
    }

    private static Map<String, Object> loginThrough(String clientId, AdminApi.TestUser user) throws ProsodyRules.Rejected {
        return prosody.verify(new JitsiWebClient(server, clientId).login(user.username(), user.password()).accessToken());
    }

    /**
     * A login through a copy of client jitsi with the shipped mapper settings but no login gate, so
     * users who are not hosts (and so hold no jitsi-moderator through jitsi-host) can sign in.
     */
    private static Map<String, Object> login(AdminApi.TestUser user) throws ProsodyRules.Rejected {
        return loginThrough(clientWith(settings()), user);
    }

    @Test
    void moderatorThroughAGroupHoldingTheRole() throws Exception {
        everyoneMayHost(() -> {
            String group = admin.createGroup(unique("hosts"));
            admin.grantGroupRealmRole(group, "jitsi-moderator");
            AdminApi.TestUser user = admin.newNonHost("grouprole");
            assertThat(contextUser(login(user))).as("before joining the group").containsEntry("moderator", false);
            admin.joinGroup(user.id(), group);
            assertThat(contextUser(login(user))).containsEntry("moderator", true).containsEntry("affiliation", "owner");
        });
    }

    @Test
    void moderatorThroughACompositeRole() throws Exception {
        everyoneMayHost(() -> {
            String lead = unique("team-lead");
            admin.createRealmRole(lead);
            admin.makeComposite(lead, admin.realmRole("jitsi-moderator"));
            AdminApi.TestUser user = admin.newNonHost("composite");
            assertThat(ProsodyRules.isOwner(login(user))).as("before the role").isFalse();
            admin.grantRealmRole(user.id(), lead);
            assertThat(ProsodyRules.isOwner(login(user))).isTrue();
        });
    }

    @Test
    void moderatorThroughTheParentOfTheirGroupAndACompositeInsideAComposite() throws Exception {
        everyoneMayHost(() -> {
            String outer = unique("faculty");
            String inner = unique("staff");
            admin.createRealmRole(outer);
            admin.createRealmRole(inner);
            admin.makeComposite(inner, admin.realmRole("jitsi-moderator"));
            admin.makeComposite(outer, admin.realmRole(inner));
            String parent = admin.createGroup(unique("school"));
            String sub = admin.createSubgroup(parent, "maths");
            AdminApi.TestUser user = admin.newNonHost("nested");
            admin.joinGroup(user.id(), sub);
            assertThat(ProsodyRules.isOwner(login(user))).as("before the parent group holds the role").isFalse();
            admin.grantGroupRealmRole(parent, outer);
            assertThat(ProsodyRules.isOwner(login(user))).isTrue();
        });
    }

    @Test
    void moderatorByGroupMembershipIncludingSubgroups() throws Exception {
        String name = unique("teachers");
        String parent = admin.createGroup(name);
        String sub = admin.createSubgroup(parent, "physics");
        String clientId = clientWith(settings("jitsi.moderator.role", "", "jitsi.moderator.group", "/" + name));

        AdminApi.TestUser direct = admin.newUser("teacher");
        admin.joinGroup(direct.id(), parent);
        AdminApi.TestUser nested = admin.newUser("physicist");
        admin.joinGroup(nested.id(), sub);
        AdminApi.TestUser outsider = admin.newUser("pupil");
        AdminApi.TestUser roleOnly = admin.newUser("roleonly");
        admin.grantRealmRole(roleOnly.id(), "jitsi-moderator");

        assertThat(ProsodyRules.isOwner(loginThrough(clientId, direct))).isTrue();
        assertThat(ProsodyRules.isOwner(loginThrough(clientId, nested))).isTrue();
        assertThat(ProsodyRules.isOwner(loginThrough(clientId, outsider))).isFalse();
        assertThat(ProsodyRules.isOwner(loginThrough(clientId, roleOnly))).as("role setting cleared").isFalse();
    }

    @Test
    void moderatorByAClientRole() throws Exception {
        String app = unique("classroom");
        String appId = admin.createClientWithRole(app, "host");
        String clientId = clientWith(settings("jitsi.moderator.role", app + ".host"));
        AdminApi.TestUser user = admin.newUser("clienthost");
        admin.grantClientRole(user.id(), appId, "host");
        assertThat(ProsodyRules.isOwner(loginThrough(clientId, user))).isTrue();
    }

    @Test
    void aUserWithNoEmailOrNamesGetsTheUsername() throws Exception {
        String username = unique("bare");
        String password = "pw-" + UUID.randomUUID();
        String id = admin.createUser(username, password, u -> { });
        Map<String, Object> user = contextUser(login(new AdminApi.TestUser(id, username, password)));
        assertThat(user).containsEntry("name", username).doesNotContainKeys("email", "avatar");
        assertThat(user.values()).doesNotContainNull();
    }

    @Test
    void emailAndAvatarFollowTheirSettings() throws Exception {
        String clientId = clientWith(settings("jitsi.user.email", "false", "jitsi.user.avatar.attribute", "photo",
                "jitsi.group.attribute", "department"));
        AdminApi.TestUser user = admin.newUser("private", u -> u.setAttributes(Map.of(
                "photo", List.of("https://img.example.test/p.jpg"), "picture", List.of("https://img.example.test/ignored.png"),
                "department", List.of("sales"))));
        Map<String, Object> claims = loginThrough(clientId, user);
        assertThat(contextUser(claims)).doesNotContainKey("email").containsEntry("avatar", "https://img.example.test/p.jpg");
        assertThat(context(claims)).containsEntry("group", "sales");

        String sharing = clientWith(settings("jitsi.user.email", "true"));
        assertThat(contextUser(loginThrough(sharing, user))).as("shared once switched on")
                .containsEntry("email", user.username() + "@example.test");
    }

    @Test
    void featuresWhenGranted() throws Exception {
        everyoneMayHost(() -> {
            String streamer = unique("streamer");
            admin.createRealmRole(streamer);
            String clientId = clientWith(settings(
                    "jitsi.features.everyone", "screen-sharing##send-groupchat",
                    "jitsi.features.moderators", "recording##lobby",
                    "jitsi.features.by-role", "livestreaming=" + streamer));
            AdminApi.TestUser member = admin.newNonHost("fmember");
            AdminApi.TestUser moderator = admin.newNonHost("fmod");
            admin.grantRealmRole(moderator.id(), "jitsi-moderator");
            AdminApi.TestUser streaming = admin.newNonHost("fstream");
            admin.grantRealmRole(streaming.id(), streamer);

            Map<String, Object> memberFeatures = features(loginThrough(clientId, member));
            Map<String, Object> moderatorFeatures = features(loginThrough(clientId, moderator));
            Map<String, Object> streamerFeatures = features(loginThrough(clientId, streaming));

            assertThat(memberFeatures).as("the features the admin named, explicitly; the rest is the Jitsi client's default")
                    .containsOnlyKeys("screen-sharing", "send-groupchat", "recording", "lobby", "livestreaming");
            assertThat(memberFeatures.values()).allMatch(v -> v instanceof Boolean);
            assertThat(memberFeatures).containsEntry("screen-sharing", true).containsEntry("send-groupchat", true)
                    .containsEntry("recording", false).containsEntry("lobby", false).containsEntry("livestreaming", false);
            assertThat(moderatorFeatures).containsEntry("recording", true).containsEntry("lobby", true)
                    .containsEntry("screen-sharing", true).containsEntry("livestreaming", false);
            assertThat(streamerFeatures).containsEntry("livestreaming", true).containsEntry("recording", false);
            assertThat(Arrays.stream(ALL_FEATURES).filter(f -> Boolean.TRUE.equals(memberFeatures.get(f))).toList())
                    .containsExactlyInAnyOrder("screen-sharing", "send-groupchat");
        });
    }

    @Test
    void audStaysOneStringForAUserWithRolesOfSeveralClients() throws Exception {
        String clientId = unique("jitsi-fullscope");
        admin.createJitsiClientCopy(clientId, settings(), true);
        admin.addDefaultScope(clientId, "roles");
        AdminApi.TestUser user = admin.newUser("multiclient");
        for (String app : List.of(unique("app-a"), unique("app-b"))) {
            admin.grantClientRole(user.id(), admin.createClientWithRole(app, "user"), "user");
        }
        String token = new JitsiWebClient(server, clientId).login(user.username(), user.password()).accessToken();
        Map<String, Object> claims = prosody.verify(token);
        assertThat(claims.get("aud")).isEqualTo(ProsodyRules.Settings.JITSI_AUDIENCE);
        @SuppressWarnings("unchecked")
        Map<String, Object> resourceAccess = (Map<String, Object>) claims.get("resource_access");
        assertThat(resourceAccess).as("the user really holds roles of several clients").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aCopyThatIsNotAJitsiClientKeepsKeycloaksAudienceAndProsodyRefusesIt() {
        String clientId = unique("jitsi-notlisted");
        admin.createJitsiClientCopy(clientId, settings(), true, false);
        admin.addDefaultScope(clientId, "roles");
        AdminApi.TestUser user = admin.newUser("notlisted");
        admin.grantClientRole(user.id(), admin.createClientWithRole(unique("app-c"), "user"), "user");
        String token = new JitsiWebClient(server, clientId).login(user.username(), user.password()).accessToken();
        assertThat(ProsodyRules.payload(token).get("aud")).isInstanceOf(List.class);
        assertThat(ProsodyRules.payload(token).get("aud").toString()).doesNotContain(ProsodyRules.Settings.JITSI_AUDIENCE);
        assertThatThrownBy(() -> prosody.verify(token)).hasMessageContaining("aud");
    }

    @Test
    void roomAndSubPassDomainVerificationAndKeepRefreshUserinfoAndLogoutWorking() throws Exception {
        String clientId = clientWith(settings("jitsi.sub", KeycloakServer.JITSI_HOST, "jitsi.room", "caf%c3%a9"));
        AdminApi.TestUser user = admin.newUser("roomuser");
        JitsiWebClient jitsi = new JitsiWebClient(server, clientId);
        JitsiWebClient.Tokens tokens = jitsi.login(user.username(), user.password());
        ProsodyRules roomRequired = ProsodyRules.withKeys(
                new ProsodyRules.Settings(java.util.Set.of(server.realmUrl()), java.util.Set.of(ProsodyRules.Settings.JITSI_AUDIENCE), true, "RS256"),
                ProsodyRules.fetchJwks(server.oidcUrl() + "/certs"));

        Map<String, Object> claims = roomRequired.verify(tokens.accessToken());
        assertThat(claims).containsEntry("room", "caf%c3%a9").containsEntry("sub", KeycloakServer.JITSI_HOST);
        assertThat(roomRequired.allowsRoom(claims, "caf%c3%a9", KeycloakServer.JITSI_HOST, null)).isTrue();
        assertThat(roomRequired.allowsRoom(claims, "other", KeycloakServer.JITSI_HOST, null)).isFalse();
        assertThat(ProsodyRules.payload(tokens.idToken())).as("the ID token keeps the user id")
                .containsEntry("sub", user.id()).containsEntry("aud", clientId);

        JitsiWebClient.Tokens refreshed = jitsi.refresh(tokens.refreshToken());
        assertThat(roomRequired.verify(refreshed.accessToken())).containsEntry("room", "caf%c3%a9")
                .containsEntry("sub", KeycloakServer.JITSI_HOST);

        HttpResponse<String> userInfo = jitsi.userInfo(refreshed.accessToken());
        assertThat(userInfo.statusCode()).as(userInfo.body()).isEqualTo(200);
        assertThat(Json.object(userInfo.body())).containsEntry("sub", user.id()).containsKey("context");

        HttpResponse<String> logout = jitsi.logout(refreshed.idToken());
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location")).hasValue(JitsiWebClient.POST_LOGOUT_URI);
        assertThat(jitsi.refreshRaw(refreshed.refreshToken()).statusCode()).isEqualTo(400);
    }

    @Test
    void wildcardRoomWithWildcardSub() throws Exception {
        String clientId = clientWith(settings("jitsi.sub", "*", "jitsi.room", "*"));
        Map<String, Object> claims = loginThrough(clientId, admin.newUser("wild"));
        assertThat(prosody.allowsRoom(claims, "anyroom", KeycloakServer.JITSI_HOST, "acme")).isTrue();
    }

    @Test
    void theSwitchesChooseTheTokens() throws Exception {
        String clientId = clientWith(settings("id.token.claim", "false", "userinfo.token.claim", "false"));
        AdminApi.TestUser user = admin.newUser("switches");
        JitsiWebClient jitsi = new JitsiWebClient(server, clientId);
        JitsiWebClient.Tokens tokens = jitsi.login(user.username(), user.password());
        assertThat(prosody.verify(tokens.accessToken())).containsKey("context");
        assertThat(ProsodyRules.payload(tokens.idToken())).doesNotContainKey("context");
        assertThat(Json.object(jitsi.userInfo(tokens.accessToken()).body())).doesNotContainKey("context");
    }

    @Test
    void introspectionShowsTheJitsiClaims() throws Exception {
        String introspector = unique("introspector");
        String secret = "secret-" + UUID.randomUUID();
        ClientRepresentation resourceServer = new ClientRepresentation();
        resourceServer.setClientId(introspector);
        resourceServer.setPublicClient(false);
        resourceServer.setSecret(secret);
        resourceServer.setServiceAccountsEnabled(true);
        resourceServer.setStandardFlowEnabled(false);
        // Keycloak 26.7 introspects only for a client in the token's audience, and the Jitsi audience is no client's.
        resourceServer.setAttributes(Map.of("allow.token.introspection.without.audience.check", "true"));
        admin.createClient(resourceServer);
        String clientId = clientWith(settings());
        AdminApi.TestUser user = admin.newUser("introspected");
        String token = new JitsiWebClient(server, clientId).login(user.username(), user.password()).accessToken();

        HttpResponse<String> response = Http.send(HttpClient.newHttpClient(), Http.postForm(server.oidcUrl() + "/token/introspect",
                Map.of("token", token, "client_id", introspector, "client_secret", secret)).build());
        Map<String, Object> introspection = Json.object(response.body());
        assertThat(introspection).containsEntry("active", true).containsEntry("aud", ProsodyRules.Settings.JITSI_AUDIENCE).containsKey("context");
    }

    @ParameterizedTest(name = "{0}={1} refused")
    @CsvSource(delimiter = '|', textBlock = """
            jitsi.features.everyone     | teleport               | unknown Jitsi feature "teleport"
            jitsi.features.moderators   | recording##holodeck    | unknown Jitsi feature "holodeck"
            jitsi.features.by-role      | recording              | written feature=role
            jitsi.features.by-role      | recording=no-such-role | Role "no-such-role" in "Features by role" does not exist
            jitsi.moderator.role        | no-such-role           | Moderator role "no-such-role" does not exist
            jitsi.moderator.group       | /no-such-group         | Moderator group "/no-such-group" does not exist
            jitsi.user.email            | maybe                  | must be true or false
            jitsi.aud                   | account jitsi          | must not contain spaces
            jitsi.sub                   | a b                    | must not contain spaces
            jitsi.room                  | a/b                    | Type * for every room, or one room
            jitsi.room                  | *                      | domain verification
            jitsi.user.avatar.attribute | pic ture               | must not contain spaces
            jitsi.group.attribute       | dep\tartment           | must not contain spaces
            jitsi.token.secret          | literal-secret-0123456789-abcdefghijkl | never the secret itself
            jitsi.token.clients         | ghost-client           | Client "ghost-client" in "Jitsi clients" does not exist
            jitsi.token.tenants         | ../evil                | "Token endpoint: tenants" entries
            jitsi.token.subject         | *                      | must be a domain name
            """)
    void wrongSettingsAreRefusedWhenSaved(String key, String value, String message) {
        String clientInternalId = admin.client("jitsi").getId();
        Map<String, String> config = settings(key, value.replace("\\t", "\t"));
        try (Response response = admin.addJitsiMapper(clientInternalId, unique("bad"), config)) {
            String body = response.readEntity(String.class);
            assertThat(response.getStatus()).as(body).isEqualTo(400);
            assertThat(Json.object(body).get("error_description").toString()).contains(message);
        }
    }

    @Test
    void apostrophesAndBracesOfTheAdminsValueAppearAsTyped() {
        String clientInternalId = admin.client("jitsi").getId();
        try (Response response = admin.addJitsiMapper(clientInternalId, unique("bad"), settings("jitsi.aud", "it's {0}"))) {
            String body = response.readEntity(String.class);
            assertThat(response.getStatus()).as(body).isEqualTo(400);
            assertThat(Json.object(body).get("error_description").toString())
                    .contains("\"Jitsi audience (aud)\" must not contain spaces or control characters: \"it's {0}\"");
        }
    }

    @Test
    void editingTheShippedMapperIntoAWrongStateIsRefusedAndChangesNothing() {
        ProtocolMapperRepresentation mapper = admin.jitsiMapper();
        Map<String, String> config = new HashMap<>(mapper.getConfig());
        config.put("jitsi.features.everyone", "teleport");
        mapper.setConfig(config);

        assertThatThrownBy(() -> admin.saveJitsiMapper(mapper)).isInstanceOfSatisfying(BadRequestException.class, e ->
                assertThat(Json.object(e.getResponse().readEntity(String.class)).get("error_description").toString())
                        .contains("unknown Jitsi feature \"teleport\""));
        assertThat(admin.jitsiMapper().getConfig().toString()).doesNotContain("teleport");
    }

    @Test
    void validSettingsAreSaved() {
        String clientInternalId = admin.client("jitsi").getId();
        String clientCopy = admin.createJitsiClientCopyWithoutJitsiMapper(unique("jitsi-save"));
        try (Response response = admin.addJitsiMapper(clientCopy, unique("good"),
                settings("jitsi.features.everyone", "recording", "jitsi.sub", "*", "jitsi.room", "*"))) {
            assertThat(response.getStatus()).as(response.readEntity(String.class)).isEqualTo(201);
        }
        assertThat(clientInternalId).isNotEqualTo(clientCopy);
    }

    @Test
    void aBrokenStoredConfigAddsNoJitsiClaims() throws Exception {
        // Keycloak checks mapper settings on the mapper screens, not in client imports: a broken
        // config can still be stored that way. The mapper then adds nothing, so nobody becomes
        // moderator through a setting the mapper cannot read.
        String clientId = unique("jitsi-broken");
        admin.createJitsiClientCopy(clientId, settings("jitsi.features.everyone", "teleport"), true);
        AdminApi.TestUser user = admin.newUser("broken");
        admin.grantRealmRole(user.id(), "jitsi-moderator");
        String token = new JitsiWebClient(server, clientId).login(user.username(), user.password()).accessToken();
        Map<String, Object> claims = ProsodyRules.payload(token);
        assertThat(claims).doesNotContainKey("context");
        assertThat(ProsodyRules.isOwner(claims)).isFalse();
    }

    @Test
    void theMapperIsListedForTheAdminConsoleWithLabelsAndHelp() {
        HttpResponse<String> response = Http.send(HttpClient.newHttpClient(), HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/admin/serverinfo"))
                .header("Authorization", "Bearer " + adminToken()).build());
        Map<String, Object> info = Json.object(response.body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> oidcMappers = (List<Map<String, Object>>) ((Map<String, Object>) info.get("protocolMapperTypes")).get("openid-connect");
        Map<String, Object> jitsi = oidcMappers.stream().filter(m -> "oidc-jitsi-meet-mapper".equals(m.get("id"))).findFirst().orElseThrow();
        assertThat(jitsi).containsEntry("name", "Jitsi Meet");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> properties = (List<Map<String, Object>>) jitsi.get("properties");
        assertThat(properties).allSatisfy(p -> {
            assertThat(p.get("label")).as("label of " + p.get("name")).isNotNull();
            assertThat(p.get("helpText")).as("help of " + p.get("name")).isNotNull();
        });
        assertThat(properties).extracting(p -> p.get("name")).contains("jitsi.moderator.role", "jitsi.moderator.group",
                "jitsi.user.email", "jitsi.user.avatar.attribute", "jitsi.features.everyone", "jitsi.features.moderators",
                "jitsi.features.by-role", "jitsi.group.attribute", "jitsi.aud", "jitsi.sub", "jitsi.room",
                "access.token.claim", "id.token.claim", "userinfo.token.claim", "introspection.token.claim");
    }

    private static String adminToken() {
        HttpResponse<String> response = Http.send(HttpClient.newHttpClient(), Http.postForm(server.baseUrl() + "/realms/master/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", KeycloakServer.ADMIN_USER,
                        "password", KeycloakServer.ADMIN_PASSWORD)).build());
        return (String) Json.object(response.body()).get("access_token");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> features(Map<String, Object> claims) {
        return (Map<String, Object>) context(claims).get("features");
    }
}
