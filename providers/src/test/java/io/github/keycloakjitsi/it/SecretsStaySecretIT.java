package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.requestToken;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HS256 shared secret is never readable back: Keycloak shows a mapper's settings to every admin
 * who may view clients (mapper models, client export, partial export, admin events), so the secret
 * lives in Keycloak's vault and the mapper holds only a reference; a literal secret is refused at
 * save, and one that got in through an import is never used.
 */
class SecretsStaySecretIT {

    private static final String LITERAL = "literal-shared-secret-0123456789-abcdefghij";
    private static KeycloakServer server;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLiteralSecretIsRefusedAtSaveWithWhatToDoInstead() {
        String clientId = admin.client("jitsi").get("id").toString();
        Map<String, Object> mapper = new HashMap<>(admin.jitsiMapper());
        Map<String, String> config = new HashMap<>((Map<String, String>) mapper.get("config"));
        config.put("jitsi.token.algorithm", "HS256");
        config.put("jitsi.token.secret", LITERAL);
        mapper.put("config", config);

        HttpResponse<String> response = admin.call("PUT", "/clients/" + clientId + "/protocol-mappers/models/" + mapper.get("id"), mapper);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.object(response.body()).get("error_description").toString())
                .contains("never the secret itself", "vault", "${vault.jitsi_secret}");
        assertThat(response.body()).doesNotContain(LITERAL);
        assertThat(admin.jitsiMapper().toString()).as("nothing stored").doesNotContain(LITERAL);
    }

    @Test
    void noAdminReadShowsTheSecretInUse() throws Exception {
        AdminApi.TestUser user = admin.newUser("vaulted");
        String accessToken = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        String clientId = admin.client("jitsi").get("id").toString();
        admin.withJitsiSettings(Map.of("jitsi.token.algorithm", "HS256", "jitsi.token.secret", "${vault.jitsi_secret}"), () -> {
            HttpResponse<String> issued = requestToken(accessToken, Map.of("room", "vaulted"));
            assertThat(issued.statusCode()).as("the vault's secret signs room tokens").isEqualTo(200);

            Map<String, String> reads = new java.util.LinkedHashMap<>();
            reads.put("mapper models", admin.call("GET", "/clients/" + clientId + "/protocol-mappers/models", null).body());
            reads.put("client (export)", admin.call("GET", "/clients/" + clientId, null).body());
            reads.put("partial export", admin.call("POST", "/partial-export?exportClients=true&exportGroupsAndRoles=true", null).body());
            reads.put("admin events", admin.call("GET", "/admin-events?max=2000", null).body());
            reads.put("discovery", new JitsiWebClient(server).get(server.realmUrl() + "/jitsi").body());
            assertThat(reads.get("mapper models")).as("the reference is what is stored").contains("${vault.jitsi_secret}");
            assertThat(reads.get("admin events")).as("admin events with representations are on").contains("oidc-jitsi-meet-mapper");
            reads.forEach((read, body) -> assertThat(body).as(read).doesNotContain(KeycloakServer.VAULT_SECRET));
        });
    }

    @Test
    void aLiteralSecretImportedWithARealmIsNeverUsed() {
        // Keycloak checks mapper settings on the mapper screens, not in imports: this is how a literal gets in.
        String realm = "imported-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createRealm(Map.of("realm", realm, "enabled", true, "clients", List.of(Map.of(
                "clientId", "jitsi", "publicClient", true, "directAccessGrantsEnabled", true,
                "protocolMappers", List.of(Map.of("name", "jitsi-meet", "protocol", "openid-connect",
                        "protocolMapper", "oidc-jitsi-meet-mapper", "config", Map.of(
                                "jitsi.url", "https://meet.example.test", "jitsi.token.algorithm", "HS256",
                                "jitsi.token.secret", LITERAL, "access.token.claim", "true")))))));

        HttpResponse<String> response = new JitsiWebClient(server).get(server.baseUrl() + "/realms/" + realm + "/jitsi");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Json.object(response.body())).containsEntry("error", "not_configured");
        assertThat(response.body()).doesNotContain(LITERAL);
        assertThat(server.log()).as("the admin sees why in the server log").contains("never the secret itself").doesNotContain(LITERAL);
    }
}
