package io.github.keycloakjitsi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Keycloak for the integration tests, started the way a user starts it: by
 * {@code start-keycloak.sh} (the Maven Central distribution with the provider jar, themes/ and the
 * realm export installed, realm imported at start-up), on free loopback ports, with a fresh
 * database under {@code target/}. One server per test JVM, stopped when the JVM exits.
 */
public final class KeycloakServer {

    public static final String REALM = "jitsi-realm";
    /** The Jitsi host the realm is imported with (the JITSI_HOST placeholder of the export). */
    public static final String JITSI_HOST = "meet.example.test";
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "it-admin-password";
    /** The HS256 secret the tests keep in Keycloak's file vault, as ${vault.jitsi_secret}. */
    public static final String VAULT_SECRET = "vault-kept-secret-0123456789abcdefghij";

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static KeycloakServer shared;

    private final Process process;
    private final int httpPort;
    private final int managementPort;
    private final Path log;
    private final String jitsiHost;
    /** The realm's frontend URL (Keycloak behind Jitsi's nginx), or null when Keycloak is reached directly. */
    private final String frontendUrl;
    private final String adminPassword;

    private KeycloakServer(Process process, int httpPort, int managementPort, Path log, String jitsiHost, String frontendUrl,
                           String adminPassword) {
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
        this.jitsiHost = jitsiHost;
        this.frontendUrl = frontendUrl;
        this.adminPassword = adminPassword;
    }

    /**
     * The Keycloak release the tests run: the one pom.xml pins, or another 26.x named by the
     * system property {@code keycloak.dist.version} (the version matrix of providers/pom.xml).
     */
    public static String version() {
        String other = System.getProperty("keycloak.dist.version", "");
        return other.isBlank() ? System.getProperty("keycloak.version") : other;
    }

    public static synchronized KeycloakServer shared() {
        if (shared == null) {
            shared = start("it-keycloak-" + version(), Map.of(), true);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    /**
     * Starts a server installed in {@code target/<name>}: a fresh install and database when
     * {@code fresh}, else the install and data an earlier start left there.
     */
    static KeycloakServer start(String name, Map<String, String> extraEnvironment, boolean fresh) {
        Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
        Path home = root.resolve("providers/target/" + name);
        if (fresh) {
            deleteRecursively(home);
        }
        int[] ports = freePorts(2);
        int http = ports[0];
        int management = ports[1];
        Path log = root.resolve("providers/target/" + name + (fresh ? "" : "-restart") + ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("start-keycloak.sh").toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("SKIP_BUILD", "1");
        env.put("KEYCLOAK_VERSION", version());
        env.put("KC_HOME", home.toString());
        env.put("KC_HTTP_PORT", String.valueOf(http));
        env.put("KC_HTTP_HOST", "127.0.0.1");
        env.put("KC_HTTP_MANAGEMENT_PORT", String.valueOf(management));
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("JITSI_HOST", JITSI_HOST);
        // Infinispan's cache statistics on /metrics: how the tests see what a request writes.
        env.put("KC_METRICS_ENABLED", "true");
        env.put("KC_VAULT", "file");
        env.put("KC_VAULT_DIR", vault(home.resolveSibling(name + "-vault")).toString());
        // Keycloak's hostname: the address the tests reach it at, so its tokens and pages name that
        // address whichever way a request comes (as production's hostname or frontend URL does).
        // An empty KC_HOSTNAME in extraEnvironment starts it without one.
        env.put("KC_HOSTNAME", "http://127.0.0.1:" + http);
        env.putAll(extraEnvironment);
        if (env.get("KC_HOSTNAME").isEmpty()) {
            env.remove("KC_HOSTNAME");
        }
        return launch(builder, http, management, log, env.get("JITSI_HOST"), null);
    }

    /**
     * Starts the Keycloak process {@code builder} describes, listening on the given loopback ports,
     * and waits until it is ready.
     */
    static KeycloakServer launch(ProcessBuilder builder, int http, int management, Path log, String jitsiHost, String frontendUrl) {
        try {
            KeycloakServer server = new KeycloakServer(builder.start(), http, management, log, jitsiHost, frontendUrl,
                    builder.environment().get("KC_BOOTSTRAP_ADMIN_PASSWORD"));
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The password of the bootstrap admin the server was started with. */
    public String adminPassword() {
        return adminPassword;
    }

    /** The Jitsi host the realm was imported with. */
    public String jitsiHost() {
        return jitsiHost;
    }

    /** The realm's issuer as Jitsi and browsers see it. */
    public String issuer() {
        return (frontendUrl != null ? frontendUrl : baseUrl()) + "/realms/" + REALM;
    }

    /**
     * Where a request for {@code uri} really goes: a URL under the frontend URL is sent to this
     * server with X-Forwarded headers, as Jitsi's nginx does; returns null for any other URL.
     */
    String[] proxied(String uri) {
        if (frontendUrl == null || !uri.startsWith(frontendUrl + "/")) {
            return null;
        }
        URI front = URI.create(frontendUrl);
        return new String[]{baseUrl() + uri.substring(frontendUrl.length()), front.getScheme(), front.getAuthority()};
    }

    /** Keycloak's file vault: ${vault.jitsi_secret} of realm jitsi-realm is the file jitsi-realm_jitsi__secret. */
    private static Path vault(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(REALM + "_jitsi__secret"), VAULT_SECRET);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public String realmUrl() {
        return baseUrl() + "/realms/" + REALM;
    }

    public String oidcUrl() {
        return realmUrl() + "/protocol/openid-connect";
    }

    /** Ready means the realm import is done: Keycloak answers 503 until then. */
    private void awaitReady() {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> ready = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                HttpResponse<Void> realm = client.send(
                        HttpRequest.newBuilder(URI.create(realmUrl() + "/.well-known/openid-configuration")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200 && realm.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        stop();
        throw new IllegalStateException("Keycloak not ready after " + START_TIMEOUT + ":\n" + logTail());
    }

    public void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /**
     * How many writes each of Keycloak's caches has taken so far ({@code vendor_statistics_stores}
     * on the management port's /metrics), by cache name: single-use objects are in
     * {@code actionTokens}, SSO sessions in {@code sessions}, login sessions in {@code authenticationSessions}.
     */
    public Map<String, Double> cacheStores() {
        HttpResponse<String> metrics = Http.send(HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics")).build());
        if (metrics.statusCode() != 200) {
            throw new AssertionError("/metrics -> " + metrics.statusCode());
        }
        Map<String, Double> stores = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^vendor_statistics_stores\\{cache=\"([^\"]+)\"[^}]*} (\\S+)$")
                .matcher(metrics.body());
        while (m.find()) {
            stores.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        }
        if (stores.isEmpty()) {
            throw new AssertionError("no cache statistics on /metrics");
        }
        return stores;
    }

    /** Whether the server process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The Java heap the server uses right after a full garbage collection, in bytes: what it
     * keeps, not what it has yet to collect. Asked with the JDK's jcmd.
     */
    public long heapAfterGc() {
        ProcessHandle jvm = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no java process"));
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        ProjectFiles.Process.Result gc = ProjectFiles.Process.run(Path.of("."), List.of(jcmd, String.valueOf(jvm.pid()), "GC.run"), Map.of());
        ProjectFiles.Process.Result info = ProjectFiles.Process.run(Path.of("."),
                List.of(jcmd, String.valueOf(jvm.pid()), "GC.heap_info"), Map.of());
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("total[^\\n]*?used (\\d+)K").matcher(info.output());
        if (gc.exitCode() != 0 || !used.find()) {
            throw new AssertionError("jcmd: " + gc.output() + info.output());
        }
        long bytes = 0;
        do {
            bytes += Long.parseLong(used.group(1)) * 1024;
        } while (used.find());
        return bytes;
    }

    /** CPU time the server's processes (the start script and the JVM it runs) have used so far. */
    public Duration cpuTime() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** The server's Java process (kc.sh starts it), for the JDK's diagnostic commands. */
    public long javaPid() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no java process under " + process.pid()))
                .pid();
    }

    /** Everything the server has logged so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Every port handed out in this JVM: none is handed out twice, though its server may not have bound it yet. */
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    /**
     * {@code count} distinct free loopback ports: all sockets are held open together while they are
     * chosen (so the system cannot give the same port twice), and no port given out earlier in this
     * JVM comes back, even if its server has not bound it yet.
     */
    static synchronized int[] freePorts(int count) {
        List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; ) {
                ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(socket);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    ports[i++] = socket.getLocalPort();
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a probe socket cannot fail in a way that matters here
                }
            }
        }
    }

    static int freePort() {
        return freePorts(1)[0];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
