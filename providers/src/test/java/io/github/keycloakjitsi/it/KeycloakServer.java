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
 * database under {@code target/}. One server shared by the test classes of a JVM ({@link #shared()});
 * every server runs as a {@link ServerProcess}, so none outlives the JVM.
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
    /** Keycloak is ready as soon as it says it has started (the realm import comes before): this is ample. */
    private static final Duration READY_AFTER_STARTED = Duration.ofSeconds(60);
    /** Keycloak's own words for a start that failed; it usually exits after them, but need not. */
    private static final java.util.regex.Pattern STARTUP_ERROR = java.util.regex.Pattern.compile(
            "(?m)^.*(?:ERROR: Failed to start server|Failed to start application).*$");
    private static final java.util.regex.Pattern PORT_TAKEN = java.util.regex.Pattern.compile("already bound|Address already in use");
    private static final java.util.regex.Pattern STARTED = java.util.regex.Pattern.compile(
            "(?m)^.*Keycloak \\S+ on JVM .* started in .*Listening on: (\\S+?)\\.?(?: Management interface listening on (\\S+?)\\.?)?\\s*$");
    /** How often a server is started on new ports when another process took one of its ports before it could bind it. */
    private static final int PORT_ATTEMPTS = 3;
    private static final SharedFixture SHARED = new SharedFixture("The shared Keycloak");
    private static KeycloakServer shared;

    private final ServerProcess process;
    private final int httpPort;
    private final int managementPort;
    private final Path log;
    /** Where this start's lines begin in the log (a cluster node's log goes on across its restarts). */
    private final long logOffset;
    private final String jitsiHost;
    /** The realm's frontend URL (Keycloak behind Jitsi's nginx), or null when Keycloak is reached directly. */
    private final String frontendUrl;
    private final String adminPassword;

    private KeycloakServer(ServerProcess process, int httpPort, int managementPort, Path log, long logOffset, String jitsiHost,
                           String frontendUrl, String adminPassword) {
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
        this.logOffset = logOffset;
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

    /**
     * The server the test classes of this JVM share, started by the first that asks. A server that
     * has ended since (a crash) is replaced by a fresh one for the next class; see
     * {@link SharedFixture} for a start that fails.
     */
    public static synchronized KeycloakServer shared() {
        if (shared != null && !shared.isAlive()) {
            System.err.println("The shared Keycloak has ended (exit " + shared.process.exitValue() + "); starting a fresh one. Its log ended:\n"
                    + shared.logTail());
            shared.stop();
            shared = null;
        }
        if (shared == null) {
            shared = SHARED.start(() -> start("it-keycloak-" + version(), Map.of(), true));
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
        Path log = root.resolve("providers/target/" + name + (fresh ? "" : "-restart") + ".log");
        Path vault = vault(home.resolveSibling(name + "-vault"));
        return launch(2, ports -> {
            ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("start-keycloak.sh").toString())
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("SKIP_BUILD", "1");
            env.put("KEYCLOAK_VERSION", version());
            env.put("KC_HOME", home.toString());
            env.put("KC_HTTP_PORT", String.valueOf(ports[0]));
            env.put("KC_HTTP_HOST", "127.0.0.1");
            env.put("KC_HTTP_MANAGEMENT_PORT", String.valueOf(ports[1]));
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            env.put("JITSI_HOST", JITSI_HOST);
            // Infinispan's cache statistics on /metrics: how the tests see what a request writes.
            env.put("KC_METRICS_ENABLED", "true");
            env.put("KC_VAULT", "file");
            env.put("KC_VAULT_DIR", vault.toString());
            // Keycloak's hostname: the address the tests reach it at, so its tokens and pages name that
            // address whichever way a request comes (as production's hostname or frontend URL does).
            // An empty KC_HOSTNAME in extraEnvironment starts it without one.
            env.put("KC_HOSTNAME", "http://127.0.0.1:" + ports[0]);
            env.putAll(extraEnvironment);
            if (env.get("KC_HOSTNAME").isEmpty()) {
                env.remove("KC_HOSTNAME");
            }
            return builder;
        }, extraEnvironment.getOrDefault("JITSI_HOST", JITSI_HOST), null);
    }

    /**
     * Starts the Keycloak process {@code command} describes for {@code portCount} free loopback
     * ports (HTTP first, management second, any others after), logging to the file its output is
     * redirected to, and waits until it is ready. Should another process take one of the ports
     * before Keycloak binds it, Keycloak says so and exits: it is started again on other ports.
     * A start that fails leaves nothing running and says why.
     */
    static KeycloakServer launch(int portCount, java.util.function.Function<int[], ProcessBuilder> command, String jitsiHost,
                                 String frontendUrl) {
        for (int attempt = 1; ; attempt++) {
            int[] ports = freePorts(portCount);
            ProcessBuilder builder = command.apply(ports);
            Path log = builder.redirectOutput().file().toPath();
            long offset = builder.redirectOutput().type() == ProcessBuilder.Redirect.Type.APPEND ? log.toFile().length() : 0;
            KeycloakServer server = new KeycloakServer(ServerProcess.start(builder, "TERM"), ports[0], ports[1], log, offset, jitsiHost,
                    frontendUrl, builder.environment().get("KC_BOOTSTRAP_ADMIN_PASSWORD"));
            try {
                server.awaitReady();
                return server;
            } catch (StartFailed e) {
                server.stop();
                if (!e.portTaken || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                System.err.println("A port of " + java.util.Arrays.toString(ports) + " was taken by another process before Keycloak bound it;"
                        + " starting it again on other ports:\n" + e.getMessage());
            } catch (RuntimeException | Error e) {
                server.stop();
                throw e;
            }
        }
    }

    /** Why a Keycloak did not become ready, with the end of its log. */
    static final class StartFailed extends IllegalStateException {
        final boolean portTaken;

        StartFailed(String why, boolean portTaken) {
            super(why);
            this.portTaken = portTaken;
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

    /**
     * Ready means the realm import is done: Keycloak answers 503 until then. Fails at once, with
     * the end of the log, when Keycloak exits, logs that its start failed, listens on other ports
     * than it was given, answers /health/ready with neither 200 nor 503 once it has started, or has
     * said it started but is still not ready {@link #READY_AFTER_STARTED} later.
     */
    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Instant startedAt = null;
        String answers = "no answer yet";
        while (true) {
            String written = logOfThisStart();
            java.util.regex.Matcher error = STARTUP_ERROR.matcher(written);
            if (!process.isAlive() || error.find()) {
                // Keycloak exits soon after it logs a failed start: then its log has all it had to say.
                process.awaitExit(Duration.ofSeconds(5));
                throw failed(process.isAlive() ? "failed to start (\"" + error.group().strip() + "\")" : "exited before it was ready");
            }
            java.util.regex.Matcher started = STARTED.matcher(written);
            if (startedAt == null && started.find()) {
                startedAt = Instant.now();
                String http = started.group(1);
                String management = started.group(2);
                if (!http.endsWith(":" + httpPort) || (management != null && !management.endsWith(":" + managementPort))) {
                    throw failed("listens on " + http + " and " + management + ", not on the ports it was given");
                }
            }
            try {
                HttpResponse<Void> ready = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                HttpResponse<Void> realm = client.send(HttpRequest.newBuilder(URI.create(realmUrl() + "/.well-known/openid-configuration"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200 && realm.statusCode() == 200) {
                    return;
                }
                answers = "/health/ready answered " + ready.statusCode() + ", the realm's discovery " + realm.statusCode();
                if (startedAt != null && ready.statusCode() != 503 && ready.statusCode() != 200) {
                    throw failed("has started, but " + answers);
                }
            } catch (IOException e) {
                answers = "no connection: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (startedAt != null && Instant.now().isAfter(startedAt.plus(READY_AFTER_STARTED))) {
                throw failed("said it had started, but was not ready " + READY_AFTER_STARTED.toSeconds() + " s later (" + answers + ")");
            }
            if (Instant.now().isAfter(deadline)) {
                throw failed("not ready after " + START_TIMEOUT.toMinutes() + " minutes (" + answers + ")");
            }
            sleep(500);
        }
    }

    /** Why the start failed, with the end of the log. */
    private StartFailed failed(String why) {
        String written = logOfThisStart();
        return new StartFailed("Keycloak on port " + httpPort + " (management " + managementPort + ") " + why
                + (process.isAlive() ? "" : ", exit " + process.exitValue()) + "; the end of " + log + ":\n" + logTail(),
                PORT_TAKEN.matcher(written).find());
    }

    /** What the server has logged since this start (a restarted node appends to its earlier starts' log). */
    String logOfThisStart() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = all.length >= logOffset ? (int) logOffset : 0;
            return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the server (SIGTERM: Keycloak shuts down as for an operator) and waits until it has. */
    public void stop() {
        process.stop();
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
        ProcessHandle jvm = process.processes()
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
        return process.processes()
                .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** The server's Java process (kc.sh starts it), for the JDK's diagnostic commands. */
    public long javaPid() {
        return process.processes()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no java process in the server"))
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
    private static final java.util.Random RANDOM = new java.util.Random();
    /** The lowest port handed out: above the well-known and most registered servers' ports. */
    private static final int LOWEST_PORT = 20000;

    /**
     * {@code count} distinct free loopback ports, chosen at random below the system's ephemeral
     * range ({@code net.ipv4.ip_local_port_range}), where the system never puts a client's
     * connection or another program's "any free port": between the choice and the server's bind,
     * only another test run choosing the same way could take one, and then {@link #launch} tries
     * other ports. Each is free when chosen (a socket bound to it and closed), and none given out
     * earlier in this JVM comes back.
     */
    static synchronized int[] freePorts(int count) {
        int highest = ephemeralRangeStart() - 1;
        int[] ports = new int[count];
        for (int i = 0; i < count; ) {
            int port = LOWEST_PORT + RANDOM.nextInt(highest - LOWEST_PORT + 1);
            if (!HANDED_OUT.contains(port) && isFree(port)) {
                HANDED_OUT.add(port);
                ports[i++] = port;
            }
        }
        return ports;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Where the system's ephemeral ports begin (32768 on Linux unless configured otherwise). */
    private static int ephemeralRangeStart() {
        try {
            // Read line by line: a file of /proc says it is empty, and a read by its size gets too little.
            String range;
            try (java.io.BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                range = reader.readLine();
            }
            int start = Integer.parseInt(range.strip().split("\\s+")[0]);
            if (start - LOWEST_PORT < 1000) {
                throw new IllegalStateException("the ephemeral port range starts at " + start + ": too low to choose test ports below it");
            }
            return start;
        } catch (IOException e) {
            return 32768;
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
