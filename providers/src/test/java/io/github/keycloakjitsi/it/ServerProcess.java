package io.github.keycloakjitsi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server the integration tests start (Keycloak, PostgreSQL) that cannot outlive them. It runs
 * under {@code providers/src/test/scripts/tied-to-jvm.sh}, which stops it when this JVM is gone
 * however it ended, even killed with SIGKILL, when no Java code runs any more; and every server
 * still running when the JVM exits normally is stopped by one shutdown hook, registered before the
 * first server starts.
 */
final class ServerProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /** The servers running, in the order they started. */
    private static final Set<ServerProcess> RUNNING = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

    static {
        // The last started first: Keycloak before the database it uses.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<ServerProcess> running;
            synchronized (RUNNING) {
                running = new ArrayList<>(RUNNING);
            }
            java.util.Collections.reverse(running);
            running.forEach(ServerProcess::stop);
        }, "stop-test-servers"));
    }

    private final Process process;

    private ServerProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code builder}'s command tied to this JVM. Its standard input must stay the pipe from
     * this JVM (ProcessBuilder's default): that pipe is how the script knows the JVM is gone.
     * {@code stopSignal}: what asks the server to stop (TERM for Keycloak, INT for PostgreSQL's fast shutdown).
     */
    static ServerProcess start(ProcessBuilder builder, String stopSignal) {
        if (builder.redirectInput() != ProcessBuilder.Redirect.PIPE) {
            throw new IllegalArgumentException("the server's standard input must be the pipe from this JVM");
        }
        List<String> command = new ArrayList<>(List.of("bash", script().toString(), "--stop-signal", stopSignal));
        command.addAll(builder.command());
        ProcessBuilder tied = new ProcessBuilder(command).directory(builder.directory())
                .redirectOutput(builder.redirectOutput()).redirectError(builder.redirectError())
                .redirectErrorStream(builder.redirectErrorStream());
        tied.environment().clear();
        tied.environment().putAll(builder.environment());
        try {
            ServerProcess server = new ServerProcess(tied.start());
            RUNNING.add(server);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path script() {
        return ProjectFiles.root().resolve("providers/src/test/scripts/tied-to-jvm.sh");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the server has ended by itself, for {@code bound} at most. */
    void awaitExit(Duration bound) {
        try {
            process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int exitValue() {
        return process.exitValue();
    }

    /**
     * Stops the server and waits until every process of it has ended: the script passes the stop
     * signal on and waits for the server; what still runs after {@link #STOP_TIMEOUT} is killed.
     */
    void stop() {
        List<ProcessHandle> all = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        process.destroy();
        try {
            process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            all.forEach(ProcessHandle::destroyForcibly);
        } catch (Exception e) {
            all.forEach(ProcessHandle::destroyForcibly);
        }
        RUNNING.remove(this);
    }

    /** The processes of the server (the script, what it started, theirs), for CPU time and the JDK's tools. */
    Stream<ProcessHandle> processes() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants());
    }
}
