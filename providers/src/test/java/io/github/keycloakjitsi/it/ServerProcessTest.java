package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No test server outlives its JVM, and a failed start says why at once: a stand-in server (a
 * shell that says what Keycloak says) instead of Keycloak, so these run in seconds.
 */
class ServerProcessTest {

    /**
     * A JVM that starts a server ({@code sleep}, which writes its pid to the file {@code args[0]})
     * as the tests do, then waits for ten minutes, or ({@code args[1]} "exit") until the file
     * {@code args[0]}.exit appears, and exits.
     */
    static final class Starter {
        public static void main(String[] args) throws Exception {
            Path pidFile = Path.of(args[0]);
            ServerProcess.start(new ProcessBuilder("bash", "-c", "echo $$ > \"$0.new\" && mv \"$0.new\" \"$0\" && exec sleep 600",
                    pidFile.toString()), "TERM");
            while (!Files.exists(pidFile)) {
                Thread.sleep(20);
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                if (args[1].equals("exit") && Files.exists(Path.of(args[0] + ".exit"))) {
                    System.exit(0);
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aServerEndsWhenItsJvmIsKilled() throws Exception {
        ProcessHandle server = serverOfAJvmThat("waits", jvm -> jvm.destroyForcibly());
        assertThat(server.onExit().get(40, TimeUnit.SECONDS).isAlive()).as("the server ended with its JVM").isFalse();
    }

    @Test
    void aServerEndsWhenItsJvmExits() throws Exception {
        ProcessHandle server = serverOfAJvmThat("exit", jvm -> { });
        assertThat(server.onExit().get(40, TimeUnit.SECONDS).isAlive()).as("the shutdown hook stopped it").isFalse();
    }

    /** The server of a JVM that {@code then} ("waits" or "exit"), after {@code andThen} was done to the JVM and it ended. */
    private static ProcessHandle serverOfAJvmThat(String then, java.util.function.Consumer<Process> andThen) throws Exception {
        Path pidFile = Files.createTempFile("server", ".pid");
        Files.delete(pidFile);
        Path exit = Path.of(pidFile + ".exit");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dproject.root=" + ProjectFiles.root(),
                Starter.class.getName(), pidFile.toString(), then).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(pidFile)) {
                assertThat(System.nanoTime()).as("the JVM started its server within 60 s").isLessThan(deadline);
                assertThat(jvm.isAlive() || Files.exists(pidFile)).as("the JVM runs").isTrue();
                Thread.sleep(50);
            }
            ProcessHandle server = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
            assertThat(server.isAlive()).as("the server runs").isTrue();
            andThen.accept(jvm);
            Files.writeString(exit, "");
            assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
            return server;
        } finally {
            jvm.destroyForcibly();
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(exit);
        }
    }

    @Test
    void aStartThatKeycloakSaysFailedFailsAtOnceWithWhatItSaidAndLeavesNothingRunning() throws Exception {
        Path log = Files.createTempFile("keycloak", ".log");
        long started = System.nanoTime();
        assertThatThrownBy(() -> KeycloakServer.launch(2, ports -> standIn(log, "echo pid $$; "
                        + "echo 'ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) ERROR: Failed to start server in (development) mode'; "
                        + "echo 'ERROR: Unable to start HTTP server'; exec sleep 600"), "meet.example.test", null))
                .isInstanceOf(KeycloakServer.StartFailed.class)
                .hasMessageContaining("failed to start (\"ERROR [org.keycloak.quarkus.runtime.cli.ExecutionExceptionHandler] (main) ERROR: Failed to start server")
                .hasMessageContaining("Unable to start HTTP server");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("at once, not after the start timeout").isLessThan(Duration.ofSeconds(30));
        assertGone(log);
    }

    @Test
    void aStartThatExitsFailsAtOnceWithTheEndOfItsLog() throws Exception {
        Path log = Files.createTempFile("keycloak", ".log");
        assertThatThrownBy(() -> KeycloakServer.launch(2, ports -> standIn(log, "echo 'ERROR: Invalid value for option'; exit 2"),
                "meet.example.test", null))
                .isInstanceOf(KeycloakServer.StartFailed.class)
                .hasMessageContaining("exited before it was ready, exit 2")
                .hasMessageContaining("ERROR: Invalid value for option");
    }

    @Test
    void aStartWhosePortWasTakenIsTriedAgainOnOtherPorts() throws Exception {
        Path log = Files.createTempFile("keycloak", ".log");
        AtomicInteger attempts = new AtomicInteger();
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        assertThatThrownBy(() -> KeycloakServer.launch(2, p -> {
            attempts.incrementAndGet();
            ports.add(p[0]);
            ports.add(p[1]);
            return standIn(log, "echo 'ERROR: Failed to start server in (development) mode'; echo 'ERROR: Port already bound: " + p[0]
                    + ": Address already in use'; exit 1");
        }, "meet.example.test", null))
                .isInstanceOf(KeycloakServer.StartFailed.class)
                .hasMessageContaining("Port already bound");
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(ports).as("new ports each time").hasSize(6);
    }

    @Test
    void freePortsAreDistinctAndBelowTheEphemeralRange() throws Exception {
        int ephemeral = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip().split("\\s+")[0]);
        List<Integer> ports = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            for (int port : KeycloakServer.freePorts(4)) {
                ports.add(port);
            }
        }
        assertThat(ports).doesNotHaveDuplicates().allSatisfy(port -> assertThat(port).isBetween(20000, ephemeral - 1));
    }

    private static ProcessBuilder standIn(Path log, String script) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("KC_BOOTSTRAP_ADMIN_PASSWORD", "x"));
        return builder;
    }

    /** The stand-in's process (its pid in the log) has ended. */
    private static void assertGone(Path log) throws Exception {
        java.util.regex.Matcher pid = java.util.regex.Pattern.compile("pid (\\d+)").matcher(Files.readString(log));
        assertThat(pid.find()).isTrue();
        assertThat(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
