package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.BeforeAll;
import jakarta.ws.rs.BadRequestException;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.requestToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void aLiteralSecretIsRefusedAtSaveWithWhatToDoInstead() {
        ProtocolMapperRepresentation mapper = admin.jitsiMapper();
        Map<String, String> config = new HashMap<>(mapper.getConfig());
        config.put("jitsi.token.algorithm", "HS256");
        config.put("jitsi.token.secret", LITERAL);
        mapper.setConfig(config);

        assertThatThrownBy(() -> admin.saveJitsiMapper(mapper)).isInstanceOfSatisfying(BadRequestException.class, e -> {
            String body = e.getResponse().readEntity(String.class);
            assertThat(Json.object(body).get("error_description").toString()).contains("never the secret itself", "vault", "${vault.jitsi_secret}");
            assertThat(body).doesNotContain(LITERAL);
        });
        assertThat(Json.write(admin.jitsiMapper())).as("nothing stored").doesNotContain(LITERAL);
    }

    @Test
    void noAdminReadShowsTheSecretInUse() throws Exception {
        AdminApi.TestUser user = admin.newUser("vaulted");
        String accessToken = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        admin.withJitsiSettings(Map.of("jitsi.token.algorithm", "HS256", "jitsi.token.secret", "${vault.jitsi_secret}"), () -> {
            HttpResponse<String> issued = requestToken(accessToken, Map.of("room", "vaulted"));
            assertThat(issued.statusCode()).as("the vault's secret signs room tokens").isEqualTo(200);

            Map<String, String> reads = new java.util.LinkedHashMap<>();
            reads.put("mapper models", Json.write(admin.clientResource("jitsi").getProtocolMappers().getMappers()));
            reads.put("client (export)", Json.write(admin.client("jitsi")));
            reads.put("partial export", Json.write(admin.realm().partialExport(true, true)));
            reads.put("admin events", Json.write(admin.realm().getAdminEvents(null, null, null, null, null, null, null, null, 0, 2000)));
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
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName("jitsi-meet");
        mapper.setProtocol("openid-connect");
        mapper.setProtocolMapper("oidc-jitsi-meet-mapper");
        mapper.setConfig(Map.of("jitsi.url", "https://meet.example.test", "jitsi.token.algorithm", "HS256",
                "jitsi.token.secret", LITERAL, "access.token.claim", "true"));
        ClientRepresentation jitsi = new ClientRepresentation();
        jitsi.setClientId("jitsi");
        jitsi.setPublicClient(true);
        jitsi.setProtocolMappers(List.of(mapper));
        RealmRepresentation imported = new RealmRepresentation();
        imported.setRealm(realm);
        imported.setEnabled(true);
        imported.setClients(List.of(jitsi));
        admin.createRealm(imported);

        HttpResponse<String> response = new JitsiWebClient(server).get(server.baseUrl() + "/realms/" + realm + "/jitsi");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Json.object(response.body())).containsEntry("error", "not_configured");
        assertThat(response.body()).doesNotContain(LITERAL);
        assertThat(server.log()).as("the admin sees why in the server log").contains("never the secret itself").doesNotContain(LITERAL);
    }
}
