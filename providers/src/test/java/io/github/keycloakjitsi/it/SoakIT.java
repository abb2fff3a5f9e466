package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak: a mixed load (logins with logout, refreshes, room tokens, joins, a few bad requests)
 * on both nodes of {@link KeycloakCluster}, for {@code soak.minutes} minutes (2 in {@code mvn
 * verify}; {@code mvn verify -Psoak} runs 30). Reports requests, unexpected answers, p99 per
 * endpoint over time and each node's heap after a full GC at the start and the end, to
 * {@code target/benchmarks/soak.md}. Unexpected answers must be 0; the heap may not keep what the
 * load leaves behind (the logins log out, so sessions do not pile up).
 */
class SoakIT {

    private static final int USERS = 16;
    private static final int THREADS = 4;
    /** Requests before the heap is first measured (the 30-minute soak of 2026-12-02 answered about 150 a second). */
    private static final int WARM_UP_REQUESTS = 2000;
    /** Heap a node may end with above where it started: far above GC noise, far below a leak of this load's size. */
    private static final long HEAP_GROWTH_LIMIT = 96L * 1024 * 1024;

    /** One test user's browser (one client per node, sharing its cookies) and tokens, refreshed as the load goes. */
    private record Person(AdminApi.TestUser user, JitsiWebClient onA, JitsiWebClient onB, AtomicReference<JitsiWebClient.Tokens> tokens) {
    }

    /** Each load thread's own browser per node for the logins, its cookies dropped before each. */
    private static final ThreadLocal<Map<String, JitsiWebClient>> LOGIN_BROWSERS = ThreadLocal.withInitial(java.util.HashMap::new);

    /**
     * Each load thread logs in only its own users, one after the other in turn: Keycloak's
     * brute-force protection refuses a login of a user while another is under way on the node (its
     * blocking protector, unless allow-concurrent-requests is set), as it refuses parallel password
     * guessing, and a login counts as under way until the protector has recorded it, which it does
     * off the request's thread (on a busy machine, after the answer has gone out). A user picked
     * at random could be logged in again at once; in turn, a thread's other users come first.
     */
    private static final java.util.concurrent.atomic.AtomicInteger THREAD_NUMBERS = new java.util.concurrent.atomic.AtomicInteger();
    private static final ThreadLocal<Integer> THREAD_NUMBER = ThreadLocal.withInitial(() -> THREAD_NUMBERS.getAndIncrement() % THREADS);
    private static final ThreadLocal<int[]> THREAD_LOGINS = ThreadLocal.withInitial(() -> new int[1]);

    @Test
    void aMixedLoadOnTwoNodesGetsOnlyExpectedAnswersAndLeavesNothingOnTheHeap() throws Exception {
        KeycloakCluster cluster = KeycloakCluster.shared();
        KeycloakServer a = cluster.nodeA();
        KeycloakServer b = cluster.nodeB();
        Duration duration = Duration.ofMinutes(Long.getLong("soak.minutes", 2));
        AdminApi admin = new AdminApi(a);
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            AdminApi.TestUser user = admin.newUser("soak" + i);
            if (i % 4 == 0) {
                admin.grantRealmRole(user.id(), "jitsi-moderator");
            }
            JitsiWebClient onA = new JitsiWebClient(a);
            JitsiWebClient onB = onA.onNode(b);
            people.add(new Person(user, onA, onB, new AtomicReference<>((i % 2 == 0 ? onA : onB).login(user.username(), user.password()))));
        }

        // Warm up (JIT, caches, connection pools) for WARM_UP_REQUESTS requests, then the heap as the load finds it.
        Load warmUp = Load.start(THREADS, 1, random -> request(random, people, a, b));
        try {
            assertThat(warmUp.await(o -> o.size() >= WARM_UP_REQUESTS, Duration.ofMinutes(5))).as("warm-up requests answered").isTrue();
        } finally {
            warmUp.stop();
        }
        Map<String, Long> heapAtStart = Map.of("node-a", a.heapAfterGc(), "node-b", b.heapAfterGc());

        Instant start = Instant.now();
        Load load = Load.start(THREADS, 2, random -> request(random, people, a, b));
        Thread.sleep(duration.toMillis());
        List<Load.Outcome> outcomes = load.stop();
        Map<String, Long> heapAtEnd = Map.of("node-a", a.heapAfterGc(), "node-b", b.heapAfterGc());

        String report = report(start, duration, outcomes, heapAtStart, heapAtEnd);
        System.out.println(report);
        Path reports = Files.createDirectories(Path.of("target", "benchmarks"));
        Files.writeString(reports.resolve("soak.md"), report);

        assertThat(outcomes).hasSizeGreaterThan(1000);
        assertThat(outcomes.stream().filter(o -> !o.expected()).map(o -> o.endpoint() + " on " + o.node() + ": " + o.problem()).limit(20))
                .as("unexpected answers").isEmpty();
        heapAtEnd.forEach((node, end) -> assertThat(end - heapAtStart.get(node)).as("heap growth of " + node).isLessThan(HEAP_GROWTH_LIMIT));
    }

    private static Load.Outcome request(Random random, List<Person> people, KeycloakServer a, KeycloakServer b) {
        KeycloakServer node = random.nextBoolean() ? a : b;
        String name = node == a ? "node-a" : "node-b";
        Person person = people.get(random.nextInt(people.size()));
        JitsiWebClient browser = node == a ? person.onA() : person.onB();
        JitsiWebClient.Tokens tokens = person.tokens().get();
        int dice = random.nextInt(100);
        long started = System.nanoTime();
        try {
            if (dice < 10) {
                int own = THREAD_NUMBER.get() + THREADS * (THREAD_LOGINS.get()[0]++ % (people.size() / THREADS));
                return login(name, node, people.get(own), started);
            } else if (dice < 35) {
                HttpResponse<String> refreshed = browser.refreshRaw(tokens.refreshToken());
                if (refreshed.statusCode() == 200) {
                    Map<String, Object> body = Json.object(refreshed.body());
                    person.tokens().set(new JitsiWebClient.Tokens((String) body.get("access_token"), (String) body.get("id_token"),
                            (String) body.get("refresh_token"), null, body));
                }
                return Load.Outcome.of("refresh grant", name, started, refreshed, 200);
            } else if (dice < 70) {
                return Load.Outcome.of("POST /jitsi/token", name, started,
                        browser.roomToken(tokens.accessToken(), Map.of("room", "Soak " + random.nextInt(50))), 200);
            } else if (dice < 90) {
                HttpResponse<String> join = browser.get(node.issuer() + "/jitsi/join?room=soak" + random.nextInt(50));
                boolean toMeeting = join.headers().firstValue("Location").orElse("").contains("#jwt=");
                return Load.Outcome.of("GET /jitsi/join", name, started, join, toMeeting ? 302 : -2);
            } else if (dice < 94) {
                return Load.Outcome.of("bad: room *", name, started, browser.roomToken(tokens.accessToken(), Map.of("room", "%2a")), 403);
            } else if (dice < 97) {
                return Load.Outcome.of("bad: forged token", name, started, browser.roomToken("eyJ.e30.AAAA", Map.of("room", "r")), 401);
            } else {
                return Load.Outcome.of("bad: forged state", name, started,
                        browser.get(node.issuer() + "/jitsi/join/callback?code=c&state=eyJhbGciOiJIUzI1NiJ9.e30.AAAA"), 400);
            }
        } catch (UncheckedIOException e) {
            return Load.Outcome.unreachable("unreachable", name, started, e);
        }
    }

    /** The guide's whole login (authorize, form, code exchange) and its logout, as one step. */
    private static Load.Outcome login(String name, KeycloakServer node, Person person, long started) {
        try {
            JitsiWebClient fresh = LOGIN_BROWSERS.get().computeIfAbsent(name, k -> new JitsiWebClient(node));
            fresh.forgetCookies();
            JitsiWebClient.Tokens tokens = fresh.login(person.user().username(), person.user().password());
            return Load.Outcome.of("login + logout", name, started, fresh.logout(tokens.idToken()), 302);
        } catch (AssertionError e) {
            return new Load.Outcome("login + logout", name, 0, false, "login failed: " + e.getMessage(), System.nanoTime() - started, started);
        }
    }

    private static String report(Instant start, Duration duration, List<Load.Outcome> outcomes,
                                 Map<String, Long> heapAtStart, Map<String, Long> heapAtEnd) {
        long first = outcomes.get(0).startedAt();
        long window = Math.max(Duration.ofSeconds(10).toNanos(), duration.toNanos() / 10);
        int windows = (int) Math.ceil((double) duration.toNanos() / window);
        Map<String, List<List<Long>>> latencies = new TreeMap<>();
        Map<String, int[]> counts = new TreeMap<>();
        for (Load.Outcome o : outcomes) {
            int w = (int) Math.min(windows - 1, (o.startedAt() - first) / window);
            latencies.computeIfAbsent(o.endpoint(), k -> {
                List<List<Long>> lists = new ArrayList<>();
                for (int i = 0; i < windows; i++) {
                    lists.add(new ArrayList<>());
                }
                return lists;
            }).get(w).add(o.nanos());
            int[] c = counts.computeIfAbsent(o.endpoint(), k -> new int[2]);
            c[0]++;
            c[1] += o.expected() ? 0 : 1;
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format("Soak: %d min on two clustered nodes (PostgreSQL, production mode), %d threads, %d users; started %s%n%n",
                duration.toMinutes(), THREADS, USERS, start));
        md.append("| endpoint | requests | unexpected | p99 ms per ").append(window / 1_000_000_000L).append(" s window |\n|---|---|---|---|\n");
        latencies.forEach((endpoint, perWindow) -> {
            StringBuilder p99s = new StringBuilder();
            for (List<Long> w : perWindow) {
                p99s.append(p99s.isEmpty() ? "" : " ").append(w.isEmpty() ? "-" : String.format("%.0f", p99(w) / 1e6));
            }
            md.append(String.format("| %s | %d | %d | %s |%n", endpoint, counts.get(endpoint)[0], counts.get(endpoint)[1], p99s));
        });
        md.append(String.format("%n| node | heap after GC at start | at end | growth |%n|---|---|---|---|%n"));
        heapAtStart.keySet().stream().sorted().forEach(node -> md.append(String.format("| %s | %.1f MB | %.1f MB | %+.1f MB |%n", node,
                heapAtStart.get(node) / 1048576.0, heapAtEnd.get(node) / 1048576.0, (heapAtEnd.get(node) - heapAtStart.get(node)) / 1048576.0)));
        md.append(String.format("%nStatuses: %s%n", Load.statuses(outcomes)));
        return md.toString();
    }

    private static double p99(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1));
    }
}
