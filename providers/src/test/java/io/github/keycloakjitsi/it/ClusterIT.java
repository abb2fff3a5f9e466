package io.github.keycloakjitsi.it;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.context;
import static io.github.keycloakjitsi.it.JitsiLoginFlowIT.contextUser;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundle where operators run it ({@link KeycloakCluster}): production mode on PostgreSQL, two
 * clustered nodes behind a stand-in for Jitsi's nginx. The guide's login, room tokens, joins and
 * key rotation on it; sessions, single use, settings and keys across the nodes; and bad days: a
 * database restart under load, a hand-edited mapper, a node stopped under load.
 *
 * <p>Every test finds both nodes running and seeing each other, and leaves them so (a test that
 * stops or changes something puts it back, even when it fails): the tests hold in any order. Load
 * windows end when enough requests have been answered, never after a fixed time.
 */
class ClusterIT {

    private static final String MEETING_BASE = "https://jitsi.example.com/";
    /** How long the cluster may take to serve every request as it must again, after a bad day. */
    private static final Duration RECOVERY = Duration.ofMinutes(2);
    private KeycloakCluster cluster;
    private KeycloakServer a;
    private KeycloakServer b;
    private AdminApi adminA;

    @BeforeEach
    void wholeCluster() {
        cluster = KeycloakCluster.shared();
        a = cluster.nodeA();
        b = cluster.nodeB();
        adminA = new AdminApi(a);
    }

    private static String location(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    private static String joinUrl(KeycloakServer node, String query) {
        return node.issuer() + "/jitsi/join?" + query;
    }

    @Test
    void twoNodesInProductionModeFormOneClusterThroughTheDatabase() {
        for (KeycloakServer node : List.of(a, b)) {
            String log = node.log();
            assertThat(log).as("production mode").contains("Profile prod activated").doesNotContain("Profile dev activated");
            assertThat(log).contains("JDBC_PING");
            assertThat(KeycloakCluster.clusterViewSize(node)).as("Infinispan's view of the cluster").isEqualTo(2);
            assertThat(log).containsPattern("Listening on: http://127\\.0\\.0\\.1:\\d+");
        }
        assertThat(cluster.postgres().psql(KeycloakCluster.DATABASE, "select count(*) from realm where name = 'jitsi-realm'"))
                .as("the realm export imported once, into PostgreSQL").isEqualTo("1");
    }

    @Test
    void theGuidesLoginRoomTokensAndJoinWorkOnProductionPostgres() throws Exception {
        AdminApi.TestUser user = adminA.newUser("prod");
        adminA.grantRealmRole(user.id(), "jitsi-moderator");
        JitsiWebClient browser = new JitsiWebClient(a);

        JitsiWebClient.Tokens tokens = browser.login(user.username(), user.password());
        Map<String, Object> claims = ProsodyRules.guide(a).verify(tokens.accessToken());
        assertThat(claims).containsEntry("iss", "https://jitsi.example.com/realms/jitsi-realm").containsEntry("aud", ProsodyRules.Settings.JITSI_AUDIENCE);
        assertThat(ProsodyRules.isOwner(claims)).isTrue();

        HttpResponse<String> roomToken = browser.roomToken(tokens.accessToken(), Map.of("room", "Production"));
        assertThat(roomToken.statusCode()).as(roomToken.body()).isEqualTo(200);
        Map<String, Object> body = Json.object(roomToken.body());
        assertThat((String) body.get("url")).startsWith(MEETING_BASE + "production#jwt=");
        assertThat(ProsodyRules.roomTokens(a).verify((String) body.get("token"))).containsEntry("room", "production").containsEntry("sub", "jitsi.example.com");

        JitsiWebClient anonymous = new JitsiWebClient(a);
        String toLogin = location(anonymous.get(joinUrl(a, "room=Weekly")));
        String toCallback = location(anonymous.submitLogin(anonymous.get(toLogin), user.username(), user.password()));
        String meeting = location(anonymous.get(toCallback));
        assertThat(meeting).startsWith(MEETING_BASE + "weekly#jwt=");
        assertThat(ProsodyRules.isOwner(ProsodyRules.roomTokens(a).verify(JitsiJoinIT.jwtOf(meeting)))).isTrue();
    }

    @Test
    void aLoginOnNodeAIsRefreshedAndTurnedIntoRoomTokensOnNodeB() throws Exception {
        AdminApi.TestUser user = adminA.newUser("crossing");
        JitsiWebClient onA = new JitsiWebClient(a);
        JitsiWebClient.Tokens tokens = onA.login(user.username(), user.password());
        JitsiWebClient onB = onA.onNode(b);

        JitsiWebClient.Tokens refreshed = onB.refresh(tokens.refreshToken());
        assertThat(ProsodyRules.guide(b).verify(refreshed.accessToken())).containsEntry("sub", user.id());
        assertThat(onB.userInfo(tokens.accessToken()).statusCode()).isEqualTo(200);

        HttpResponse<String> roomToken = onB.roomToken(tokens.accessToken(), Map.of("room", "crossing"));
        assertThat(roomToken.statusCode()).as(roomToken.body()).isEqualTo(200);
        assertThat(ProsodyRules.roomTokens(b).verify((String) Json.object(roomToken.body()).get("token"))).containsEntry("room", "crossing");

        // Signed in on A: B sends the same browser straight to the meeting.
        assertThat(location(onB.get(joinUrl(b, "room=Straight")))).startsWith(MEETING_BASE + "straight#jwt=");
    }

    @Test
    void aJoinStartedOnNodeAEndsOnNodeBAndItsCallbackCountsOnceInTheCluster() {
        AdminApi.TestUser user = adminA.newUser("joiner");
        JitsiWebClient onA = new JitsiWebClient(a);
        String toLogin = location(onA.get(joinUrl(a, "room=Across")));
        String toCallback = location(onA.submitLogin(onA.get(toLogin), user.username(), user.password()));

        JitsiWebClient onB = onA.onNode(b);
        assertThat(location(onB.get(toCallback))).startsWith(MEETING_BASE + "across#jwt=");

        JitsiTokenRefusalsIT.assertRefused(onA.get(toCallback), 400, "invalid_state");
        JitsiTokenRefusalsIT.assertRefused(onB.get(toCallback), 400, "invalid_state");
    }

    @Test
    void aMapperChangeOnNodeAShowsInTheNextTokenFromNodeB() throws Exception {
        AdminApi.TestUser user = adminA.newUser("settings");
        JitsiWebClient onB = new JitsiWebClient(b);
        JitsiWebClient.Tokens tokens = onB.login(user.username(), user.password());
        assertThat(contextUser(ProsodyRules.payload(tokens.accessToken()))).doesNotContainKey("email");
        assertThat(onB.roomToken(tokens.accessToken(), Map.of("room", "before")).statusCode()).as("B has read the settings").isEqualTo(200);

        adminA.withJitsiSettings(Map.of("jitsi.user.email", "true", "jitsi.token.lifetime", "120",
                "jitsi.features.everyone", "screen-sharing"), () -> {
            Map<String, Object> refreshed = ProsodyRules.payload(onB.refresh(tokens.refreshToken()).accessToken());
            assertThat(contextUser(refreshed)).as("no stale settings on B").containsEntry("email", user.username() + "@example.test");
            assertThat(context(refreshed)).containsKey("features");
            Map<String, Object> roomToken = Json.object(onB.roomToken(tokens.accessToken(), Map.of("room", "after")).body());
            assertThat(((Number) roomToken.get("expires_in")).longValue()).isLessThanOrEqualTo(120);
        });
        assertThat(contextUser(ProsodyRules.payload(onB.refresh(tokens.refreshToken()).accessToken())))
                .as("and back").doesNotContainKey("email");
    }

    @Test
    void aKeyRotatedOnNodeASignsOnNodeB() throws Exception {
        String keyId = adminA.addRsaKey("cluster-rotation", adminA.activeRs256Priority() + 100);
        try {
            String newKid = adminA.kidOf(keyId);

            AdminApi.TestUser user = adminA.newUser("rotated");
            JitsiWebClient onB = new JitsiWebClient(b);
            JitsiWebClient.Tokens tokens = onB.login(user.username(), user.password());
            assertThat(SignedJWT.parse(tokens.accessToken()).getHeader().getKeyID()).isEqualTo(newKid);
            String roomToken = (String) Json.object(onB.roomToken(tokens.accessToken(), Map.of("room", "rotated")).body()).get("token");
            assertThat(SignedJWT.parse(roomToken).getHeader().getKeyID()).isEqualTo(newKid);
            assertThat(ProsodyRules.guide(b).verify(tokens.accessToken())).containsEntry("sub", user.id());
            assertThat(ProsodyRules.roomTokens(a).verify(roomToken)).as("A publishes B's key").containsEntry("room", "rotated");
        } finally {
            // The realm's keys as the other tests found them.
            adminA.realm().components().component(keyId).remove();
        }
    }

    /**
     * Invitations live in the database both nodes share: made on A, used and revoked on B; an
     * expiry written to the database counts at once on both; the last use goes to exactly one of
     * the guests racing on the two nodes. The database holds the SHA-256 of a link's key, never the key.
     */
    @Test
    void anInvitationMadeOnNodeAIsUsedRevokedAndExpiredOnNodeB() throws Exception {
        AdminApi.TestUser host = adminA.newUser("clusterhost");
        String accessToken = new JitsiWebClient(a).login(host.username(), host.password()).accessToken();
        Map<String, Object> invite = InvitesIT.invite(a, accessToken, Map.of("room", "Cluster Guests"));
        String url = (String) invite.get("url");
        String key = url.substring(url.lastIndexOf('/') + 1);
        String id = (String) invite.get("id");
        PostgresServer postgres = cluster.postgres();
        assertThat(postgres.psql(KeycloakCluster.DATABASE, "select key_hash from jitsi_invite where id = '" + id + "'"))
                .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(postgres.psql(KeycloakCluster.DATABASE, "select count(*) from jitsi_invite where jitsi_invite::text like '%" + key + "%'"))
                .as("the key itself is stored nowhere").isEqualTo("0");

        String token = InvitesIT.guestToken(new JitsiWebClient(b).post(url, Map.of("name", "Guest on B")), MEETING_BASE + "cluster%20guests");
        assertThat(contextUser(ProsodyRules.roomTokens(b).verify(token))).containsEntry("name", "Guest on B").containsEntry("affiliation", "member");
        assertThat(new JitsiWebClient(b).revokeInvite(accessToken, id).statusCode()).isEqualTo(204);
        InvitesIT.assertNoEntry(new JitsiWebClient(a).post(url, Map.of("name", "Late on A")), 410, "jitsiInvite_invite_ended");

        String expiring = (String) InvitesIT.invite(b, accessToken, Map.of("room", "Cluster Guests")).get("url");
        assertThat(new JitsiWebClient(a).get(expiring).statusCode()).isEqualTo(200);
        postgres.psql(KeycloakCluster.DATABASE, "update jitsi_invite set expires_at = extract(epoch from now())::bigint - 1"
                + " where key_hash = encode(sha256('" + expiring.substring(expiring.lastIndexOf('/') + 1) + "'::bytea), 'hex')");
        InvitesIT.assertNoEntry(new JitsiWebClient(a).get(expiring), 410, "jitsiInvite_invite_ended");
        InvitesIT.assertNoEntry(new JitsiWebClient(b).post(expiring, Map.of("name", "Too late")), 410, "jitsiInvite_invite_ended");

        String lastSeats = (String) InvitesIT.invite(a, accessToken, Map.of("room", "Cluster Guests", "max_uses", "3")).get("url");
        List<java.util.concurrent.Callable<HttpResponse<String>>> racers = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            KeycloakServer node = i % 2 == 0 ? a : b;
            String name = "Racer " + i;
            racers.add(() -> new JitsiWebClient(node).post(lastSeats, Map.of("name", name)));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<HttpResponse<String>> answers = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<HttpResponse<String>> f : pool.invokeAll(racers)) {
                answers.add(f.get());
            }
            assertThat(answers).filteredOn(r -> r.statusCode() == 302).as("exactly the invitation's uses").hasSize(3);
            assertThat(answers).filteredOn(r -> r.statusCode() != 302).allSatisfy(r -> {
                assertThat(r.statusCode()).isEqualTo(410);
                assertThat(r.headers().firstValue("Location")).isEmpty();
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Ended invitations go without anyone creating a new one: Keycloak's timer on the nodes (every
     * 2 s in this cluster) deletes those ended more than 30 days ago, and only those.
     */
    @Test
    void invitationsEndedLongAgoAreDeletedByTheClustersTimerTask() throws Exception {
        int logA = a.log().length();
        int logB = b.log().length();
        AdminApi.TestUser host = adminA.newUser("cleanuphost");
        String accessToken = new JitsiWebClient(a).login(host.username(), host.password()).accessToken();
        String old = (String) InvitesIT.invite(a, accessToken, Map.of("room", "Long Gone")).get("id");
        String recent = (String) InvitesIT.invite(b, accessToken, Map.of("room", "Just Ended")).get("id");
        String live = (String) InvitesIT.invite(b, accessToken, Map.of("room", "Still On")).get("id");
        PostgresServer postgres = cluster.postgres();
        postgres.psql(KeycloakCluster.DATABASE, "update jitsi_invite set expires_at = extract(epoch from now())::bigint - 31 * 24 * 3600"
                + " where id = '" + old + "'");
        postgres.psql(KeycloakCluster.DATABASE, "update jitsi_invite set revoked_at = extract(epoch from now())::bigint - 24 * 3600"
                + " where id = '" + recent + "'");
        java.util.function.Function<String, String> rows = id -> postgres.psql(KeycloakCluster.DATABASE,
                "select count(*) from jitsi_invite where id = '" + id + "'");

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!rows.apply(old).equals("0") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(rows.apply(old)).as("deleted within 30 s").isEqualTo("0");
        assertThat(rows.apply(recent)).as("ended a day ago: kept for the admin's list").isEqualTo("1");
        assertThat(rows.apply(live)).isEqualTo("1");
        assertThat(a.log().substring(logA) + b.log().substring(logB)).doesNotContain("Deleting ended Jitsi invitations failed");
    }

    @Test
    void aMapperHandEditedInTheDatabaseAddsNoJitsiClaimsTheServerStartsAndSaysWhy() throws Exception {
        String mapperId = adminA.jitsiMapper().getId();
        PostgresServer postgres = cluster.postgres();
        String insert = "insert into protocol_mapper_config (protocol_mapper_id, name, value) values ('" + mapperId
                + "', 'jitsi.features.everyone', 'teleport')";
        postgres.psql(KeycloakCluster.DATABASE, insert);
        try {
            clearRealmCache(a);
            AdminApi.TestUser user = adminA.newUser("handedit");
            JitsiWebClient onB = new JitsiWebClient(b);
            JitsiWebClient.Tokens tokens = onB.login(user.username(), user.password());
            assertThat(ProsodyRules.payload(tokens.accessToken())).as("a token, without Jitsi claims").doesNotContainKey("context");
            HttpResponse<String> refused = onB.roomToken(tokens.accessToken(), Map.of("room", "r"));
            JitsiTokenRefusalsIT.assertRefused(refused, 404, "not_configured");
            assertThat(Json.object(refused.body()).get("error_description").toString()).contains("see the server log");
            assertThat(b.log()).contains("has invalid settings").contains("unknown Jitsi feature \"teleport\"");

            b = cluster.restart(b);
            assertThat(ProsodyRules.payload(new JitsiWebClient(b).login(user.username(), user.password()).accessToken()))
                    .doesNotContainKey("context");
        } finally {
            postgres.psql(KeycloakCluster.DATABASE, "delete from protocol_mapper_config where protocol_mapper_id = '" + mapperId
                    + "' and name = 'jitsi.features.everyone'");
            clearRealmCache(a);
        }
        AdminApi.TestUser user = adminA.newUser("mended");
        assertThat(ProsodyRules.payload(new JitsiWebClient(b).login(user.username(), user.password()).accessToken()))
                .as("mended: claims again on every node").containsKey("context");
    }

    private static void clearRealmCache(KeycloakServer node) {
        new AdminApi(node).realm().clearRealmCache();
    }

    @Test
    void aPostgresRestartUnderLoadFailsCleanlyIssuesNothingUncheckedAndRecovers() throws Exception {
        AdminApi.TestUser user = adminA.newUser("outage");
        JitsiWebClient.Tokens tokens = new JitsiWebClient(a).login(user.username(), user.password());
        JitsiWebClient onA = new JitsiWebClient(a);
        JitsiWebClient onB = new JitsiWebClient(b);
        Load load = Load.start(4, 8, random -> mixedRequest(random, tokens, onA, onB));
        long restart;
        long back;
        boolean recovered;
        try {
            assertThat(load.await(o -> o.stream().filter(Load.Outcome::expected).count() >= 20, RECOVERY)).as("the load is under way").isTrue();
            restart = System.nanoTime();
            cluster.postgres().restart();
            back = System.nanoTime();
            recovered = load.await(o -> Load.expectedRunAtTheEnd(o, back).size() >= 100, RECOVERY);
        } finally {
            load.stop();
        }
        List<Load.Outcome> outcomes = load.snapshot();
        List<Load.Outcome> run = Load.expectedRunAtTheEnd(outcomes, back);

        System.out.println("PostgreSQL restart (" + (back - restart) / 1_000_000 + " ms) under load: " + Load.statuses(outcomes)
                + (run.isEmpty() ? "" : "; every answer as it must be from " + (run.get(0).startedAt() - back) / 1_000_000 + " ms after it was back"));
        assertThat(outcomes).as("nothing leaks a stack trace").noneMatch(o -> o.problem() != null && o.problem().startsWith("stack trace"));
        assertThat(outcomes).as("a bad request never gets a token").noneMatch(o -> o.endpoint().startsWith("bad") && o.status() == 200);
        assertThat(recovered).as("recovered by itself within " + RECOVERY.toSeconds() + " s: 100 answers in a row as they must be, the last"
                + " unexpected ones " + outcomes.stream().filter(o -> o.startedAt() > back && !o.expected()).map(Load.Outcome::problem)
                .reduce((x, y) -> y).orElse("none")).isTrue();
        assertThat(run).as("and still so when the load stopped").hasSizeGreaterThanOrEqualTo(100);
    }

    /** A room token, a refresh, or a bad request (room * spelled %2a, a forged token), on either node. */
    private static Load.Outcome mixedRequest(java.util.Random random, JitsiWebClient.Tokens tokens, JitsiWebClient onA, JitsiWebClient onB) {
        boolean toA = random.nextBoolean();
        String name = toA ? "a" : "b";
        JitsiWebClient client = toA ? onA : onB;
        long started = System.nanoTime();
        try {
            return switch (random.nextInt(4)) {
                case 0 -> Load.Outcome.of("room token", name, started, client.roomToken(tokens.accessToken(), Map.of("room", "load")), 200);
                case 1 -> Load.Outcome.of("refresh", name, started, client.refreshRaw(tokens.refreshToken()), 200);
                case 2 -> Load.Outcome.of("bad: room *", name, started, client.roomToken(tokens.accessToken(), Map.of("room", "%2a")), 403);
                default -> Load.Outcome.of("bad: forged token", name, started, client.roomToken("eyJ.forged.token", Map.of("room", "r")), 401);
            };
        } catch (UncheckedIOException e) {
            return Load.Outcome.unreachable("unreachable", name, started, e);
        }
    }

    @Test
    void nodeAStoppedUnderLoadNodeBKeepsServingAndSessionsSurvive() throws Exception {
        AdminApi.TestUser user = adminA.newUser("survivor");
        JitsiWebClient onA = new JitsiWebClient(a);
        JitsiWebClient.Tokens tokens = onA.login(user.username(), user.password());
        JitsiWebClient loadOnB = new JitsiWebClient(b);
        Load load = Load.start(3, 9, random -> {
            long started = System.nanoTime();
            try {
                return Load.Outcome.of("room token on B", "b", started,
                        loadOnB.roomToken(tokens.accessToken(), Map.of("room", "steady")), 200);
            } catch (UncheckedIOException e) {
                return Load.Outcome.unreachable("room token on B", "b", started, e);
            }
        });
        long stopped;
        try {
            assertThat(load.await(o -> o.stream().filter(Load.Outcome::expected).count() >= 20, RECOVERY)).as("the load is under way").isTrue();
            cluster.stop(a);
            stopped = System.nanoTime();
            KeycloakCluster.awaitViewSize(b, 1);

            JitsiWebClient onB = onA.onNode(b);
            assertThat(ProsodyRules.guide(b).verify(onB.refresh(tokens.refreshToken()).accessToken()))
                    .as("the session begun on A lives on in B").containsEntry("sub", user.id());
            assertThat(location(onB.get(joinUrl(b, "room=Survived")))).as("and the SSO cookie from A").startsWith(MEETING_BASE + "survived#jwt=");
            load.await(o -> o.stream().filter(x -> x.startedAt() > stopped).count() >= 50, RECOVERY);
        } finally {
            load.stop();
            if (!a.isAlive()) {
                a = cluster.restart(a);
            }
        }
        List<Load.Outcome> outcomes = load.snapshot();
        System.out.println("Node A stopped under load on B: " + Load.statuses(outcomes));
        assertThat(outcomes.stream().filter(o -> o.startedAt() > stopped)).as("answered on B after A stopped").hasSizeGreaterThanOrEqualTo(50);
        assertThat(outcomes).allMatch(Load.Outcome::expected);

        // Back in the cluster (cluster.restart waits for that) and serving the session begun on it.
        assertThat(location(onA.onNode(a).get(joinUrl(a, "room=Back")))).as("A serves again").startsWith(MEETING_BASE + "back#jwt=");
    }
}
