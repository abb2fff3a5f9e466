package io.github.keycloakjitsi.it;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ComponentRepresentation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Realm key rotation as Prosody lives it: it reads /certs at start and then only every 6 hours
 * (Keycloak sends Cache-Control: no-cache), and never refetches on an unknown kid. So the safe
 * rotation publishes the new key first (lower priority: listed, not signing), and makes it
 * active only after Prosody has read it.
 */
class KeyRotationIT {

    private static KeycloakServer server;
    private static AdminApi admin;
    private static final List<String> addedKeys = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
    }

    @AfterAll
    static void removeAddedKeys() {
        addedKeys.forEach(id -> admin.realm().components().component(id).remove());
    }

    private static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    private static List<String> kids(JWKSet jwks) {
        return jwks.getKeys().stream().map(JWK::getKeyID).toList();
    }

    @Test
    void aNewKeyIsPublishedThenSignsAndOldTokensStillVerify() throws Exception {
        AdminApi.TestUser user = admin.newUser("rotation");
        JitsiWebClient jitsi = new JitsiWebClient(server);
        JitsiWebClient.Tokens before = jitsi.login(user.username(), user.password());
        String oldKid = kid(before.accessToken());

        HttpResponse<String> certs = Http.send(HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(server.oidcUrl() + "/certs")).build());
        assertThat(certs.headers().firstValue("Cache-Control").orElse(""))
                .as("why Prosody only refreshes every 6 h").contains("no-cache");

        // Step 1: publish. A new RS256 key below the active one's priority is listed but does not sign.
        long active = admin.activeRs256Priority();
        String newKeyId = admin.addRsaKey("rotation-next", active - 1);
        addedKeys.add(newKeyId);
        JWKSet published = ProsodyRules.fetchJwks(server.oidcUrl() + "/certs");
        String newKid = admin.kidOf(newKeyId);
        assertThat(kids(published)).contains(oldKid, newKid);
        assertThat(kid(jitsi.refresh(before.refreshToken()).accessToken())).as("still signed with the old key").isEqualTo(oldKid);

        // Prosody as it was after its last refresh: it knows both keys now.
        ProsodyRules prosodyAfterRefresh = ProsodyRules.withKeys(ProsodyRules.Settings.guide(server.realmUrl()), published);

        // Step 2: activate. The new key gets the highest priority and signs new tokens.
        ComponentRepresentation component = admin.realm().components().component(newKeyId).toRepresentation();
        component.getConfig().putSingle("priority", String.valueOf(active + 100));
        admin.realm().components().component(newKeyId).update(component);

        JitsiWebClient.Tokens after = new JitsiWebClient(server).login(user.username(), user.password());
        assertThat(kid(after.accessToken())).as("new tokens carry the new kid").isEqualTo(newKid);
        assertThat(kids(ProsodyRules.fetchJwks(server.oidcUrl() + "/certs"))).as("/certs lists both").contains(oldKid, newKid);

        assertThat(prosodyAfterRefresh.verify(after.accessToken())).containsEntry("aud", ProsodyRules.Settings.JITSI_AUDIENCE);
        assertThat(prosodyAfterRefresh.verify(before.accessToken())).as("tokens signed before still verify")
                .containsEntry("sub", user.id());
        ProsodyRules prosodyNow = ProsodyRules.guide(server);
        assertThat(prosodyNow.verify(before.accessToken())).containsEntry("sub", user.id());
        assertThat(prosodyNow.verify(after.accessToken())).containsEntry("sub", user.id());
    }

    @Test
    void aProsodyThatHasNotSeenTheNewKeyRefusesItsTokens() throws Exception {
        ProsodyRules stale = ProsodyRules.guide(server);
        long active = admin.activeRs256Priority();
        String keyId = admin.addRsaKey("rotation-abrupt", active + 200);
        addedKeys.add(keyId);

        AdminApi.TestUser user = admin.newUser("abrupt");
        String token = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();

        assertThatThrownBy(() -> stale.verify(token)).hasMessageContaining("unknown kid");
    }
}
