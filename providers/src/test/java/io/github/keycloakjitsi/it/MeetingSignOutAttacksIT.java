package io.github.keycloakjitsi.it;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing but a true logout token reaches the meeting. Participants sign in to Debian's Prosody
 * with real Keycloak tokens; {@code mod_keycloak_logout} there trusts, for logout tokens, a key the
 * test holds (served as a JWKS on loopback: {@code keycloak_logout_certs_url}), so each attack
 * below is a token that is right in every part but one, signed like the real one. Each gets 400
 * (415 for a body that is no form) with the reason, and the participant it names stays; the real
 * one removes them, so the test would see a removal.
 */
class MeetingSignOutAttacksIT {

    private static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

    private static KeycloakServer server;
    private static AdminApi admin;
    private static HttpServer jwks;
    private static ProsodyServer prosody;
    private static RSAKey trusted;
    /** A key the JWKS lists only once {@link #rotate} (a new realm key). */
    private static RSAKey rotated;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** How the test's JWKS answers: the keys, HTTP 500, or never (the connection held open). */
    private enum Jwks { OK, FAIL, HANG }

    private static final AtomicReference<Jwks> JWKS_MODE = new AtomicReference<>(Jwks.OK);
    private static final AtomicBoolean ROTATED = new AtomicBoolean();
    private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
    private static final CountDownLatch STOPPING = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        trusted = new RSAKeyGenerator(2048).keyID("test-key").generate();
        rotated = new RSAKeyGenerator(2048).keyID("rotated-key").generate();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", KeycloakServer.freePort()), 0);
        jwks.setExecutor(Executors.newCachedThreadPool());
        jwks.createContext("/certs", exchange -> {
            JWKS_FETCHES.incrementAndGet();
            try (exchange) {
                switch (JWKS_MODE.get()) {
                    case FAIL -> exchange.sendResponseHeaders(500, -1);
                    case HANG -> STOPPING.await();
                    case OK -> {
                        JWKSet keys = ROTATED.get() ? new JWKSet(List.of(trusted.toPublicJWK(), rotated.toPublicJWK())) : new JWKSet(trusted.toPublicJWK());
                        byte[] body = keys.toString().getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().add("Content-Type", "application/json");
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        jwks.start();
        prosody = ProsodyServer.start(server, "prosody-sign-out-attacks", Map.of("keycloak_logout_certs_url",
                ProsodyServer.lua("http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs")));
    }

    @AfterAll
    static void stop() {
        STOPPING.countDown();
        if (prosody != null) {
            prosody.close();
        }
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    @Test
    void onlyATrueLogoutTokenRemovesAnyone() throws Exception {
        AdminApi.TestUser user = admin.newUser("target");
        String token = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        String sid = (String) ProsodyRules.payload(token).get("sid");
        AdminApi.TestUser witness = admin.newUser("witness");
        try (XmppClient observer = join(new JitsiWebClient(server).login(witness.username(), witness.password()).accessToken());
             XmppClient participant = join(token)) {
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("test-key").generate();
            Map<String, UnaryOperator<String>> attacks = new java.util.LinkedHashMap<>();
            attacks.put("bad signature", ignored -> sign(stranger, header(), claims(user.id(), sid)));
            attacks.put("unknown kid", ignored -> sign(trusted, new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("logout+jwt"))
                    .keyID("another-key").build(), claims(user.id(), sid)));
            attacks.put("alg must be RS256", ignored -> hs256(claims(user.id(), sid)));
            attacks.put("logout_token is not a signed JWT", ignored -> unsigned(claims(user.id(), sid)));
            attacks.put("typ must be logout+jwt", ignored -> sign(trusted, new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .type(JOSEObjectType.JWT).keyID("test-key").build(), claims(user.id(), sid)));
            attacks.put("wrong issuer", ignored -> sign(trusted, header(), with(claims(user.id(), sid), b -> b.issuer(server.issuer() + "-other"))));
            attacks.put("wrong audience", ignored -> sign(trusted, header(), with(claims(user.id(), sid), b -> b.audience("account"))));
            attacks.put("expired", ignored -> sign(trusted, header(), with(claims(user.id(), sid),
                    b -> b.issueTime(Date.from(Instant.now().minusSeconds(200))).expirationTime(Date.from(Instant.now().minusSeconds(80))))));
            attacks.put("iat too old or in the future", ignored -> sign(trusted, header(), with(claims(user.id(), sid),
                    b -> b.issueTime(Date.from(Instant.now().minusSeconds(3600))))));
            attacks.put("not a back-channel logout event", ignored -> sign(trusted, header(), with(claims(user.id(), sid), b -> b.claim("events", null))));
            attacks.put("nonce not allowed", ignored -> sign(trusted, header(), with(claims(user.id(), sid), b -> b.claim("nonce", "n"))));
            attacks.put("jti missing", ignored -> sign(trusted, header(), with(claims(user.id(), sid), b -> b.jwtID(null))));
            attacks.put("sub or sid missing", ignored -> sign(trusted, header(), with(claims(user.id(), sid), b -> b.subject(null).claim("sid", null))));
            attacks.put("signed_out_at must be a whole number, not after iat", ignored -> sign(trusted, header(), with(claims(user.id(), sid),
                    b -> b.claim("signed_out_at", Instant.now().getEpochSecond() + 60))));

            for (Map.Entry<String, UnaryOperator<String>> attack : attacks.entrySet()) {
                HttpResponse<String> answer = post(Http.form(Map.of("logout_token", attack.getValue().apply(null))), "application/x-www-form-urlencoded");
                assertThat(answer.statusCode()).as(attack.getKey() + ": " + answer.body()).isEqualTo(400);
                assertThat(Json.object(answer.body())).as(attack.getKey())
                        .containsEntry("error", "invalid_request").containsEntry("error_description", "Logout token refused: " + attack.getKey());
                assertThat(participant.isClosed()).as(attack.getKey() + " removed nobody").isFalse();
            }

            // Numbers that are no whole seconds, written into the JSON as they come
            long now = Instant.now().getEpochSecond();
            Map<String, String> numbers = new java.util.LinkedHashMap<>();
            numbers.put("\"exp\":1e400", "exp missing or not a whole number");
            numbers.put("\"exp\":" + (now + 120) + ".5", "exp missing or not a whole number");
            numbers.put("\"exp\":\"" + (now + 120) + "\"", "exp missing or not a whole number");
            numbers.put("\"iat\":" + now + ".5", "iat missing or not a whole number");
            numbers.put("\"signed_out_at\":" + (now - 10) + ".5", "signed_out_at must be a whole number, not after iat");
            numbers.put("\"signed_out_at\":\"" + (now - 10) + "\"", "signed_out_at must be a whole number, not after iat");
            for (Map.Entry<String, String> number : numbers.entrySet()) {
                String name = number.getKey().substring(1, number.getKey().indexOf('"', 1));
                String json = with(claims(user.id(), sid), b -> b.claim(name, null)).toString();
                String payload = json.substring(0, json.length() - 1) + "," + number.getKey() + "}";
                HttpResponse<String> answer = post(Http.form(Map.of("logout_token", signJson(trusted, header(), payload))), "application/x-www-form-urlencoded");
                assertThat(answer.statusCode()).as(number.getKey() + ": " + answer.body()).isEqualTo(400);
                assertThat(Json.object(answer.body())).as(number.getKey()).containsEntry("error_description", "Logout token refused: " + number.getValue());
                assertThat(participant.isClosed()).as(number.getKey() + " removed nobody").isFalse();
            }

            String real = sign(trusted, header(), claims(user.id(), sid));
            HttpResponse<String> json = post("{\"logout_token\":\"" + real + "\"}", "application/json");
            assertThat(json.statusCode()).as(json.body()).isEqualTo(415);
            for (String type : List.of("application/x-www-form-urlencodedX", "application/x-www-form-urlencoded-evil",
                    "application/x-www-form-urlencoded, text/plain", "text/plain; application/x-www-form-urlencoded", "")) {
                HttpResponse<String> wrongType = post(Http.form(Map.of("logout_token", real)), type);
                assertThat(wrongType.statusCode()).as("Content-Type " + type + ": " + wrongType.body()).isEqualTo(415);
            }
            HttpResponse<String> twice = post(Http.form(Map.of("logout_token", real)) + "&logout_token=" + real, "application/x-www-form-urlencoded");
            assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
            assertThat(participant.isClosed()).isFalse();

            HttpResponse<String> accepted = post(Http.form(Map.of("logout_token", real)), "Application/X-WWW-Form-URLEncoded ; charset=UTF-8");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            MeetingSignOutIT.waitUntil(() -> participant.isClosed() && observer.sawLeave(participant), MeetingSignOutIT.BOUND, "the real one removes");
            assertThat(observer.isClosed()).isFalse();
        }
    }

    @Test
    void aReplayedLogoutTokenRemovesNobody() throws Exception {
        AdminApi.TestUser user = admin.newUser("replayed");
        String first = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        String logout = sign(trusted, header(), claims(user.id(), null));
        try (XmppClient participant = join(first)) {
            assertThat(post(Http.form(Map.of("logout_token", logout)), "application/x-www-form-urlencoded").statusCode()).isEqualTo(200);
            MeetingSignOutIT.waitUntil(participant::isClosed, MeetingSignOutIT.BOUND, "signed out");
        }
        MeetingSignOutIT.nextSecond();
        try (XmppClient later = join(new JitsiWebClient(server).login(user.username(), user.password()).accessToken())) {
            HttpResponse<String> replay = post(Http.form(Map.of("logout_token", logout)), "application/x-www-form-urlencoded");
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(400);
            assertThat(Json.object(replay.body())).containsEntry("error_description", "Logout token refused: jti already used");
            assertThat(later.isClosed()).as("a token signed in after the sign-out stays").isFalse();
        }
    }

    @Test
    void aBodyLargerThanALogoutTokenIsRefusedBeforeItIsRead() {
        AdminApi.TestUser user = admin.newUser("padded");
        String token = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        try (XmppClient participant = join(token)) {
            String real = sign(trusted, header(), claims(user.id(), null));
            HttpResponse<String> padded = post(Http.form(Map.of("logout_token", real)) + "&pad=" + "a".repeat(8192), "application/x-www-form-urlencoded");
            assertThat(padded.statusCode()).as(padded.body()).isEqualTo(413);
            HttpResponse<String> big = post("a=b&".repeat(250_000), "application/x-www-form-urlencoded");
            assertThat(big.statusCode()).as("1 MB of fields").isEqualTo(413);
            assertThat(participant.isClosed()).isFalse();

            HttpResponse<String> alone = post(Http.form(Map.of("logout_token", real)), "application/x-www-form-urlencoded");
            assertThat(alone.statusCode()).as("the same token alone: " + alone.body()).isEqualTo(200);
            MeetingSignOutIT.waitUntil(participant::isClosed, MeetingSignOutIT.BOUND, "signed out");
        }
    }

    /**
     * A session's logout token that names another user removes nobody, and refuses nobody's tokens
     * either: what is refused at the next login is what would have been removed.
     */
    @Test
    void aSessionsLogoutTokenNamingAnotherUserNeitherRemovesNorRefuses() {
        AdminApi.TestUser user = admin.newUser("session-owner");
        AdminApi.TestUser other = admin.newUser("session-other");
        String token = new JitsiWebClient(server).login(user.username(), user.password()).accessToken();
        String sid = (String) ProsodyRules.payload(token).get("sid");
        try (XmppClient participant = join(token)) {
            HttpResponse<String> answer = post(Http.form(Map.of("logout_token", sign(trusted, header(), claims(other.id(), sid)))),
                    "application/x-www-form-urlencoded");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            try (XmppClient again = join(token)) {
                assertThat(again.isClosed()).as("the session's token still signs in").isFalse();
            }
            assertThat(participant.isClosed()).isFalse();

            assertThat(post(Http.form(Map.of("logout_token", sign(trusted, header(), claims(user.id(), sid)))),
                    "application/x-www-form-urlencoded").statusCode()).isEqualTo(200);
            MeetingSignOutIT.waitUntil(participant::isClosed, MeetingSignOutIT.BOUND, "the session's own logout token removes");
            assertThat(XmppClient.connect(prosody, token).client()).isNull();
        }
    }

    /**
     * While the realm's /certs fails, however many logout tokens with an unknown kid come, Prosody
     * fetches it at most once every 10 seconds.
     */
    @Test
    void aFailingKeySetIsFetchedAtMostEveryTenSeconds() {
        JWKS_MODE.set(Jwks.FAIL);
        try {
            // The last fetch may have been less than 10 s ago: wait for the next one, with a bound.
            int before = JWKS_FETCHES.get();
            MeetingSignOutIT.waitUntil(() -> unknownKid().statusCode() == 400 && JWKS_FETCHES.get() > before, Duration.ofSeconds(30),
                    "a fetch of the keys for an unknown kid");
            int fetches = JWKS_FETCHES.get();
            Instant start = Instant.now();
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> answer = unknownKid();
                assertThat(Json.object(answer.body())).containsEntry("error_description", "Logout token refused: unknown kid");
            }
            long tens = Duration.between(start, Instant.now()).toSeconds() / 10;
            assertThat(JWKS_FETCHES.get() - fetches).as("fetches for 30 unknown kids in " + Duration.between(start, Instant.now()))
                    .isLessThanOrEqualTo((int) tens);
        } finally {
            JWKS_MODE.set(Jwks.OK);
        }
    }

    /**
     * A /certs fetch that never gets an answer is given up after a few seconds: the logout token
     * that waited for it is answered, and the next fetch (10 s after) reads a new key.
     */
    @Test
    void aKeySetThatNeverAnswersHoldsNothingUp() {
        JWKS_MODE.set(Jwks.HANG);
        try {
            int before = JWKS_FETCHES.get();
            MeetingSignOutIT.waitUntil(() -> unknownKid().statusCode() == 400 && JWKS_FETCHES.get() > before, Duration.ofSeconds(40),
                    "a fetch of the keys for an unknown kid, given up after a few seconds; Prosody: " + prosody.warnings());
            assertThat(prosody.warnings()).anySatisfy(w -> assertThat(w).contains("gave up"));

            ROTATED.set(true);
            JWKS_MODE.set(Jwks.OK);
            MeetingSignOutIT.waitUntil(() -> post(Http.form(Map.of("logout_token", sign(rotated, new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .type(new JOSEObjectType("logout+jwt")).keyID("rotated-key").build(), claims("nobody-" + UUID.randomUUID(), null)))),
                            "application/x-www-form-urlencoded").statusCode() == 200,
                    Duration.ofSeconds(30), "a token of the new key taken; Prosody: " + prosody.warnings());
        } finally {
            JWKS_MODE.set(Jwks.OK);
        }
    }

    /** Each sign-out, and each logout token's id, is its own small record in Prosody's storage. */
    @Test
    void eachSignOutIsStoredOnItsOwn() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(post(Http.form(Map.of("logout_token", sign(trusted, header(), claims("stored-" + UUID.randomUUID(), null)))),
                    "application/x-www-form-urlencoded").statusCode()).isEqualTo(200);
        }
        Path entries = prosody.storeDir("keycloak_logout_entries");
        try (Stream<Path> files = Files.list(entries)) {
            List<Path> records = files.filter(f -> f.toString().endsWith(".dat")).toList();
            assertThat(records).as("a record per sign-out and per logout token id").hasSizeGreaterThanOrEqualTo(6);
            for (Path record : records) {
                assertThat(Files.size(record)).as(record.toString()).isLessThan(1024);
            }
        }
        assertThat(prosody.storeDir("keycloak_logout").resolve("signed_out.dat")).as("no one record of all").doesNotExist();
    }

    // ---------------------------------------------------------------------------------------

    /** A logout token, true in every part, of a kid Prosody does not know. */
    private static HttpResponse<String> unknownKid() {
        return Http.send(HTTP, HttpRequest.newBuilder(URI.create(prosody.logoutUrl()))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(Map.of("logout_token", sign(trusted,
                        new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("logout+jwt")).keyID("kid-" + UUID.randomUUID()).build(),
                        claims("nobody", null)))))).build());
    }

    private static XmppClient join(String token) {
        return XmppClient.connect(prosody, token).joined().join("attacks", "p-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static HttpResponse<String> post(String body, String contentType) {
        return Http.send(HTTP, HttpRequest.newBuilder(URI.create(prosody.logoutUrl())).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JWSHeader header() {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("logout+jwt")).keyID("test-key").build();
    }

    /** A logout token as Keycloak makes one (see MeetingSignOut), for {@code sub} and {@code sid}. */
    private static JWTClaimsSet claims(String sub, String sid) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString()).issuer(server.issuer()).audience("jitsi").subject(sub)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120)))
                .claim("events", Map.of(EVENT, Map.of()));
        if (sid != null) {
            builder.claim("sid", sid);
        }
        return builder.build();
    }

    /** Signs a payload written as given (numbers as JSON writes them, which Nimbus would not). */
    private static String signJson(RSAKey key, JWSHeader header, String payload) {
        try {
            com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(header, new com.nimbusds.jose.Payload(payload));
            jws.sign(new RSASSASigner(key));
            return jws.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet with(JWTClaimsSet claims, UnaryOperator<JWTClaimsSet.Builder> change) {
        return change.apply(new JWTClaimsSet.Builder(claims)).build();
    }

    private static String sign(RSAKey key, JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** HS256 keyed with the trusted public key's modulus: the classic algorithm confusion. */
    private static String hs256(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("logout+jwt")).keyID("test-key").build(), claims);
            jwt.sign(new MACSigner(trusted.getModulus().decode()));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** alg none, no signature. */
    private static String unsigned(JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"logout+jwt\",\"kid\":\"test-key\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
