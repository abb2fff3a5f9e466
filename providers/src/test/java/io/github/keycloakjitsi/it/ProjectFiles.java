package io.github.keycloakjitsi.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The project's own files, read as a deployment would read them: pom, Dockerfile, compose file. */
final class ProjectFiles {

    private ProjectFiles() {
    }

    static Path root() {
        return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    }

    static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Keycloak version pom.xml pins. */
    static String keycloakVersion() {
        return group(read("pom.xml"), "<keycloak\\.version>([^<]+)</keycloak\\.version>");
    }

    static String dockerfileArg(String name) {
        return group(read("Dockerfile"), "(?m)^ARG " + name + "=(\\S+)\\s*$");
    }

    /** The arguments of the Dockerfile's {@code kc.sh build} step. */
    static List<String> dockerfileBuildArgs() {
        return List.of(group(read("Dockerfile"), "(?m)^RUN /opt/keycloak/bin/kc\\.sh build(.*)$").trim().split("\\s+"));
    }

    /** The final stage's CMD, as the arguments of kc.sh. */
    static List<String> dockerfileCommand() {
        String json = group(read("Dockerfile"), "(?m)^CMD (\\[.*])\\s*$");
        try {
            return List.of(new ObjectMapper().readValue(json, String[].class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code docker-compose config} of the project with {@code .env.example}: the compose file as Docker would run it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> composeConfig() {
        Process.Result result = Process.run(root(), List.of("docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config"), Map.of());
        if (result.exitCode() != 0) {
            throw new AssertionError("docker-compose config failed: " + result.output());
        }
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(result.output(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Keycloak distribution zip in the local Maven repository, fetched from Maven Central when missing. */
    static Path distributionZip() {
        String version = keycloakVersion();
        Path zip = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "keycloak", "keycloak-quarkus-dist",
                version, "keycloak-quarkus-dist-" + version + ".zip");
        if (!Files.exists(zip)) {
            Process.Result fetched = Process.run(root(), List.of("mvn", "-q", "-B", "dependency:get",
                    "-Dartifact=org.keycloak:keycloak-quarkus-dist:" + version + ":zip", "-Dtransitive=false"), Map.of());
            if (fetched.exitCode() != 0) {
                throw new AssertionError("could not fetch Keycloak " + version + ": " + fetched.output());
            }
        }
        return zip;
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("not found: " + regex);
        }
        return m.group(1);
    }

    /** Runs a command to its end. */
    static final class Process {
        record Result(int exitCode, String output) {
        }

        static Result run(Path dir, List<String> command, Map<String, String> env) {
            try {
                ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true);
                builder.environment().putAll(env);
                java.lang.Process process = builder.start();
                String output = new String(process.getInputStream().readAllBytes());
                return new Result(process.waitFor(), output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
