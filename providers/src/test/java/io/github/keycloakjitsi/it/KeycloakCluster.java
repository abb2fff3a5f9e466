package io.github.keycloakjitsi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keycloak as operators run it, for the production tests: production mode ({@code kc.sh build}
 * with the Dockerfile's arguments and {@code --db=postgres}, as the compose file's postgres profile
 * builds the image, then {@code start --optimized --import-realm}), on {@link PostgresServer},
 * two nodes clustered the way Keycloak 26 does by default (Infinispan, jdbc-ping discovery
 * through the shared database), each on its own loopback ports. Each node gets the compose file's
 * environment (JITSI_HOST, JITSI_FRONTEND_URL, proxy headers from the trusted proxy only...) with
 * only ports, database address and folders changed. The tests reach the nodes as Jitsi's nginx
 * would: {@link JitsiWebClient} sends requests for https://jitsi.example.com to a node with
 * X-Forwarded headers, from 127.0.0.1, the trusted proxy address here.
 *
 * <p>One cluster per test JVM, shared by every test that needs it, stopped when the JVM exits.
 */
final class KeycloakCluster {

    static final String DATABASE = "keycloak";

    private static KeycloakCluster shared;

    private final PostgresServer postgres;
    private final Path home;
    private final List<ProcessBuilder> starts = new ArrayList<>();
    private final List<KeycloakServer> nodes = new ArrayList<>();
    private final List<int[]> ports = new ArrayList<>();

    private KeycloakCluster(PostgresServer postgres, Path home) {
        this.postgres = postgres;
        this.home = home;
    }

    static synchronized KeycloakCluster shared() {
        if (shared == null) {
            PostgresServer postgres = PostgresServer.shared();
            postgres.createDatabase(DATABASE);
            shared = new KeycloakCluster(postgres, build("cluster-keycloak", KeycloakServer.version()));
            shared.addNode("node-a");
            shared.addNode("node-b");
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    /**
     * A Keycloak installed by {@code start-keycloak.sh --install-only} and built for PostgreSQL
     * with the Dockerfile's {@code kc.sh build} arguments. FD_SOCK, Infinispan's failure detector,
     * would listen on every interface (bind port + 50000): switched off so the nodes stay on loopback.
     */
    static Path build(String name, String version) {
        Path home = ProjectFiles.install(name, version);
        List<String> build = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "build"));
        build.addAll(ProjectFiles.dockerfileBuildArgs());
        build.add("--spi-cache-embedded--default--fd-sock-enabled=false");
        ProjectFiles.ComposeService compose = ProjectFiles.keycloakService(Map.of("KC_DB", "postgres"));
        ProjectFiles.Process.Result built = ProjectFiles.Process.run(home, build, Map.of("KC_DB", compose.buildArgs().get("KC_DB")));
        if (built.exitCode() != 0) {
            throw new AssertionError("kc.sh build failed: " + built.output());
        }
        return home;
    }

    /**
     * How a node of {@code home} starts: the Dockerfile's command with the compose file's
     * environment for KC_DB=postgres, pointed at this machine's PostgreSQL and ports.
     */
    static ProcessBuilder node(Path home, String name, PostgresServer postgres, String database, int[] ports) {
        ProjectFiles.ComposeService compose = ProjectFiles.keycloakService(Map.of("KC_DB", "postgres"));
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString()));
        command.addAll(ProjectFiles.dockerfileCommand());
        Path log = home.resolveSibling(home.getFileName() + "-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.putAll(compose.environment());
        env.put("KC_DB_URL_HOST", "127.0.0.1");
        env.put("KC_DB_URL_PORT", String.valueOf(postgres.port()));
        env.put("KC_DB_URL_DATABASE", database);
        env.put("KC_DB_USERNAME", PostgresServer.USER);
        env.put("KC_DB_PASSWORD", PostgresServer.PASSWORD);
        env.put("KC_HTTP_HOST", "127.0.0.1");
        env.put("KC_HTTP_PORT", String.valueOf(ports[0]));
        env.put("KC_HTTP_MANAGEMENT_PORT", String.valueOf(ports[1]));
        env.put("KC_HTTPS_PORT", String.valueOf(ports[2]));
        env.put("KC_CACHE_EMBEDDED_NETWORK_BIND_ADDRESS", "127.0.0.1");
        env.put("KC_CACHE_EMBEDDED_NETWORK_BIND_PORT", String.valueOf(ports[3]));
        env.put("KC_SPI_CACHE_EMBEDDED__DEFAULT__NODE_NAME", name);
        // Ended invitations are deleted every 2 s here (an hour by default), so a test can watch it happen.
        env.put("KC_SPI_JPA_ENTITY_PROVIDER__JITSI_INVITES__CLEANUP_INTERVAL", "2");
        // The stand-in for Jitsi's nginx connects from here (compose: the network's gateway).
        env.put("KC_PROXY_TRUSTED_ADDRESSES", "127.0.0.1");
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", KeycloakServer.ADMIN_PASSWORD);
        env.put("KC_VAULT_DIR", vault(home).toString());
        // A bounded heap, so two nodes fit beside the tests and heap figures mean something.
        env.put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
        return builder;
    }

    private void addNode(String name) {
        int[] p = KeycloakServer.freePorts(4);
        ProcessBuilder start = node(home, name, postgres, DATABASE, p);
        starts.add(start);
        ports.add(p);
        nodes.add(launch(start, p));
    }

    private static KeycloakServer launch(ProcessBuilder start, int[] ports) {
        Map<String, String> env = start.environment();
        return KeycloakServer.launch(start, ports[0], ports[1], logOf(start), env.get("JITSI_HOST"), env.get("JITSI_FRONTEND_URL"));
    }

    private static Path logOf(ProcessBuilder start) {
        return start.redirectOutput().file().toPath();
    }

    private static Path vault(Path home) {
        try {
            Path dir = Files.createDirectories(home.resolveSibling(home.getFileName() + "-vault"));
            Files.writeString(dir.resolve(KeycloakServer.REALM + "_jitsi__secret"), KeycloakServer.VAULT_SECRET);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    KeycloakServer nodeA() {
        return nodes.get(0);
    }

    KeycloakServer nodeB() {
        return nodes.get(1);
    }

    PostgresServer postgres() {
        return postgres;
    }

    /** Stops a node as an operator does (SIGTERM: Keycloak leaves the cluster and shuts down). */
    void stop(KeycloakServer node) {
        node.stop();
    }

    /** Starts a stopped node again, same ports, same name: it rejoins the cluster. */
    KeycloakServer restart(KeycloakServer node) {
        int i = nodes.indexOf(node);
        if (node.isAlive()) {
            node.stop();
        }
        KeycloakServer again = launch(starts.get(i), ports.get(i));
        nodes.set(i, again);
        return again;
    }

    void stop() {
        nodes.forEach(KeycloakServer::stop);
    }

    /** The members in the latest view Infinispan logged, e.g. "ISPN000094: Received new cluster view for channel ISPN: [node-a|1] (2) [...]". */
    static int clusterViewSize(KeycloakServer node) {
        java.util.regex.Matcher views = java.util.regex.Pattern.compile("ISPN000094: Received new cluster view for channel \\w+: \\[[^\\]]*] \\((\\d+)\\)")
                .matcher(node.log());
        int size = 0;
        while (views.find()) {
            size = Integer.parseInt(views.group(1));
        }
        return size;
    }
}
