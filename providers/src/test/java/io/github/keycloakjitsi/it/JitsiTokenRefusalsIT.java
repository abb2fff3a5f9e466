package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.representations.idm.ClientRepresentation;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.requestToken;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /jitsi/token refusals: each with its status and JSON error, and never a token. */
class JitsiTokenRefusalsIT {

    private static KeycloakServer server;
    private static AdminApi admin;
    private static String accessToken;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        AdminApi.TestUser user = admin.newUser("refused");
        accessToken = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
    }

    static void assertRefused(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("eyJ");
        Map<String, Object> body = Json.object(response.body());
        assertThat(body).containsEntry("error", error).containsKey("error_description").doesNotContainKey("token");
    }

    @Test
    void withoutABearerToken() {
        assertRefused(requestToken(null, Map.of("room", "r")), 401, "invalid_token");
    }

    @Test
    void withAGarbledToken() {
        assertRefused(requestToken("not.a.token", Map.of("room", "r")), 401, "invalid_token");
        String[] parts = accessToken.split("\\.");
        assertRefused(requestToken(parts[0] + "." + parts[1] + ".AAAA" + parts[2].substring(4), Map.of("room", "r")), 401, "invalid_token");
    }

    /**
     * A valid token of the realm issued under another of its addresses (the realm's frontend URL
     * changed since) is refused, saying so.
     */
    @Test
    void withATokenOfAnotherAddressOfTheRealm() throws Exception {
        KeycloakServer server = KeycloakServer.shared();
        String otherAddress = server.baseUrl().replace("127.0.0.1", "localhost");
        AdminApi.TestUser user = admin.newUser("moved");
        String[] issuedElsewhere = new String[1];
        admin.withRealmAttribute("frontendUrl", otherAddress,
                () -> issuedElsewhere[0] = admin.passwordGrant("admin-cli", user));
        assertThat(ProsodyRules.payload(issuedElsewhere[0])).containsEntry("iss", otherAddress + "/realms/" + KeycloakServer.REALM);

        HttpResponse<String> refused = requestToken(issuedElsewhere[0], Map.of("room", "r"));
        assertRefused(refused, 401, "invalid_token");
        assertThat((String) Json.object(refused.body()).get("error_description"))
                .isEqualTo("The token was issued by " + otherAddress + "/realms/" + KeycloakServer.REALM + ", but this request reached the realm as "
                        + server.issuer() + ": send it to the address that issued it, or set the realm's Frontend URL so that every address "
                        + "of the realm issues alike.");
        // The same issuer in a token the realm did not sign: the plain answer, nothing of the token repeated.
        String[] parts = issuedElsewhere[0].split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
        assertThat((String) Json.object(requestToken(forged, Map.of("room", "r")).body()).get("error_description"))
                .isEqualTo("A valid access token of this realm is required: Authorization: Bearer <token>.");
        assertThat((String) Json.object(requestToken("not.a.token", Map.of("room", "r")).body()).get("error_description"))
                .as("a token that is no token gets the plain answer")
                .isEqualTo("A valid access token of this realm is required: Authorization: Bearer <token>.");
    }

    @Test
    void withAnotherRealmsToken() {
        assertRefused(requestToken(admin.otherRealmToken(), Map.of("room", "r")), 401, "invalid_token");
    }

    @Test
    void withAnExpiredToken() throws Exception {
        String clientId = "jitsi-shortlived-" + UUID.randomUUID().toString().substring(0, 6);
        String id = admin.createJitsiClientCopyWithoutJitsiMapper(clientId);
        ClientRepresentation client = admin.client(clientId);
        client.getAttributes().put("access.token.lifespan", "2");
        admin.realm().clients().get(id).update(client);
        AdminApi.TestUser user = admin.newUser("expired");
        String shortLived = new JitsiWebClient(server, clientId).login(user.username(), user.password()).accessToken();
        long exp = ((Number) ProsodyRules.payload(shortLived).get("exp")).longValue();
        Thread.sleep(Math.max(0, (exp + 1) * 1000 - System.currentTimeMillis()));
        assertRefused(requestToken(shortLived, Map.of("room", "r")), 401, "invalid_token");
    }

    @Test
    void forADisabledUser() {
        AdminApi.TestUser user = admin.newUser("disabled");
        String token = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        admin.disableUser(user.id());
        // Keycloak's own bearer check (TokenManager.isUserValid) refuses a disabled user's token
        // before the endpoint asks whether the user may host: the token is no longer valid.
        assertRefused(requestToken(token, Map.of("room", "r")), 401, "invalid_token");
    }

    @Test
    void withoutTheRequiredRole() throws Exception {
        AdminApi.TestUser starter = admin.newUser("starter");
        String role = "starter-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createRealmRole(role);
        admin.grantRealmRole(starter.id(), role);
        String starterToken = new JitsiWebClient(server).login(starter.username(), starter.password()).accessToken();
        admin.withJitsiSettings(Map.of("jitsi.token.required-role", role), () -> {
            assertRefused(requestToken(accessToken, Map.of("room", "r")), 403, "access_denied");
            assertThat(requestToken(starterToken, Map.of("room", "r")).statusCode()).isEqualTo(200);
        });
    }

    @Test
    void tokensOfClientsTheAdminDidNotNameAreRefused() throws Exception {
        AdminApi.TestUser user = admin.newUser("cli");
        // admin-cli exists in every realm and allows the password grant: no OTP, no WebAuthn, no browser login.
        String passwordGrant = admin.passwordGrant("admin-cli", user);
        HttpResponse<String> refused = requestToken(passwordGrant, Map.of("room", "r"));
        assertRefused(refused, 403, "access_denied");
        assertThat(admin.events("OAUTH2_EXTENSION_GRANT_ERROR")).anySatisfy(e -> {
            assertThat(e.getError()).isEqualTo("access_denied");
            assertThat(e.getClientId()).isEqualTo("admin-cli");
            assertThat(e.getUserId()).isEqualTo(user.id());
            assertThat(e.getDetails().get("reason")).contains("admin-cli is not one of the Jitsi clients");
        });

        String copy = "jitsi-app-" + UUID.randomUUID().toString().substring(0, 6);
        admin.createJitsiClientCopyWithoutJitsiMapper(copy);
        String browserLogin = new JitsiWebClient(server, copy).login(user.username(), user.password()).accessToken();
        assertRefused(requestToken(browserLogin, Map.of("room", "r")), 403, "access_denied");
        admin.withJitsiSettings(Map.of("jitsi.token.clients", "jitsi##" + copy), () ->
                assertThat(requestToken(browserLogin, Map.of("room", "r")).statusCode()).as("once the admin names it").isEqualTo(200));
    }

    @Test
    void forEveryRoomUnlessAllowed() throws Exception {
        assertRefused(requestToken(accessToken, Map.of("room", "*")), 403, "wildcard_not_allowed");
        for (String spelling : new String[]{"%2a", "%252A", "\uFF0A", "\uFE61", " * "}) {
            assertRefused(requestToken(accessToken, Map.of("room", spelling)), 403, "wildcard_not_allowed");
        }
        admin.withJitsiSettings(Map.of("jitsi.token.wildcard", "true"), () -> {
            HttpResponse<String> response = requestToken(accessToken, Map.of("room", "*"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Json.object(response.body())).containsEntry("room", "*");
        });
    }

    @ParameterizedTest(name = "room [{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``                  | invalid_room
            `   `               | invalid_room
            ../                 | invalid_room
            ../../admin         | invalid_room
            a/b                 | invalid_room
            ..%2f               | invalid_room
            %2e%2e              | invalid_room
            `line\nbreak`       | invalid_room
            `soh\u0001byte`     | invalid_room
            `del\u007fbyte`     | invalid_room
            `ls\u2028sep`       | invalid_room
            `tab\tin`           | invalid_room
            ?#@                 | invalid_room
            """)
    void forRoomsThatAreNotOneUsableName(String room, String error) {
        assertRefused(requestToken(accessToken, Map.of("room", room)), 400, error);
    }

    @ParameterizedTest(name = "room [{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            x%00y
            a%0d%0ab
            a%e2%80%aeb
            a%E2%81%A6b
            a%e2%80%8bb
            %252e%252e
            """)
    void controlBidiAndInvisibleCharactersAreRefusedHoweverEncoded(String room) {
        // Sent form-encoded, so the endpoint gets "x%00y": the check runs on what Jitsi will decode it to.
        assertRefused(requestToken(accessToken, Map.of("room", room)), 400, "invalid_room");
    }

    @Test
    void aNulByteIsRefused() {
        HttpResponse<String> response = Http.send(java.net.http.HttpClient.newHttpClient(), java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.realmUrl() + "/jitsi/token"))
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("room=nul%00byte")).build());
        assertRefused(response, 400, "invalid_room");
    }

    @Test
    void forARoomOverJitsisLength() {
        assertRefused(requestToken(accessToken, Map.of("room", "r".repeat(1024))), 400, "invalid_room");
        assertThat(requestToken(accessToken, Map.of("room", "r".repeat(1023))).statusCode()).isEqualTo(200);
    }

    @Test
    void withoutARoomOrWithTwo() {
        assertRefused(requestToken(accessToken, Map.of()), 400, "invalid_room");
        HttpResponse<String> twice = Http.send(java.net.http.HttpClient.newHttpClient(), java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.realmUrl() + "/jitsi/token"))
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("room=a&room=b")).build());
        assertRefused(twice, 400, "invalid_request");
    }

    @ParameterizedTest(name = "tenant [{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            evil.example/
            ../evil
            //evil.example
            https://evil.example
            a b
            """)
    void forTenantsThatWouldLeaveTheJitsiUrl(String tenant) {
        assertRefused(requestToken(accessToken, Map.of("room", "r", "tenant", tenant)), 400, "invalid_tenant");
    }
}
