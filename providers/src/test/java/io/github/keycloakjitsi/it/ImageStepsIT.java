package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's steps without a Docker engine: the Maven Central distribution gets what the
 * Dockerfile copies (provider jar, themes/, realm export; installed by {@code start-keycloak.sh
 * --install-only}, as users install it), runs the Dockerfile's {@code kc.sh build},
 * then starts with the Dockerfile's command and the environment of docker-compose.yml (as
 * {@code docker-compose config} resolves it with .env.example), behind a stand-in for Jitsi's
 * nginx (X-Forwarded headers). Then the realm and a login are checked.
 */
class ImageStepsIT {

    @Test
    void theImagesStepsGiveAWorkingRealm() throws Exception {
        Path root = ProjectFiles.root();
        Path home = ProjectFiles.install("image-keycloak", ProjectFiles.keycloakVersion());
        assertThat(home.resolve("providers/keycloak-jitsi.jar")).exists();
        assertThat(home.resolve("themes/jitsi/login/theme.properties")).exists();
        assertThat(home.resolve("data/import/jitsi-realm-realm.json")).exists();

        ProjectFiles.ComposeService compose = ProjectFiles.keycloakService(Map.of());
        Map<String, String> buildArgs = compose.buildArgs();
        Map<String, String> composeEnv = compose.environment();
        assertThat(buildArgs.get("KC_VERSION")).isEqualTo(ProjectFiles.keycloakVersion());

        List<String> build = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "build"));
        build.addAll(ProjectFiles.dockerfileBuildArgs());
        ProjectFiles.Process.Result built = ProjectFiles.Process.run(home, build, Map.of("KC_DB", buildArgs.get("KC_DB")));
        assertThat(built.exitCode()).as(built.output()).isZero();

        List<String> start = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString()));
        start.addAll(ProjectFiles.dockerfileCommand());
        assertThat(composeEnv.get("KC_VAULT_DIR")).isEqualTo("/opt/keycloak/vault");
        Path vault = Files.createDirectories(root.resolve("providers/target/image-keycloak-vault"));
        KeycloakServer server = KeycloakServer.launch(2, ports -> {
            ProcessBuilder process = new ProcessBuilder(start).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(root.resolve("providers/target/image-keycloak.log").toFile());
            process.environment().putAll(composeEnv);
            // Only the ports and the vault's folder differ from the container: free loopback ports instead
            // of 8080/9000, and a folder here for the ./vault volume.
            process.environment().put("KC_HTTP_HOST", "127.0.0.1");
            process.environment().put("KC_HTTP_PORT", String.valueOf(ports[0]));
            process.environment().put("KC_HTTP_MANAGEMENT_PORT", String.valueOf(ports[1]));
            process.environment().put("KC_VAULT_DIR", vault.toString());
            return process;
        }, composeEnv.get("JITSI_HOST"), composeEnv.get("JITSI_FRONTEND_URL"));
        try {
            JitsiWebClient browser = new JitsiWebClient(server);
            Map<String, Object> discovery = Json.object(browser.get(server.realmUrl() + "/.well-known/openid-configuration").body());
            assertThat(discovery.get("issuer")).isEqualTo("https://jitsi.example.com/realms/jitsi-realm");

            // X-Forwarded headers count only from KC_PROXY_TRUSTED_ADDRESSES (the compose network's
            // gateway): this test's requests come from 127.0.0.1, so forged ones change nothing.
            java.net.http.HttpResponse<String> forged = Http.send(java.net.http.HttpClient.newHttpClient(),
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/realms/master/.well-known/openid-configuration"))
                            .header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Proto", "https").build());
            assertThat(Json.object(forged.body()).get("issuer")).isEqualTo(server.baseUrl() + "/realms/master");

            AdminApi admin = new AdminApi(server);
            AdminApi.TestUser user = admin.newUser("image");
            admin.grantRealmRole(user.id(), "jitsi-moderator");
            JitsiWebClient.Tokens tokens = browser.login(user.username(), user.password());
            ProsodyRules prosody = ProsodyRules.guide(server);
            Map<String, Object> claims = prosody.verify(tokens.accessToken());
            assertThat(ProsodyRules.isOwner(claims)).isTrue();

            JitsiWebClient newcomer = new JitsiWebClient(server);
            String loginPage = newcomer.get(newcomer.authorizeUrl("s", JitsiWebClient.s256("v".repeat(43)), "n")).body();
            assertThat(loginPage).as("the jitsi theme is built in").contains("/login/jitsi/css/jitsi.css");
        } finally {
            server.stop();
        }
    }
}
