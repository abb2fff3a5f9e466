package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.service.JitsiUrls;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigSnippetsTest {

    private static final JitsiUrls URLS = new JitsiUrls("https://sso.example.com/auth/realms/jitsi-realm",
            "https://sso.example.com/auth/realms/jitsi-realm", JitsiUrls.Source.FRONTEND_URL);

    private static JitsiSettings settings(String... keysAndValues) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(RoomTokenSettings.JITSI_URL.key(), "https://meet.example.com");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return JitsiSettings.parse(config);
    }

    @Test
    void prosodyAcceptsTheJitsiAudienceAndTheTwoIssuersOnly() throws Exception {
        JitsiSettings settings = settings(RoomTokenSettings.ISSUER.key(), "jitsi-rooms");
        Map<String, String> snippets = ConfigSnippets.of(settings, "jitsi-rooms", URLS);
        assertThat(snippets).containsOnlyKeys("prosody", "config_js", "docker_jitsi_meet", "jicofo");
        assertThat(snippets.get("prosody"))
                .contains("asap_accepted_issuers = { \"https://sso.example.com/auth/realms/jitsi-realm\", \"jitsi-rooms\" }\n")
                .contains("asap_accepted_audiences = { \"jitsi-meet\" }\n")
                .contains("muc_mapper_domain_base = \"meet.example.com\"\n")
                .contains("allow_empty_token = false\n")
                .contains("cache_keys_url = \"https://sso.example.com/auth/realms/jitsi-realm/protocol/openid-connect/certs\"")
                .contains("asap_key_server = \"https://sso.example.com/auth/realms/jitsi-realm/jitsi/keys\"")
                .doesNotContain("app_secret");
        assertThat(snippets.get("prosody")).as("sign-outs: logout tokens of the realm only, never of the room tokens' own issuer")
                .contains("\"keycloak_logout\"; }\n")
                .contains("keycloak_logout_issuers = { \"https://sso.example.com/auth/realms/jitsi-realm\" }\n")
                .contains("keycloak_logout_certs_url = \"https://sso.example.com/auth/realms/jitsi-realm/protocol/openid-connect/certs\"\n");
        assertThat(snippets.get("docker_jitsi_meet")).contains("JWT_ACCEPTED_AUDIENCES=jitsi-meet\n")
                .contains("JWT_ACCEPTED_ISSUERS=jitsi-rooms\n")
                .contains("TOKEN_AUTH_URL=https://sso.example.com/auth/realms/jitsi-realm/jitsi/join?room={room}&state={state}\n")
                .contains("JWT_ASAP_KEYSERVER=https://sso.example.com/auth/realms/jitsi-realm/jitsi/keys\n");
    }

    @Test
    void logoutTokensAreTakenForEveryJitsiClientAndJitsiJoin() throws Exception {
        assertThat(ConfigSnippets.of(settings(), URLS.realmIssuer(), URLS).get("prosody"))
                .contains("    keycloak_logout_audiences = { \"jitsi\", \"jitsi-join\" }\n");
        assertThat(ConfigSnippets.of(settings(RoomTokenSettings.CLIENTS.key(), "jitsi##app2"), URLS.realmIssuer(), URLS).get("prosody"))
                .contains("    keycloak_logout_audiences = { \"jitsi\", \"app2\", \"jitsi-join\" }\n");
        assertThat(ConfigSnippets.of(settings(RoomTokenSettings.CLIENTS.key(), "app2##jitsi-join"), URLS.realmIssuer(), URLS).get("prosody"))
                .as("each once, and client jitsi, which the bundle's own logout tokens name, also when it is not a Jitsi client")
                .contains("    keycloak_logout_audiences = { \"jitsi\", \"app2\", \"jitsi-join\" }\n");
        assertThat(ConfigSnippets.of(settings(RoomTokenSettings.CLIENTS.key(), "app2##jitsi"), URLS.realmIssuer(), URLS).get("prosody"))
                .contains("    keycloak_logout_audiences = { \"jitsi\", \"app2\", \"jitsi-join\" }\n");
        assertThat(ConfigSnippets.of(settings(RoomTokenSettings.CLIENTS.key(), "jitsi##a\"b\\c"), URLS.realmIssuer(), URLS).get("prosody"))
                .as("a client id is a Lua string, whatever it holds")
                .contains("    keycloak_logout_audiences = { \"jitsi\", \"a\\\"b\\\\c\", \"jitsi-join\" }\n");
    }

    @Test
    void theRealmIssuerIsNamedOnceWhenRoomTokensUseIt() {
        assertThat(ConfigSnippets.acceptedIssuers(URLS, URLS.realmIssuer())).containsExactly(URLS.realmIssuer());
        assertThat(ConfigSnippets.acceptedIssuers(URLS, "other")).containsExactly(URLS.realmIssuer(), "other");
    }

    @Test
    void hs256NamesTheSecretsPlaceNeverTheSecret() throws Exception {
        JitsiSettings settings = settings(RoomTokenSettings.ALGORITHM.key(), "HS256",
                RoomTokenSettings.SECRET.key(), "${vault.jitsi_secret}");
        Map<String, String> snippets = ConfigSnippets.of(settings, URLS.realmIssuer(), URLS);
        assertThat(snippets.get("prosody")).contains("app_secret = \"<the secret in Keycloak's vault>\"")
                .as("logout tokens are always RS256 with the realm's keys")
                .contains("keycloak_logout_certs_url = \"https://sso.example.com/auth/realms/jitsi-realm/protocol/openid-connect/certs\"\n")
                .doesNotContain("asap_key_server").doesNotContain("vault.jitsi_secret");
        assertThat(snippets.get("docker_jitsi_meet")).contains("JWT_APP_SECRET=<the secret in Keycloak's vault>\n")
                .doesNotContain("JWT_ASAP_KEYSERVER");
    }

    /**
     * One tokenAuthUrl for every Jitsi client: the web client fills {state} and {code_challenge},
     * the apps only {state} (and {room}), so the entry must need nothing else.
     */
    @Test
    void everyJitsiClientSignsInThroughTheRealmsSignInEntry() throws Exception {
        String configJs = ConfigSnippets.of(settings(), URLS.realmIssuer(), URLS).get("config_js");
        assertThat(configJs)
                .contains("config.tokenAuthUrl = 'https://sso.example.com/auth/realms/jitsi-realm/jitsi/signin?state={state}"
                        + "&code_challenge={code_challenge}';")
                .contains("config.tokenAuthInline = true;")
                .contains("tokenService: 'sso.example.com/auth/realms/jitsi-realm/protocol/openid-connect'")
                .contains("ssoService: 'meet.example.com'")
                .contains("config.hosts.anonymousdomain = 'guest.meet.example.com';");
    }
}
