package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmEventsConfigRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;

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
        } finally {
            server.stop();
        }

        KeycloakServer restarted = KeycloakServer.start("it-keycloak-env", Map.of(), false);
        try {
            AdminApi admin = new AdminApi(restarted);
            assertThat(admin.realm().users().get(userId).toRepresentation().getId()).as("the user is still there").isEqualTo(userId);
            Map<String, Object> discovery = Json.object(new JitsiWebClient(restarted)
                    .get(restarted.realmUrl() + "/.well-known/openid-configuration").body());
            assertThat(discovery.get("issuer")).as("the realm is kept, not imported again")
                    .isEqualTo("https://jitsi.example.org/realms/jitsi-realm");
        } finally {
            restarted.stop();
        }
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
