package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml as Docker Compose reads it ({@code docker-compose config} works without an
 * engine): the guide's service with current option names, data outside the image's import folder.
 */
class ComposeFileIT {

    @Test
    @SuppressWarnings("unchecked")
    void theComposeFileIsValidAndFollowsTheGuide() {
        Map<String, Object> services = (Map<String, Object>) ProjectFiles.composeConfig().get("services");
        Map<String, Object> keycloak = (Map<String, Object>) services.get("keycloak");

        Map<String, Object> args = (Map<String, Object>) ((Map<String, Object>) keycloak.get("build")).get("args");
        assertThat(args).containsEntry("KC_VERSION", ProjectFiles.keycloakVersion()).containsEntry("KC_DB", "dev-file");

        Map<String, Object> env = (Map<String, Object>) keycloak.get("environment");
        assertThat(env).containsEntry("KC_PROXY_HEADERS", "xforwarded").containsEntry("KC_HTTP_ENABLED", "true")
                .containsEntry("KC_BOOTSTRAP_ADMIN_USERNAME", "admin").containsEntry("KC_BOOTSTRAP_ADMIN_PASSWORD", "change-me")
                .containsEntry("JITSI_HOST", "jitsi.example.com").containsEntry("JITSI_FRONTEND_URL", "https://jitsi.example.com")
                .doesNotContainKeys("KC_PROXY", "KEYCLOAK_ADMIN", "KEYCLOAK_ADMIN_PASSWORD");

        assertThat(keycloak.get("restart")).isEqualTo("unless-stopped");
        assertThat((List<Object>) keycloak.get("ports")).as("published on this host's loopback only, for the guide's nginx")
                .singleElement().asString().isEqualTo("127.0.0.1:18080:8080/tcp");
        assertThat((List<String>) keycloak.get("volumes")).hasSize(2)
                .anySatisfy(v -> assertThat(v).endsWith("/keycloak-data:/opt/keycloak/data/h2:rw"))
                .anySatisfy(v -> assertThat(v).endsWith("/vault:/opt/keycloak/vault:ro"));
        assertThat(env).containsEntry("KC_VAULT_DIR", "/opt/keycloak/vault");

        // X-Forwarded headers are trusted from the proxy only: the gateway of the compose network.
        assertThat(env).containsEntry("KC_PROXY_TRUSTED_ADDRESSES", "172.30.80.1");
        Map<String, Object> network = (Map<String, Object>) ((Map<String, Object>) ProjectFiles.composeConfig().get("networks")).get("keycloak");
        assertThat(network.toString()).contains("subnet=172.30.80.0/24").contains("gateway=172.30.80.1");
        assertThat((Map<String, Object>) keycloak.get("networks")).containsKey("keycloak");
        assertThat(((Map<String, Object>) keycloak.get("healthcheck")).get("test").toString()).contains("/health/ready");

        Map<String, Object> postgres = (Map<String, Object>) services.get("postgres");
        assertThat((List<String>) postgres.get("profiles")).containsExactly("postgres");
    }

    @Test
    void withoutTheAdminPasswordComposeStopsWithAClearMessage() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createTempFile("empty", ".env");
        ProjectFiles.Process.Result result = ProjectFiles.Process.run(ProjectFiles.root(),
                List.of("docker-compose", "--env-file", empty.toString(), "-f", "docker-compose.yml", "config"), Map.of());
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("set KEYCLOAK_ADMIN_PASSWORD in .env");
    }
}
