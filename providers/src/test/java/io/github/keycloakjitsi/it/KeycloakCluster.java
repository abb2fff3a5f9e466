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
 * <p>One cluster per test JVM, shared by every test class that needs it ({@link #shared()}); its
 * nodes and database are {@link ServerProcess}es, so none outlives the JVM.
 */
final class KeycloakCluster {

    static final String DATABASE = "keycloak";

    /** How long a node's log may take to show the whole cluster once the nodes are up. */
    private static final java.time.Duration VIEW_TIMEOUT = java.time.Duration.ofSeconds(60);
    private static final SharedFixture SHARED = new SharedFixture("The Keycloak cluster");
    private static KeycloakCluster shared;

    private final PostgresServer postgres;
    private final Path home;
    private final List<String> names = new ArrayList<>();
    private final List<KeycloakServer> nodes = new ArrayList<>();

    private KeycloakCluster(PostgresServer postgres, Path home) {
        this.postgres = postgres;
        this.home = home;
    }

    /**
     * The cluster, both nodes running and each seeing the other: started by the first test class
     * that asks (see {@link SharedFixture} for a start that fails); a node that a test stopped, or
     * that ended, is started again, and nodes that stay apart too ({@link #makeWhole}). If that
     * fails, the cluster is stopped, and the next class that asks starts a new one.
     */
    static synchronized KeycloakCluster shared() {
        if (shared == null) {
            shared = SHARED.start(KeycloakCluster::start);
        }
        try {
            shared.makeWhole();
        } catch (RuntimeException | Error e) {
            shared.stop();
            shared = null;
            throw e;
        }
        return shared;
    }

    /** Two nodes on a fresh database; a start that fails stops the nodes it started. */
    private static KeycloakCluster start() {
        PostgresServer postgres = PostgresServer.shared();
        postgres.freshDatabase(DATABASE);
        KeycloakCluster cluster = new KeycloakCluster(postgres, build("cluster-keycloak", KeycloakServer.version()));
        try {
            cluster.addNode("node-a");
            cluster.addNode("node-b");
            cluster.makeWhole();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.stop();
            throw e;
        }
    }

    /**
     * Starts again every node that is not running (PostgreSQL too, should it have ended), and
     * waits until each node's log shows a cluster of all of them. Nodes that stay apart that long
     * (see {@link #restart}) are all stopped and started again, one after another, as at the
     * cluster's start.
     */
    private void makeWhole() {
        PostgresServer.shared();
        for (KeycloakServer node : List.copyOf(nodes)) {
            if (!node.isAlive()) {
                startAgain(node);
            }
        }
        if (!seeEachOther()) {
            System.out.println("The cluster's nodes stay apart (" + views() + "); starting every node again");
            nodes.forEach(KeycloakServer::stop);
            for (KeycloakServer node : List.copyOf(nodes)) {
                startAgain(node);
            }
            awaitWholeView();
        }
    }

    /** Whether, within {@link #VIEW_TIMEOUT}, every node has logged a view of the whole cluster. */
    private boolean seeEachOther() {
        long deadline = System.nanoTime() + VIEW_TIMEOUT.toNanos();
        while (nodes.stream().anyMatch(n -> clusterViewSize(n) != nodes.size())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(200);
        }
        return true;
    }

    private String views() {
        return "views " + nodes.stream().map(n -> String.valueOf(clusterViewSize(n))).toList() + " of " + nodes.size();
    }

    /** Waits, for {@link #VIEW_TIMEOUT} at most, until every node has logged a view of the whole cluster. */
    private void awaitWholeView() {
        if (!seeEachOther()) {
            throw new IllegalStateException("The cluster's nodes do not see each other " + VIEW_TIMEOUT.toSeconds() + " s after they"
                    + " started: " + views());
        }
    }

    /** Waits, for {@link #VIEW_TIMEOUT} at most, until {@code node}'s log shows a cluster of {@code size} nodes. */
    static void awaitViewSize(KeycloakServer node, int size) {
        long deadline = System.nanoTime() + VIEW_TIMEOUT.toNanos();
        while (clusterViewSize(node) != size) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no view of " + size + " nodes in the log within " + VIEW_TIMEOUT.toSeconds() + " s: the latest has "
                        + clusterViewSize(node));
            }
            sleep(200);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
        KeycloakServer node = launch(home, name, postgres, DATABASE);
        names.add(name);
        nodes.add(node);
    }

    /** Starts a node of {@code home} named {@code name} (see {@link #node}) on free ports, and waits until it is ready. */
    static KeycloakServer launch(Path home, String name, PostgresServer postgres, String database) {
        Map<String, String> env = ProjectFiles.keycloakService(Map.of("KC_DB", "postgres")).environment();
        return KeycloakServer.launch(4, ports -> node(home, name, postgres, database, ports), env.get("JITSI_HOST"),
                env.get("JITSI_FRONTEND_URL"));
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

    /**
     * Starts a node again (stopping it first if it runs), same name and data, on free ports, and
     * waits until every node sees the whole cluster. Keycloak's jdbc-ping discovery now and then
     * leaves a node started beside a running one on its own, and the two did not merge (once in
     * well over a hundred restarts here, on 26.7.5: after node A's restart the nodes stayed apart
     * for over 8 minutes; Keycloak closed earlier reports of the kind: keycloak/keycloak#38550,
     * #41390). Such a node is started once more, as README tells operators to do; apart again,
     * it is an error.
     */
    KeycloakServer restart(KeycloakServer node) {
        KeycloakServer again = startAgain(node);
        if (!seeEachOther()) {
            System.out.println(names.get(nodes.indexOf(again)) + " started again but the nodes stay apart (" + views() + ");"
                    + " starting it once more");
            again = startAgain(again);
            awaitWholeView();
        }
        return again;
    }

    private KeycloakServer startAgain(KeycloakServer node) {
        int i = nodes.indexOf(node);
        if (i < 0) {
            throw new IllegalArgumentException("not a node of this cluster");
        }
        node.stop();
        KeycloakServer again = launch(home, names.get(i), postgres, DATABASE);
        nodes.set(i, again);
        return again;
    }

    void stop() {
        nodes.forEach(KeycloakServer::stop);
    }

    /** The members in the latest view Infinispan logged since the node's start, e.g. "ISPN000094: Received new cluster view for channel ISPN: [node-a|1] (2) [...]". */
    static int clusterViewSize(KeycloakServer node) {
        java.util.regex.Matcher views = java.util.regex.Pattern.compile("ISPN000094: Received new cluster view for channel \\w+: \\[[^\\]]*] \\((\\d+)\\)")
                .matcher(node.logOfThisStart());
        int size = 0;
        while (views.find()) {
            size = Integer.parseInt(views.group(1));
        }
        return size;
    }
}
