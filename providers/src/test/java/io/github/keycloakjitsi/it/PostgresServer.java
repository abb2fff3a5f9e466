package io.github.keycloakjitsi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL (package postgresql, installed by .ci/run) as the production tests' database:
 * a fresh cluster in {@code target/postgres}, listening on 127.0.0.1 only, password login
 * (scram-sha-256) for the user Keycloak connects as. One server per test JVM, stopped when it exits.
 * PostgreSQL refuses to run as root, so as root it runs as the system user {@code postgres}.
 */
final class PostgresServer {

    static final String USER = "keycloak";
    static final String PASSWORD = "it-postgres-password";

    private static PostgresServer shared;

    private final Path bin;
    private final Path data;
    private final int port;

    private PostgresServer(Path bin, Path data, int port) {
        this.bin = bin;
        this.data = data;
        this.port = port;
    }

    static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    private static PostgresServer start() {
        Path bin = binaries();
        Path root = ProjectFiles.root().resolve("providers/target/postgres");
        KeycloakServer.deleteRecursively(root);
        Path data = root.resolve("data");
        Path passwordFile = root.resolve("password");
        try {
            Files.createDirectories(data);
            Files.writeString(passwordFile, PASSWORD + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (isRoot()) {
            run(List.of("chown", "-R", "postgres:postgres", root.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + passwordFile,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"), true);
        PostgresServer server = new PostgresServer(bin, data, KeycloakServer.freePort());
        server.pgCtl("start");
        return server;
    }

    int port() {
        return port;
    }

    /** Creates a database owned by {@link #USER}. */
    void createDatabase(String name) {
        psql("postgres", "CREATE DATABASE " + name);
    }

    /** Runs SQL as {@link #USER}; returns what psql printed (unaligned, tuples only). */
    String psql(String database, String sql) {
        ProcessBuilder builder = new ProcessBuilder(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", PASSWORD);
        return await(builder, "psql " + sql);
    }

    /** A fast restart, as an operator's maintenance or a crash-and-recover would do it. */
    void restart() {
        pgCtl("restart");
    }

    void stop() {
        try {
            pgCtl("stop");
        } catch (RuntimeException | AssertionError e) {
            // already stopped
        }
    }

    private void pgCtl(String action) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-m", "fast",
                "-l", data.resolveSibling("postgres.log").toString(), "-o",
                // Loopback only; no fsync: the data is thrown away after the tests.
                "-c listen_addresses=127.0.0.1 -p " + port + " -k " + data + " -c max_connections=300 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off", action));
        run(command, true);
    }

    private static Path binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("The production tests need Debian's PostgreSQL server: apt-get install postgresql (.ci/run does).", e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String run(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres && isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().putAll(Map.of("LC_ALL", "C.UTF-8"));
        return await(builder, String.join(" ", command));
    }

    private static String await(ProcessBuilder builder, String what) {
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new AssertionError(what + " failed:\n" + output);
            }
            return output.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
