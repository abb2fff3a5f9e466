package io.github.keycloakjitsi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Debian's Prosody ({@code apt-get install prosody lua-luaossl}), started by a test on loopback:
 * its own config file, data directory and free ports under {@code providers/target/}, never the
 * system service. Its config is README.md's for the Jitsi side (issuer, the Jitsi audience,
 * {@code authentication = "token"}, {@code cache_keys_url} the realm's /certs, the MUC component)
 * plus the bundle's {@code keycloak_logout} module; jitsi-meet's own token plugin is stood in for by
 * the test-only {@code src/test/prosody/mod_auth_token.lua} (see its header for what it does).
 */
final class ProsodyServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private ServerProcess process;
    private final Path dir;
    private final int httpPort;
    private final String domain;

    private ProsodyServer(ServerProcess process, Path dir, int httpPort, String domain) {
        this.process = process;
        this.dir = dir;
        this.httpPort = httpPort;
        this.domain = domain;
    }

    /** A Prosody that takes tokens of {@code keycloak}'s realm and its logout tokens. */
    static ProsodyServer start(KeycloakServer keycloak, String name) {
        return start(keycloak, name, Map.of());
    }

    /** The same, with more options (Lua values, as written) for the VirtualHost. */
    static ProsodyServer start(KeycloakServer keycloak, String name, Map<String, String> hostOptions) {
        Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
        Path dir = root.resolve("providers/target/" + name);
        KeycloakServer.deleteRecursively(dir);
        int[] ports = KeycloakServer.freePorts(2);
        String domain = keycloak.jitsiHost();
        String config = String.join("\n",
                "-- written by ProsodyServer (integration tests)",
                "pidfile = " + lua(dir.resolve("prosody.pid")),
                "data_path = " + lua(dir.resolve("data")),
                "run_as_root = true",
                "plugin_paths = { " + lua(root.resolve("prosody-plugins")) + ", " + lua(root.resolve("providers/src/test/prosody")) + " }",
                "log = { { levels = { min = \"debug\" }, to = \"file\", filename = " + lua(dir.resolve("prosody.log")) + " } }",
                "interfaces = { \"127.0.0.1\" }",
                "c2s_interfaces = { \"127.0.0.1\" }",
                "c2s_ports = { " + ports[0] + " }",
                "http_interfaces = { \"127.0.0.1\" }",
                "http_ports = { " + ports[1] + " }",
                "https_ports = { }",
                "c2s_require_encryption = false",
                "consider_websocket_secure = true",
                "modules_enabled = { \"saslauth\"; \"disco\"; \"websocket\"; \"bosh\"; \"ping\"; \"posix\"; \"admin_shell\"; \"admin_socket\"; }",
                "consider_bosh_secure = true",
                "modules_disabled = { \"s2s\"; }",
                "http_default_host = " + lua(domain),
                "",
                "-- README.md, Jitsi side",
                "asap_accepted_issuers = { " + lua(keycloak.issuer()) + " }",
                "asap_accepted_audiences = { \"jitsi-meet\" }",
                "asap_require_room_claim = false",
                "",
                "VirtualHost " + lua(domain),
                "    authentication = \"token\"",
                "    app_id = \"jitsi\"",
                "    allow_empty_token = false",
                "    cache_keys_url = " + lua(keycloak.oidcUrl() + "/certs"),
                "    modules_enabled = { \"keycloak_logout\"; }",
                "    main_muc = " + lua("conference." + domain),
                hostOptions.entrySet().stream().map(o -> "    " + o.getKey() + " = " + o.getValue()).collect(java.util.stream.Collectors.joining("\n")),
                "",
                "Component " + lua("conference." + domain) + " \"muc\"",
                "    muc_room_locking = false",
                "");
        try {
            Files.createDirectories(dir.resolve("data"));
            Path file = dir.resolve("prosody.cfg.lua");
            Files.writeString(file, config);
            ProsodyServer server = new ProsodyServer(launch(dir), dir, ports[1], domain);
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tied to this JVM like every test server: it ends with the tests, even a JVM killed with kill -9. */
    private static ServerProcess launch(Path dir) {
        return ServerProcess.start(new ProcessBuilder("prosody", "--config", dir.resolve("prosody.cfg.lua").toString(), "-F")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())), "TERM");
    }

    /** Starts this Prosody again after {@link #close}: the same config, ports and data (what it stored). */
    void startAgain() {
        if (process.isAlive()) {
            throw new IllegalStateException("Prosody is running");
        }
        process = launch(dir);
        awaitReady();
    }

    static String lua(Object value) {
        return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Ready: the module answers (405 to a GET of its POST-only endpoint). */
    private void awaitReady() {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prosody exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(logoutUrl())).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 405) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            XmppClient.pause();
        }
        close();
        throw new IllegalStateException("Prosody not ready after " + START_TIMEOUT + ":\n" + log());
    }

    String domain() {
        return domain;
    }

    /** Where Keycloak sends logout tokens: the module's endpoint on Prosody's HTTP port. */
    String logoutUrl() {
        return "http://127.0.0.1:" + httpPort + "/keycloak-logout";
    }

    /**
     * Runs a command of Prosody's admin shell ({@code prosodyctl shell}, over the admin socket in
     * its data directory), e.g. {@code module load keycloak_logout <host>}, as an operator does;
     * its output. Fails the test unless the shell says OK.
     */
    String shell(String... command) {
        java.util.List<String> line = new java.util.ArrayList<>(List.of("prosodyctl", "--config", dir.resolve("prosody.cfg.lua").toString(), "shell"));
        line.addAll(List.of(command));
        try {
            Process shell = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!shell.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || !output.contains("OK")) {
                shell.destroyForcibly();
                throw new AssertionError("prosodyctl shell " + String.join(" ", command) + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String boshUrl() {
        return "http://127.0.0.1:" + httpPort + "/http-bind";
    }

    /** Where Prosody keeps the host's data of {@code store} (its file storage: one file per record). */
    Path storeDir(String store) {
        StringBuilder host = new StringBuilder();
        for (byte b : domain.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            host.append(Character.isLetterOrDigit(b) && b > 0 ? String.valueOf((char) b) : String.format("%%%02x", b & 0xff));
        }
        return dir.resolve("data").resolve(host.toString()).resolve(store);
    }

    String websocketUrl() {
        return "ws://127.0.0.1:" + httpPort + "/xmpp-websocket";
    }

    /** Prosody's log so far (debug level). */
    String log() {
        try {
            Path log = dir.resolve("prosody.log");
            return Files.exists(log) ? Files.readString(log) : Files.readString(dir.resolve("stdout.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The lines of the log that say why something was refused or failed. */
    List<String> warnings() {
        return log().lines().filter(l -> l.contains("\twarn\t") || l.contains("\terror\t")).toList();
    }

    @Override
    public void close() {
        process.stop();
    }
}
