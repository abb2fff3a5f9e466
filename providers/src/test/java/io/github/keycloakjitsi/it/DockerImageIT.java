package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real image, built from the Dockerfile and started as docker-compose.yml starts it. Needs a
 * Docker engine: where none runs (as on this project's build machines) JUnit reports it skipped,
 * with Testcontainers' reason; {@link ImageStepsIT} runs the same steps on the plain distribution.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerImageIT {

    @Test
    void theImageStartsWithTheRealm() throws Exception {
        var root = ProjectFiles.root();
        ImageFromDockerfile image = new ImageFromDockerfile("keycloak-jitsi-it", true)
                .withFileFromPath("Dockerfile", root.resolve("Dockerfile"))
                .withFileFromPath("pom.xml", root.resolve("pom.xml"))
                .withFileFromPath("providers/pom.xml", root.resolve("providers/pom.xml"))
                .withFileFromPath("providers/src/main", root.resolve("providers/src/main"))
                .withFileFromPath("themes", root.resolve("themes"))
                .withFileFromPath("realm-export", root.resolve("realm-export"))
                .withBuildArg("KC_VERSION", ProjectFiles.keycloakVersion());
        Map<String, String> env = ProjectFiles.keycloakService(Map.of()).environment();

        try (GenericContainer<?> container = new GenericContainer<>(image)
                .withEnv(env)
                .withExposedPorts(8080, 9000)
                .waitingFor(Wait.forHttp("/health/ready").forPort(9000).withStartupTimeout(Duration.ofMinutes(5)))) {
            container.start();
            String base = "http://" + container.getHost() + ":" + container.getMappedPort(8080);
            HttpResponse<String> discovery = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/realms/jitsi-realm/.well-known/openid-configuration")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(discovery.statusCode()).isEqualTo(200);
            assertThat(Json.object(discovery.body()).get("issuer")).isEqualTo("https://" + env.get("JITSI_HOST") + "/realms/jitsi-realm");
        }
    }
}
