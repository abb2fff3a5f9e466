package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.github.keycloakjitsi.it.JitsiWebClient.ORIGIN;
import static io.github.keycloakjitsi.it.JitsiWebClient.POST_LOGOUT_URI;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login of Jitsi's guide against the shipped realm export, step by step as Jitsi's web client
 * runs it, and the access token checked with the guide's Prosody settings:
 * asap_accepted_issuers = the realm, asap_accepted_audiences = { "jitsi-meet" } (the Jitsi audience, as discovery gives it), asap_require_room_claim = false,
 * cache_keys_url = the realm's /certs.
 */
class JitsiLoginFlowIT {

    private static KeycloakServer server;
    private static AdminApi admin;
    private static ProsodyRules prosody;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        prosody = ProsodyRules.guide(server);
    }

    @Test
    void theGuidesFlowGivesProsodyAModeratorToken() throws Exception {
        AdminApi.TestUser user = admin.newUser("host", u -> u.setAttributes(Map.of("picture", List.of("https://img.example.test/ada.png"))));
        admin.grantRealmRole(user.id(), "jitsi-moderator");
        JitsiWebClient jitsi = new JitsiWebClient(server);

        JitsiWebClient.Tokens tokens = jitsi.login(user.username(), user.password());

        assertThat(tokens.allowedOrigin()).as("CORS answer to the Jitsi page").isEqualTo(ORIGIN);
        Map<String, Object> claims = prosody.verify(tokens.accessToken());
        assertThat(claims.get("aud")).as("one string, as Prosody requires").isEqualTo(ProsodyRules.Settings.JITSI_AUDIENCE);
        assertThat(claims.get("sub")).isEqualTo(user.id());
        assertThat(claims).doesNotContainKey("room");
        assertThat(contextUser(claims)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "id", user.id(),
                "name", "Ada Lovelace",
                "avatar", "https://img.example.test/ada.png",
                "moderator", true,
                "affiliation", "owner"));
        assertThat(contextUser(claims)).as("every participant sees context.user: no email unless the admin shares it")
                .doesNotContainKey("email");
        assertThat(ProsodyRules.isOwner(claims)).isTrue();
        assertThat(context(claims)).as("features are off in the shipped realm").doesNotContainKey("features");
        assertThat(prosody.allowsRoom(claims, "weeklymeeting", KeycloakServer.JITSI_HOST, null))
                .as("no room claim: any room with asap_require_room_claim = false").isTrue();

        JitsiWebClient.Tokens refreshed = jitsi.refresh(tokens.refreshToken());
        assertThat(refreshed.allowedOrigin()).isEqualTo(ORIGIN);
        Map<String, Object> again = prosody.verify(refreshed.accessToken());
        assertThat(again.get("context")).as("the refresh grant keeps the claims").isEqualTo(claims.get("context"));
        assertThat(again.get("aud")).isEqualTo(ProsodyRules.Settings.JITSI_AUDIENCE);

        HttpResponse<String> userInfo = jitsi.userInfo(refreshed.accessToken());
        assertThat(userInfo.statusCode()).isEqualTo(200);
        assertThat(Json.object(userInfo.body())).containsEntry("sub", user.id()).containsKey("context");

        Map<String, Object> idToken = ProsodyRules.payload(tokens.idToken());
        assertThat(idToken.get("aud")).as("the ID token stays for the client").isEqualTo("jitsi");

        HttpResponse<String> logout = jitsi.logout(refreshed.idToken());
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location")).hasValue(POST_LOGOUT_URI);
        HttpResponse<String> afterLogout = jitsi.refreshRaw(refreshed.refreshToken());
        assertThat(afterLogout.statusCode()).as("session ended: " + afterLogout.body()).isEqualTo(400);
        assertThat(afterLogout.body()).contains("invalid_grant");
    }

    @Test
    void everyHostIsAModeratorInTheShippedRealm() throws Exception {
        AdminApi.TestUser user = admin.newUser("host");
        Map<String, Object> claims = prosody.verify(new JitsiWebClient(server).login(user.username(), user.password()).accessToken());
        assertThat(contextUser(claims)).as("jitsi-host, a default role, includes jitsi-moderator")
                .containsEntry("moderator", true).containsEntry("affiliation", "owner");
    }

    @Test
    void aHostWithoutTheModeratorRoleIsAPlainMember() throws Exception {
        admin.withHostsThatAreNotModerators(() -> {
            AdminApi.TestUser user = admin.newUser("member");
            Map<String, Object> claims = prosody.verify(new JitsiWebClient(server).login(user.username(), user.password()).accessToken());
            assertThat(contextUser(claims)).containsEntry("moderator", false).containsEntry("affiliation", "member")
                    .doesNotContainKey("avatar");
            assertThat(ProsodyRules.isOwner(claims)).isFalse();
        });
    }

    @Test
    void anotherOriginGetsNoCorsAllowance() {
        AdminApi.TestUser user = admin.newUser("cors");
        JitsiWebClient jitsi = new JitsiWebClient(server);
        JitsiWebClient.Tokens tokens = jitsi.login(user.username(), user.password());
        HttpResponse<String> foreign = Http.send(java.net.http.HttpClient.newHttpClient(),
                Http.postForm(server.oidcUrl() + "/token", Map.of("grant_type", "refresh_token",
                        "refresh_token", tokens.refreshToken(), "client_id", "jitsi")).header("Origin", "https://evil.example").build());
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theClientIsThePublicPkceClientOfTheGuide() {
        ClientRepresentation client = admin.client("jitsi");
        String host = "https://" + KeycloakServer.JITSI_HOST;
        assertThat(client.isPublicClient()).isTrue();
        assertThat(client.isStandardFlowEnabled()).isTrue();
        assertThat(client.isImplicitFlowEnabled()).isFalse();
        assertThat(client.isDirectAccessGrantsEnabled()).isFalse();
        assertThat(client.isFullScopeAllowed()).isFalse();
        assertThat(client.getRedirectUris()).containsExactly(host + "/static/sso.html");
        assertThat(client.getWebOrigins()).containsExactly(host);
        assertThat(client.getAttributes()).containsEntry("pkce.code.challenge.method", "S256")
                .containsEntry("post.logout.redirect.uris", host + "/static/logout.html");
    }

    @Test
    void anAuthorizationWithoutPkceIsRefused() {
        JitsiWebClient jitsi = new JitsiWebClient(server);
        HttpResponse<String> response = jitsi.get(server.oidcUrl() + "/auth?client_id=jitsi&response_type=code&scope=openid"
                + "&redirect_uri=" + JitsiWebClient.REDIRECT_URI + "&state=x");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location").orElseThrow()).contains("error=invalid_request")
                .contains("code_challenge");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> context(Map<String, Object> claims) {
        return (Map<String, Object>) claims.get("context");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> contextUser(Map<String, Object> claims) {
        return (Map<String, Object>) context(claims).get("user");
    }
}
