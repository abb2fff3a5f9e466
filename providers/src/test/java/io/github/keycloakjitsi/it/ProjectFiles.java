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
    static Map<String, Object> composeConfig() {
        return composeConfig(Map.of());
    }

    /** The same with some of .env's variables set otherwise (as in the shell that runs docker compose). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> composeConfig(Map<String, String> variables) {
        Process.Result result = Process.run(root(), List.of("docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config"), variables);
        if (result.exitCode() != 0) {
            throw new AssertionError("docker-compose config failed: " + result.output());
        }
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(result.output(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keycloak service as Compose runs it: its build arguments and its environment. */
    record ComposeService(Map<String, String> buildArgs, Map<String, String> environment) {
    }

    @SuppressWarnings("unchecked")
    static ComposeService keycloakService(Map<String, String> variables) {
        Map<String, Object> service = (Map<String, Object>) ((Map<String, Object>) composeConfig(variables).get("services")).get("keycloak");
        return new ComposeService(strings((Map<String, Object>) ((Map<String, Object>) service.get("build")).get("args")),
                strings((Map<String, Object>) service.get("environment")));
    }

    private static Map<String, String> strings(Map<String, Object> values) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
        return out;
    }

    /**
     * A fresh Keycloak with the bundle in {@code providers/target/<name>}, installed the way users
     * install it: {@code start-keycloak.sh --install-only} (the Maven Central distribution, the
     * provider jar, themes/ and the realm export).
     */
    static Path install(String name, String version) {
        Path home = root().resolve("providers/target/" + name);
        KeycloakServer.deleteRecursively(home);
        Process.Result installed = Process.run(root(), List.of("bash", "start-keycloak.sh", "--install-only"),
                Map.of("SKIP_BUILD", "1", "KC_HOME", home.toString(), "KEYCLOAK_VERSION", version,
                        "KC_VAULT_DIR", home.resolveSibling(name + "-vault").toString()));
        if (installed.exitCode() != 0) {
            throw new AssertionError("start-keycloak.sh --install-only failed: " + installed.output());
        }
        return home;
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
