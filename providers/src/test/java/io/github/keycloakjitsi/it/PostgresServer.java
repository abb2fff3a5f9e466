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
 * (scram-sha-256) for the user Keycloak connects as. One server per test JVM ({@link #shared()}),
 * run in the foreground as a {@link ServerProcess}, so it cannot outlive the JVM; stopped with
 * PostgreSQL's fast shutdown (SIGINT). PostgreSQL refuses to run as root, so as root it runs as
 * the system user {@code postgres}.
 */
final class PostgresServer {

    static final String USER = "keycloak";
    static final String PASSWORD = "it-postgres-password";

    private static final java.time.Duration START_TIMEOUT = java.time.Duration.ofMinutes(2);
    private static final SharedFixture SHARED = new SharedFixture("PostgreSQL");
    private static PostgresServer shared;

    private final Path bin;
    private final Path data;
    private final Path log;
    private final int port;
    private ServerProcess process;

    private PostgresServer(Path bin, Path data, int port) {
        this.bin = bin;
        this.data = data;
        this.log = data.resolveSibling("postgres.log");
        this.port = port;
    }

    /**
     * The server the test classes of this JVM share, started by the first that asks (see
     * {@link SharedFixture} for a start that fails); should it have ended, it is started again on its data.
     */
    static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = SHARED.start(PostgresServer::start);
        } else if (!shared.process.isAlive()) {
            System.err.println("PostgreSQL has ended (exit " + shared.process.exitValue() + "); starting it again. Its log ended:\n"
                    + shared.logTail());
            shared.run();
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
        server.run();
        return server;
    }

    /** Starts the server process on its data and waits until it accepts connections; a start that fails leaves nothing running. */
    private void run() {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                // Loopback only; no fsync: the data is thrown away after the tests.
                "-c", "listen_addresses=127.0.0.1", "-p", String.valueOf(port), "-k", data.toString(), "-c", "max_connections=300",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("LC_ALL", "C.UTF-8");
        process = ServerProcess.start(builder, "INT");
        try {
            awaitReady();
        } catch (RuntimeException | Error e) {
            process.stop();
            throw e;
        }
    }

    /** Polls pg_isready; fails at once, with the end of the log, when the server exits before it is ready. */
    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        List<String> isReady = List.of(bin.resolve("pg_isready").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-d", "postgres");
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL on port " + port + " exited with " + process.exitValue()
                        + " before it was ready; the end of " + log + ":\n" + logTail());
            }
            ProjectFiles.Process.Result ready = ProjectFiles.Process.run(data.getParent(), isReady, Map.of());
            if (ready.exitCode() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL on port " + port + " not ready after " + START_TIMEOUT.toMinutes() + " minutes ("
                        + ready.output().strip() + "); the end of " + log + ":\n" + logTail());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    int port() {
        return port;
    }

    /** A database owned by {@link #USER}, new and empty (one of that name is dropped first, with its connections). */
    void freshDatabase(String name) {
        psql("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        psql("postgres", "CREATE DATABASE " + name);
    }

    /** Runs SQL as {@link #USER}; returns what psql printed (unaligned, tuples only). */
    String psql(String database, String sql) {
        ProcessBuilder builder = new ProcessBuilder(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", PASSWORD);
        return await(builder, "psql " + sql);
    }

    /** A fast restart, as an operator's maintenance or a crash-and-recover would do it: fast shutdown, start on the same data. */
    void restart() {
        process.stop();
        run();
    }

    void stop() {
        process.stop();
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
