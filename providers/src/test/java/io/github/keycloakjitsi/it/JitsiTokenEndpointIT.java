package io.github.keycloakjitsi.it;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.github.keycloakjitsi.it.KeycloakServer.JITSI_HOST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * /realms/jitsi-realm/jitsi against a real Keycloak: room tokens checked by the independent
 * verifier with Prosody's rules (room required, domain verification on) via /certs, via the
 * asap_key_server .pem endpoint, and with HS256; the TOKEN_AUTH_URL join flow; discovery; events.
 */
class JitsiTokenEndpointIT {

    static final String MEETING_BASE = "https://" + JITSI_HOST + "/";
    private static KeycloakServer server;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
    }

    /** Prosody for room tokens: issuer = the realm, aud jitsi, room required, keys from /certs. */
    static ProsodyRules roomProsody(JWKSet keys) {
        return ProsodyRules.withKeys(ProsodyRules.Settings.roomTokens(KeycloakServer.shared().realmUrl()), keys);
    }

    static HttpResponse<String> requestToken(String accessToken, Map<String, String> form) {
        HttpRequest.Builder request = Http.postForm(KeycloakServer.shared().realmUrl() + "/jitsi/token", form);
        if (accessToken != null) {
            request.header("Authorization", "Bearer " + accessToken);
        }
        return Http.send(HttpClient.newHttpClient(), request.build());
    }

    private static String accessToken(AdminApi.TestUser user) {
        return new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
    }

    @Test
    void issuesARoomTokenProsodyAcceptsForThatRoomOnly() throws Exception {
        AdminApi.TestUser user = admin.newUser("roomhost");
        admin.grantRealmRole(user.id(), "jitsi-moderator");
        String keycloakToken = accessToken(user);

        HttpResponse<String> response = requestToken(keycloakToken, Map.of("room", "Café"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, Object> body = Json.object(response.body());
        assertThat(body).containsOnlyKeys("token", "room", "tenant", "expires_in", "moderator", "url")
                .containsEntry("room", "caf%c3%a9").containsEntry("tenant", "").containsEntry("moderator", true);
        String token = (String) body.get("token");
        assertThat(body.get("url")).as("the token in the fragment, never in the query")
                .isEqualTo(MEETING_BASE + "caf%c3%a9#jwt=%22" + token + "%22");
        assertThat(JitsiJoinIT.jwtOf((String) body.get("url"))).as("as jitsi-meet reads it").isEqualTo(token);
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");

        JWKSet certs = ProsodyRules.fetchJwks(server.oidcUrl() + "/certs");
        Map<String, Object> claims = roomProsody(certs).verify(token);
        assertThat(SignedJWT.parse(token).getHeader().toJSONObject()).containsEntry("typ", "JWT").containsEntry("alg", "RS256");
        assertThat(certs.getKeyByKeyId(SignedJWT.parse(token).getHeader().getKeyID())).as("kid listed in /certs").isNotNull();
        assertThat(claims).containsEntry("iss", server.realmUrl()).containsEntry("aud", ProsodyRules.Settings.JITSI_AUDIENCE)
                .containsEntry("sub", JITSI_HOST).containsEntry("room", "caf%c3%a9").containsKeys("iat", "nbf", "exp", "jti");
        assertThat(claims).as("typed: no access token says so").containsEntry("typ", "jitsi-room")
                .doesNotContainKeys("azp", "scope", "session_state");
        assertThat(claims).as("the SSO session it came from, so that signing that session out reaches the meeting")
                .containsEntry("sid", ProsodyRules.payload(keycloakToken).get("sid"));
        assertThat(roomProsody(certs).allowsRoom(claims, "caf%c3%a9", JITSI_HOST, null)).isTrue();
        assertThat(roomProsody(certs).allowsRoom(claims, "another", JITSI_HOST, null)).isFalse();
        assertThat(ProsodyRules.isOwner(claims)).isTrue();

        long lifetime = ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue();
        assertThat(((Number) body.get("expires_in")).longValue()).isEqualTo(lifetime);
        assertThat(lifetime).as("capped by the SSO session idle time").isLessThanOrEqualTo(admin.realm().toRepresentation().getSsoSessionIdleTimeout())
                .isLessThanOrEqualTo(3600).isPositive();

        assertThat(claims.get("context")).as("same context as the mapper puts in Keycloak's own token")
                .isEqualTo(ProsodyRules.payload(keycloakToken).get("context"));
    }

    @Test
    void anAllowedTenantBecomesTheSubjectAndThePath() throws Exception {
        AdminApi.TestUser user = admin.newUser("tenant");
        String accessToken = accessToken(user);
        JitsiTokenRefusalsIT.assertRefused(requestToken(accessToken, Map.of("room", "Weekly", "tenant", "acme")), 403, "tenant_not_allowed");
        admin.withJitsiSettings(Map.of("jitsi.token.tenants", "acme##globex"), () -> {
            HttpResponse<String> response = requestToken(accessToken, Map.of("room", "Weekly", "tenant", "Acme"));
            Map<String, Object> body = Json.object(response.body());
            assertThat(body).containsEntry("tenant", "acme").containsEntry("moderator", true);
            assertThat((String) body.get("url")).startsWith(MEETING_BASE + "acme/weekly#jwt=");
            ProsodyRules prosody = ProsodyRules.roomTokens(server);
            Map<String, Object> claims = prosody.verify((String) body.get("token"));
            assertThat(claims).containsEntry("sub", "acme");
            assertThat(prosody.allowsRoom(claims, "weekly", JITSI_HOST, "acme")).isTrue();
            assertThat(prosody.allowsRoom(claims, "weekly", JITSI_HOST, "other")).isFalse();

            // The subject is never the caller's choice: another user's id is no tenant.
            JitsiTokenRefusalsIT.assertRefused(requestToken(accessToken, Map.of("room", "Weekly", "tenant", user.id())),
                    403, "tenant_not_allowed");
            JitsiTokenRefusalsIT.assertRefused(requestToken(accessToken, Map.of("room", "Weekly", "tenant", "initech")),
                    403, "tenant_not_allowed");
        });
    }

    @Test
    void aRoomTokenIsNeverTakenForAnAccessToken() throws Exception {
        AdminApi.TestUser user = admin.newUser("typed");
        String accessToken = accessToken(user);
        assertThat(admin.introspect(accessToken)).as("the same introspection takes the access token it came from").containsEntry("active", true);
        String roomToken = (String) Json.object(requestToken(accessToken, Map.of("room", "typed")).body()).get("token");
        assertThat(ProsodyRules.payload(roomToken)).containsEntry("typ", "jitsi-room");

        HttpResponse<String> userInfo = new JitsiWebClient(server).userInfo(roomToken);
        assertThat(userInfo.statusCode()).as("Keycloak's userinfo refuses it").isEqualTo(401);
        JitsiTokenRefusalsIT.assertRefused(requestToken(roomToken, Map.of("room", "other")), 401, "invalid_token");
        assertThat(admin.introspect(roomToken)).as("introspection: not an active token of this realm").containsEntry("active", false);
    }

    @Test
    void thePemKeyServerServesTheSigningKey() throws Exception {
        String token = (String) Json.object(requestToken(accessToken(admin.newUser("pem")), Map.of("room", "pem")).body()).get("token");
        String kid = SignedJWT.parse(token).getHeader().getKeyID();
        String name = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(kid.getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> pem = new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/keys/" + name + ".pem");

        assertThat(pem.statusCode()).isEqualTo(200);
        assertThat(pem.body()).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        // asap_key_server mode: Prosody fetches exactly this key for the token's kid.
        JWKSet fromPem = new JWKSet(new RSAKey.Builder(publicKey(pem.body())).keyID(kid).build());
        assertThat(roomProsody(fromPem).verify(token)).containsEntry("room", "pem");

        assertThat(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/keys/" + "0".repeat(64) + ".pem").statusCode()).isEqualTo(404);
        assertThat(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/keys/" + kid + ".pem").statusCode()).isEqualTo(404);
        assertThat(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi/keys/..%2F..%2Fcerts").statusCode()).isEqualTo(404);
    }

    static RSAPublicKey publicKey(String pem) throws Exception {
        String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void hs256WithTheSecretFromKeycloaksVault() throws Exception {
        String accessToken = accessToken(admin.newUser("hmac"));
        ProsodyRules.Settings appSecretMode = new ProsodyRules.Settings(Set.of("my_app_id"), Set.of("my_app_id"), true, "HS256");
        admin.withJitsiSettings(Map.of("jitsi.token.algorithm", "HS256", "jitsi.token.secret", "${vault.jitsi_secret}",
                "jitsi.token.issuer", "my_app_id", "jitsi.aud", "my_app_id"), () -> {
            String token = (String) Json.object(requestToken(accessToken, Map.of("room", "hmac")).body()).get("token");
            assertThat(SignedJWT.parse(token).getHeader().toJSONObject()).containsEntry("alg", "HS256").containsEntry("typ", "JWT");
            Map<String, Object> claims = ProsodyRules.withSecret(appSecretMode, KeycloakServer.VAULT_SECRET.getBytes(StandardCharsets.UTF_8)).verify(token);
            assertThat(claims).containsEntry("room", "hmac").containsEntry("iss", "my_app_id");
            assertThat((List<String>) discovery().get("problems")).noneSatisfy(p -> assertThat(p).contains("secret"));
        });
        admin.withJitsiSettings(Map.of("jitsi.token.algorithm", "HS256", "jitsi.token.secret", "${vault.missing_secret}"), () -> {
            HttpResponse<String> response = requestToken(accessToken, Map.of("room", "hmac"));
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(Json.object(response.body())).containsEntry("error", "not_configured").doesNotContainKey("token");
            assertThat((List<String>) discovery().get("problems")).as("the admin is told before anyone asks for a token")
                    .contains("The HS256 shared secret is missing from the vault or shorter than 32 characters."
                            + " No room or guest token is issued until then.");
        });
    }

    @Test
    void discoveryDescribesThisRealm() {
        HttpResponse<String> response = new JitsiWebClient(server).get(server.realmUrl() + "/jitsi");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> doc = Json.object(response.body());
        assertThat(doc).containsEntry("issuer", server.realmUrl()).containsEntry("audience", ProsodyRules.Settings.JITSI_AUDIENCE)
                .containsEntry("prosody_accepted_audiences", List.of(ProsodyRules.Settings.JITSI_AUDIENCE))
                .containsEntry("prosody_accepted_issuers", List.of(server.realmUrl()))
                .containsEntry("jwks_uri", server.oidcUrl() + "/certs")
                .containsEntry("asap_key_server", server.realmUrl() + "/jitsi/keys")
                .containsEntry("token_endpoint", server.realmUrl() + "/jitsi/token")
                .containsEntry("join_endpoint", server.realmUrl() + "/jitsi/join")
                .containsEntry("jitsi_url", "https://" + JITSI_HOST);
        assertThat((String) doc.get("prosody")).contains("asap_key_server = \"" + server.realmUrl() + "/jitsi/keys\"")
                .contains("asap_accepted_issuers = { \"" + server.realmUrl() + "\" }")
                .contains("asap_accepted_audiences = { \"" + ProsodyRules.Settings.JITSI_AUDIENCE + "\" }")
                .contains("VirtualHost \"" + JITSI_HOST + "\"")
                .contains("wait_for_host_disable_auto_owners = true");
        assertThat((String) doc.get("prosody")).as("only the Jitsi audience")
                .containsPattern("(?m)^asap_accepted_audiences = \\{ \"" + ProsodyRules.Settings.JITSI_AUDIENCE + "\" }$")
                .doesNotContainPattern("(?m)^asap_accepted_audiences.*account");
        assertThat((String) doc.get("docker_jitsi_meet")).contains("JWT_ACCEPTED_AUDIENCES=" + ProsodyRules.Settings.JITSI_AUDIENCE + "\n")
                .contains("TOKEN_AUTH_URL=" + server.realmUrl() + "/jitsi/join?room={room}");
        assertThat(doc).containsEntry("token_type", "jitsi-room").containsEntry("tenants", List.of());
    }

    /**
     * An admin who picks another signature algorithm for a Jitsi client gets tokens Prosody refuses
     * (it takes RS256 only, as discovery's settings say): discovery names the client, for its access
     * tokens and for its ID tokens (Keycloak signs the client's logout tokens with that algorithm),
     * and says nothing of it once both are RS256 again.
     */
    @Test
    @SuppressWarnings("unchecked")
    void discoveryNamesAJitsiClientWhoseTokensProsodyRefusesForTheirAlgorithm() throws Exception {
        String clientsBefore = admin.jitsiMapper().getConfig().get("jitsi.token.clients");
        String app = "alg-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String appId = admin.createJitsiClientCopy(app, Map.of("access.token.claim", "true"), true);
        String keyId = admin.addRsaKey("rs384-" + app, 10, "RS384");
        try {
            assertThat((List<String>) discovery().get("problems")).noneSatisfy(p -> assertThat(p).contains(app));
            AdminApi.TestUser host = admin.newUser("alg");

            setAttribute(appId, "access.token.signed.response.alg", "RS384");
            String token = new JitsiWebClient(server, app).login(host.username(), host.password()).accessToken();
            assertThat(ProsodyRules.payload(token)).as("a Jitsi token by its claims").containsEntry("aud", ProsodyRules.Settings.JITSI_AUDIENCE);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProsodyRules.guide(server).verify(token))
                    .isInstanceOf(ProsodyRules.Rejected.class).hasMessageContaining("alg RS384 is not the configured RS256");
            assertThat((List<String>) discovery().get("problems")).as("the admin is told")
                    .anySatisfy(p -> assertThat(p).startsWith("Client " + app + " signs its access tokens with RS384")
                            .contains("Access token signature algorithm RS256"));

            setAttribute(appId, "access.token.signed.response.alg", "");
            assertThat((List<String>) discovery().get("problems")).noneSatisfy(p -> assertThat(p).contains(app));
            String again = new JitsiWebClient(server, app).login(host.username(), host.password()).accessToken();
            assertThat(ProsodyRules.guide(server).verify(again)).containsEntry("aud", ProsodyRules.Settings.JITSI_AUDIENCE);

            setAttribute(appId, "id.token.signed.response.alg", "RS384");
            assertThat((List<String>) discovery().get("problems")).as("its sign-outs would remove nobody")
                    .anySatisfy(p -> assertThat(p).startsWith("Client " + app + " signs its ID tokens, and so the logout tokens sent for its users, with RS384")
                            .contains("ID token signature algorithm RS256"));
            setAttribute(appId, "id.token.signed.response.alg", "RS256");
            assertThat((List<String>) discovery().get("problems")).noneSatisfy(p -> assertThat(p).contains(app));
        } finally {
            admin.realm().components().component(keyId).remove();
            admin.realm().clients().get(appId).remove();
            Map<String, String> restore = new java.util.HashMap<>();
            restore.put("jitsi.token.clients", clientsBefore);
            admin.updateJitsiSettings(restore);
        }
    }

    /**
     * With every RS256 key of the realm switched off (kept for verifying, not signing), discovery
     * says room tokens cannot be signed and the token endpoint refuses (404 not_configured); neither
     * adds a key to the realm (Keycloak's fallback key when asked for an active key that is not there).
     */
    @Test
    @SuppressWarnings("unchecked")
    void withoutAnActiveRs256KeyDiscoverySaysSoAndNothingAddsOne() {
        String accessToken = accessToken(admin.newUser("nokey"));
        List<String> signing = admin.keys().stream().filter(k -> "RS256".equals(k.getAlgorithm()) && "ACTIVE".equals(k.getStatus()))
                .map(org.keycloak.representations.idm.KeysMetadataRepresentation.KeyMetadataRepresentation::getProviderId).distinct().toList();
        assertThat(signing).isNotEmpty();
        int providers = keyProviders();
        try {
            signing.forEach(id -> setKeyActive(id, false));
            assertThat((List<String>) discovery().get("problems")).contains("The realm has no active RS256 key."
                    + " No room or guest token is issued until then.");
            HttpResponse<String> refused = requestToken(accessToken, Map.of("room", "nokey"));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
            assertThat(Json.object(refused.body())).containsEntry("error", "not_configured").doesNotContainKey("token");
            assertThat(keyProviders()).as("no fallback key added").isEqualTo(providers);
        } finally {
            signing.forEach(id -> setKeyActive(id, true));
        }
        assertThat((List<String>) discovery().get("problems")).noneSatisfy(p -> assertThat(p).contains("RS256 key"));
        assertThat(requestToken(accessToken, Map.of("room", "nokey")).statusCode()).isEqualTo(200);
    }

    private static int keyProviders() {
        return admin.realm().components().query(admin.realm().toRepresentation().getId(), "org.keycloak.keys.KeyProvider").size();
    }

    private static void setKeyActive(String componentId, boolean active) {
        org.keycloak.representations.idm.ComponentRepresentation component = admin.realm().components().component(componentId).toRepresentation();
        component.getConfig().putSingle("active", String.valueOf(active));
        admin.realm().components().component(componentId).update(component);
    }

    private static void setAttribute(String clientId, String name, String value) {
        org.keycloak.representations.idm.ClientRepresentation client = admin.realm().clients().get(clientId).toRepresentation();
        client.getAttributes().put(name, value);
        admin.realm().clients().get(clientId).update(client);
    }

    private static Map<String, Object> discovery() {
        return Json.object(new JitsiWebClient(server).get(server.realmUrl() + "/jitsi").body());
    }

    @Test
    void corsForTheCallingClientsOrigins() {
        String accessToken = accessToken(admin.newUser("cors"));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> preflight = Http.send(http, HttpRequest.newBuilder(URI.create(server.realmUrl() + "/jitsi/token"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", JitsiWebClient.ORIGIN).header("Access-Control-Request-Method", "POST").build());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(JitsiWebClient.ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");

        HttpResponse<String> allowed = Http.send(http, Http.postForm(server.realmUrl() + "/jitsi/token", Map.of("room", "x"))
                .header("Authorization", "Bearer " + accessToken).header("Origin", JitsiWebClient.ORIGIN).build());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(JitsiWebClient.ORIGIN);

        HttpResponse<String> foreign = Http.send(http, Http.postForm(server.realmUrl() + "/jitsi/token", Map.of("room", "x"))
                .header("Authorization", "Bearer " + accessToken).header("Origin", "https://evil.example").build());
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).doesNotContain("eyJ");
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void eventsRecordTokensAndRefusals() {
        AdminApi.TestUser user = admin.newUser("events");
        admin.grantRealmRole(user.id(), "jitsi-moderator");
        String accessToken = accessToken(user);
        assertThat(requestToken(accessToken, Map.of("room", "EventRoom")).statusCode()).isEqualTo(200);
        assertThat(requestToken(accessToken, Map.of("room", "../x")).statusCode()).isEqualTo(400);

        assertThat(admin.events("OAUTH2_EXTENSION_GRANT")).anySatisfy(e -> {
            assertThat(e.getUserId()).isEqualTo(user.id());
            assertThat(e.getDetails()).containsEntry("jitsi_room", "eventroom").containsEntry("jitsi_room_name", "EventRoom")
                    .containsEntry("jitsi_moderator", "true").containsEntry("jitsi_action", "room_token")
                    .containsEntry("grant_type", "urn:keycloak-jitsi:jitsi");
        });
        assertThat(admin.events("OAUTH2_EXTENSION_GRANT_ERROR")).anySatisfy(e -> {
            assertThat(e.getError()).isEqualTo("invalid_room");
            assertThat(e.getDetails()).containsEntry("jitsi_room", "../x").containsKey("reason");
        });
    }
}
