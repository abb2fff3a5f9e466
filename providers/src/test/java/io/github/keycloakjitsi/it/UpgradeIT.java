package io.github.keycloakjitsi.it;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.context;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgrade as operators do it: a realm made with the bundle on the oldest supported Keycloak
 * (26.4.7; users, mapper settings, an added realm key, all on PostgreSQL in production mode) is
 * started on the newest with the same jar. Keycloak migrates the database; logins, the mapper's
 * settings and the old keys still work.
 */
class UpgradeIT {

    static final String OLDEST = "26.4.7";
    private static final String DATABASE = "keycloak_upgrade";

    @Test
    void aRealmMadeOnTheOldestKeycloakWorksOnTheNewest() throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        postgres.freshDatabase(DATABASE);
        Path oldHome = KeycloakCluster.build("upgrade-keycloak-" + OLDEST, OLDEST);
        KeycloakServer old = KeycloakCluster.launch(oldHome, "upgrade-old", postgres, DATABASE);
        AdminApi.TestUser user;
        String oldAccessToken;
        String oldRoomToken;
        String oldKid;
        try {
            assertThat(old.log()).contains("Keycloak " + OLDEST);
            AdminApi admin = new AdminApi(old);
            user = admin.newUser("veteran");
            admin.grantRealmRole(user.id(), "jitsi-moderator");
            admin.updateJitsiSettings(Map.of("jitsi.features.everyone", "screen-sharing", "jitsi.token.lifetime", "900",
                    "jitsi.token.tenants", "acme"));
            String keyId = admin.addRsaKey("made-on-" + OLDEST, 500);
            oldKid = admin.kidOf(keyId);

            JitsiWebClient browser = new JitsiWebClient(old);
            JitsiWebClient.Tokens tokens = browser.login(user.username(), user.password());
            oldAccessToken = tokens.accessToken();
            assertThat(SignedJWT.parse(oldAccessToken).getHeader().getKeyID()).isEqualTo(oldKid);
            oldRoomToken = (String) Json.object(browser.roomToken(oldAccessToken, Map.of("room", "Before", "tenant", "acme")).body()).get("token");
            assertThat(oldRoomToken).isNotNull();
        } finally {
            old.stop();
        }

        Path newHome = KeycloakCluster.build("upgrade-keycloak-" + KeycloakServer.version(), KeycloakServer.version());
        KeycloakServer upgraded = KeycloakCluster.launch(newHome, "upgrade-new", postgres, DATABASE);
        try {
            assertThat(upgraded.log()).contains("Keycloak " + KeycloakServer.version());
            AdminApi admin = new AdminApi(upgraded);
            Map<String, String> config = admin.jitsiMapper().getConfig();
            assertThat(config).as("the mapper's settings").containsEntry("jitsi.features.everyone", "screen-sharing")
                    .containsEntry("jitsi.token.lifetime", "900").containsEntry("jitsi.token.tenants", "acme");

            ProsodyRules prosody = ProsodyRules.guide(upgraded);
            assertThat(prosody.verify(oldAccessToken)).as("a token signed before the upgrade, with the old key").containsEntry("sub", user.id());
            ProsodyRules rooms = ProsodyRules.roomTokens(upgraded);
            assertThat(rooms.verify(oldRoomToken)).containsEntry("room", "before").containsEntry("sub", "acme");

            JitsiWebClient browser = new JitsiWebClient(upgraded);
            JitsiWebClient.Tokens tokens = browser.login(user.username(), user.password());
            Map<String, Object> claims = prosody.verify(tokens.accessToken());
            assertThat(SignedJWT.parse(tokens.accessToken()).getHeader().getKeyID()).as("the old key still signs").isEqualTo(oldKid);
            assertThat(ProsodyRules.isOwner(claims)).isTrue();
            assertThat(context(claims)).containsKey("features");
            HttpResponse<String> roomToken = browser.roomToken(tokens.accessToken(), Map.of("room", "After", "tenant", "acme"));
            assertThat(roomToken.statusCode()).as(roomToken.body()).isEqualTo(200);
            assertThat(((Number) Json.object(roomToken.body()).get("expires_in")).longValue()).isLessThanOrEqualTo(900);
            assertThat(rooms.verify((String) Json.object(roomToken.body()).get("token"))).containsEntry("room", "after");
        } finally {
            upgraded.stop();
        }
    }
}
