package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
            Map<String, Object> client = admin.client("jitsi");
            assertThat(client.get("redirectUris")).isEqualTo(List.of("https://jitsi.example.org/static/sso.html"));
            assertThat(client.get("webOrigins")).isEqualTo(List.of("https://jitsi.example.org"));

            userId = admin.newUser("survivor").id();
        } finally {
            server.stop();
        }

        KeycloakServer restarted = KeycloakServer.start("it-keycloak-env", Map.of(), false);
        try {
            AdminApi admin = new AdminApi(restarted);
            assertThat(admin.call("GET", "/users/" + userId, null).statusCode()).as("the user is still there").isEqualTo(200);
            Map<String, Object> discovery = Json.object(new JitsiWebClient(restarted)
                    .get(restarted.realmUrl() + "/.well-known/openid-configuration").body());
            assertThat(discovery.get("issuer")).as("the realm is kept, not imported again")
                    .isEqualTo("https://jitsi.example.org/realms/jitsi-realm");
        } finally {
            restarted.stop();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLocalDefaultsLeaveTheFrontendUrlUnset() {
        KeycloakServer server = KeycloakServer.shared();
        Map<String, Object> discovery = Json.object(new JitsiWebClient(server)
                .get(server.realmUrl() + "/.well-known/openid-configuration").body());
        assertThat(discovery.get("issuer")).isEqualTo(server.realmUrl());
        Map<String, Object> realm = Json.object(new AdminApi(server).call("GET", "", null).body());
        assertThat(realm).containsEntry("bruteForceProtected", true)
                .containsEntry("passwordPolicy", "length(12) and notUsername and notEmail");

        AdminApi admin = new AdminApi(server);
        Map<String, Object> events = Json.object(admin.call("GET", "/events/config", null).body());
        assertThat(events).containsEntry("eventsEnabled", true).containsEntry("eventsExpiration", 2592000)
                .containsEntry("adminEventsEnabled", true);
        assertThat((List<String>) events.get("enabledEventTypes")).contains("LOGIN", "LOGIN_ERROR", "TOKEN_EXCHANGE", "TOKEN_EXCHANGE_ERROR");

        java.net.http.HttpResponse<String> weak = admin.call("POST", "/users", Map.of("username", "weak-" + java.util.UUID.randomUUID(),
                "enabled", true, "credentials", List.of(Map.of("type", "password", "value", "short-pw", "temporary", false))));
        assertThat(weak.statusCode()).as("the password policy applies: " + weak.body()).isEqualTo(400);
        assertThat(weak.body()).contains("invalidPasswordMinLength");
    }

    @Test
    void theUserProfileDeclaresTheAvatarAndKeepsTheConsoleLabels() {
        Map<String, Object> profile = Json.object(new AdminApi(KeycloakServer.shared()).call("GET", "/users/profile", null).body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> attributes = (List<Map<String, Object>>) profile.get("attributes");
        assertThat(attributes).anySatisfy(a -> assertThat(a).containsEntry("name", "username").containsEntry("displayName", "${username}"));
        assertThat(attributes).anySatisfy(a -> assertThat(a).containsEntry("name", "picture"));
        assertThat(attributes).allSatisfy(a -> assertThat(a).as("names and email stay optional").doesNotContainKey("required"));
    }
}
