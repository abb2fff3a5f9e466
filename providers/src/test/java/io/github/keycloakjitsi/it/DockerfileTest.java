package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfile read as text: what the image is built from must match the rest of the project. */
class DockerfileTest {

    @Test
    void itsKeycloakVersionIsTheOneThePomPins() {
        assertThat(ProjectFiles.dockerfileArg("KC_VERSION")).isEqualTo(ProjectFiles.keycloakVersion());
    }

    @Test
    void itBuildsWithTheBundleAndHealthAndStartsOptimizedWithTheRealm() {
        String dockerfile = ProjectFiles.read("Dockerfile");
        assertThat(ProjectFiles.dockerfileBuildArgs()).contains("--health-enabled=true");
        assertThat(dockerfile).contains("COPY --from=bundle /src/providers/target/keycloak-jitsi.jar /opt/keycloak/providers/")
                .contains("COPY themes/ /opt/keycloak/themes/")
                .contains("realm-export/jitsi-realm-realm.json /opt/keycloak/data/import/jitsi-realm-realm.json")
                .containsPattern("(?m)^USER keycloak$");
        assertThat(ProjectFiles.dockerfileCommand()).containsExactly("start", "--optimized", "--import-realm");
        assertThat(ProjectFiles.dockerfileBuildArgs()).as("Keycloak's file vault, for an HS256 secret").contains("--vault=file");
    }

    @Test
    void nothingInTheImageOrComposeFileTurnsOffTlsChecks() {
        for (String file : new String[]{"Dockerfile", "docker-compose.yml", ".env.example", "start-keycloak.sh"}) {
            String text = ProjectFiles.read(file).toLowerCase(java.util.Locale.ROOT);
            assertThat(text).as(file).doesNotContain("ssl-required", "ssl_required", "sslrequired", "hostname-verification-policy",
                    "hostname_verification_policy", "tls-hostname-verifier", "truststore-paths", "trustall", "trust-all",
                    "insecure", "--no-check-certificate", "curl -k", "disable-trust-manager", "checkrevocation=false",
                    "node_tls_reject_unauthorized", "hostname-strict-https");
        }
    }
}
