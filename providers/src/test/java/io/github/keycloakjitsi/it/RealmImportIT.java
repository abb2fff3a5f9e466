package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmEventsConfigRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The realm export's environment placeholders (JITSI_HOST, JITSI_FRONTEND_URL) as the guide's
 * deployment sets them, and a restart of start-keycloak.sh keeping the data.
 */
class RealmImportIT {

    @Test
    void hostAndFrontendUrlComeFromTheEnvironmentAndDataSurvivesARestart() {
        Map<String, String> env = Map.of("JITSI_HOST", "jitsi.example.org", "JITSI_FRONTEND_URL", "https://jitsi.example.org");
        KeycloakServer server = KeycloakServer.start("it-keycloak-env", env, true);
        String userId;
        try {
            Map<String, Object> discovery = Json.object(new JitsiWebClient(server)
                    .get(server.realmUrl() + "/.well-known/openid-configuration").body());
            assertThat(discovery.get("issuer")).isEqualTo("https://jitsi.example.org/realms/jitsi-realm");
            assertThat(discovery.get("jwks_uri")).isEqualTo("https://jitsi.example.org/realms/jitsi-realm/protocol/openid-connect/certs");

            AdminApi admin = new AdminApi(server);
            ClientRepresentation client = admin.client("jitsi");
            assertThat(client.getRedirectUris()).isEqualTo(List.of("https://jitsi.example.org/static/sso.html"));
            assertThat(client.getWebOrigins()).isEqualTo(List.of("https://jitsi.example.org"));

            userId = admin.newUser("survivor").id();
            assertJitsiDiscoveryEverywhere(server, "https://jitsi.example.org/realms/jitsi-realm", "frontend_url");
        } finally {
            server.stop();
        }

        // Restarted without a hostname (as start-keycloak.sh runs it): with the frontend URL taken
        // out of the realm, Keycloak's addresses are whatever each request came through, and the
        // snippets take the Jitsi URL's host, as Jitsi's guide has it, saying so.
        KeycloakServer restarted = KeycloakServer.start("it-keycloak-env", Map.of("KC_HOSTNAME", "", "KC_PROXY_HEADERS", "xforwarded"), false);
        try {
            AdminApi admin = new AdminApi(restarted);
            assertThat(admin.realm().users().get(userId).toRepresentation().getId()).as("the user is still there").isEqualTo(userId);
            Map<String, Object> discovery = Json.object(new JitsiWebClient(restarted)
                    .get(restarted.realmUrl() + "/.well-known/openid-configuration").body());
            assertThat(discovery.get("issuer")).as("the realm is kept, not imported again")
                    .isEqualTo("https://jitsi.example.org/realms/jitsi-realm");

            admin.setRealmAttribute("frontendUrl", null);
            Map<String, Object> jitsi = assertJitsiDiscoveryEverywhere(restarted, "https://jitsi.example.org/realms/jitsi-realm", "jitsi_url");
            assertThat((List<String>) jitsi.get("notes")).singleElement().asString()
                    .contains("no Frontend URL").contains("https://jitsi.example.org/realms/jitsi-realm");
            // Behind a proxy whose headers Keycloak trusts, no header of the request changes what discovery says.
            String plain = new JitsiWebClient(restarted).get(restarted.realmUrl() + "/jitsi").body();
            for (Map<String, String> forged : List.of(Map.of("X-Forwarded-Prefix", "/x'+alert(1)+'"),
                    Map.of("X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "http", "X-Forwarded-Port", "8081"),
                    Map.of("Forwarded", "host=evil.example;proto=http"))) {
                java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(restarted.realmUrl() + "/jitsi"));
                forged.forEach(request::header);
                assertThat(new JitsiWebClient(restarted).send(request).body()).as(forged.toString()).isEqualTo(plain);
            }

            // An address that cannot go into the snippets as it is leaves them out, saying why.
            admin.setRealmAttribute("frontendUrl", "https://jitsi.example.org/x'y");
            Map<String, Object> unsafe = Json.object(new JitsiWebClient(restarted).get(restarted.realmUrl() + "/jitsi").body());
            assertThat((List<String>) unsafe.get("problems")).anySatisfy(p -> assertThat(p).contains("the snippets are left out"));
            assertThat(unsafe).doesNotContainKeys("prosody", "config_js", "docker_jitsi_meet");
        } finally {
            restarted.stop();
        }
    }

    /** Keycloak's hostname (as every test server has it) makes the addresses discovery gives. */
    @Test
    void discoveryGivesKeycloaksHostnameWhereverItIsFetched() {
        KeycloakServer server = KeycloakServer.shared();
        Map<String, Object> jitsi = assertJitsiDiscoveryEverywhere(server, server.realmUrl(), "hostname");
        assertThat((List<String>) jitsi.get("notes")).as("the test server is reached over http").singleElement().asString()
                .contains("sso.html asks https://<tokenService>/token");
    }

    /**
     * /realms/jitsi-realm/jitsi fetched through 127.0.0.1 and through localhost (another address of
     * the same Keycloak) says the same, naming {@code realm} as where Jitsi and browsers reach the realm.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> assertJitsiDiscoveryEverywhere(KeycloakServer server, String realm, String from) {
        String viaLoopback = new JitsiWebClient(server).get(server.realmUrl() + "/jitsi").body();
        String viaLocalhost = new JitsiWebClient(server).get(server.realmUrl().replace("127.0.0.1", "localhost") + "/jitsi").body();
        assertThat(viaLocalhost).as("the same wherever it is fetched").isEqualTo(viaLoopback);
        Map<String, Object> doc = Json.object(viaLoopback);
        assertThat(doc).containsEntry("realm_url", realm).containsEntry("realm_url_from", from)
                .containsEntry("jwks_uri", realm + "/protocol/openid-connect/certs")
                .containsEntry("signin_endpoint", realm + "/jitsi/signin");
        assertThat((List<String>) doc.get("prosody_accepted_issuers")).contains(realm);
        String realmAddress = realm.substring(realm.indexOf("://") + 3);
        assertThat((String) doc.get("config_js")).contains("config.tokenAuthUrl = '" + realm + "/jitsi/signin?state={state}")
                .contains("tokenService: '" + realmAddress + "/protocol/openid-connect'");
        assertThat((String) doc.get("prosody")).contains("cache_keys_url = \"" + realm + "/protocol/openid-connect/certs\"");
        return doc;
    }

    @Test
    void theLocalDefaultsLeaveTheFrontendUrlUnset() {
        KeycloakServer server = KeycloakServer.shared();
        Map<String, Object> discovery = Json.object(new JitsiWebClient(server)
                .get(server.realmUrl() + "/.well-known/openid-configuration").body());
        assertThat(discovery.get("issuer")).isEqualTo(server.realmUrl());
        AdminApi admin = new AdminApi(server);
        RealmRepresentation realm = admin.realm().toRepresentation();
        assertThat(realm.isBruteForceProtected()).isTrue();
        assertThat(realm.getPasswordPolicy()).isEqualTo("length(12) and notUsername and notEmail");

        RealmEventsConfigRepresentation events = admin.realm().getRealmEventsConfig();
        assertThat(events.isEventsEnabled()).isTrue();
        assertThat(events.getEventsExpiration()).isEqualTo(30L * 24 * 3600);
        assertThat(events.isAdminEventsEnabled()).isTrue();
        assertThat(events.getEnabledEventTypes()).contains("LOGIN", "LOGIN_ERROR", "TOKEN_EXCHANGE", "TOKEN_EXCHANGE_ERROR",
                "OAUTH2_EXTENSION_GRANT", "OAUTH2_EXTENSION_GRANT_ERROR");

        assertThatThrownBy(() -> admin.createUser("weak-" + java.util.UUID.randomUUID(), "short-pw", u -> { }))
                .as("the password policy applies").hasMessageContaining("400").hasMessageContaining("invalidPasswordMinLength");
    }

    @Test
    void theUserProfileDeclaresTheAvatarAndKeepsTheConsoleLabels() {
        List<UPAttribute> attributes = new AdminApi(KeycloakServer.shared()).realm().users().userProfile().getConfiguration().getAttributes();
        assertThat(attributes).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("username");
            assertThat(a.getDisplayName()).isEqualTo("${username}");
        });
        assertThat(attributes).anySatisfy(a -> assertThat(a.getName()).isEqualTo("picture"));
        assertThat(attributes).allSatisfy(a -> assertThat(a.getRequired()).as("names and email stay optional").isNull());
    }
}
