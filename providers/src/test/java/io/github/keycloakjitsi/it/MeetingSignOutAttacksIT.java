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
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

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
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        trusted = new RSAKeyGenerator(2048).keyID("test-key").generate();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", KeycloakServer.freePort()), 0);
        byte[] body = new JWKSet(trusted.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/certs", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        prosody = ProsodyServer.start(server, "prosody-sign-out-attacks", Map.of("keycloak_logout_certs_url",
                ProsodyServer.lua("http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs")));
    }

    @AfterAll
    static void stop() {
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

            for (Map.Entry<String, UnaryOperator<String>> attack : attacks.entrySet()) {
                HttpResponse<String> answer = post(Http.form(Map.of("logout_token", attack.getValue().apply(null))), "application/x-www-form-urlencoded");
                assertThat(answer.statusCode()).as(attack.getKey() + ": " + answer.body()).isEqualTo(400);
                assertThat(Json.object(answer.body())).as(attack.getKey())
                        .containsEntry("error", "invalid_request").containsEntry("error_description", "Logout token refused: " + attack.getKey());
                assertThat(participant.isClosed()).as(attack.getKey() + " removed nobody").isFalse();
            }

            String real = sign(trusted, header(), claims(user.id(), sid));
            HttpResponse<String> json = post("{\"logout_token\":\"" + real + "\"}", "application/json");
            assertThat(json.statusCode()).as(json.body()).isEqualTo(415);
            HttpResponse<String> twice = post(Http.form(Map.of("logout_token", real)) + "&logout_token=" + real, "application/x-www-form-urlencoded");
            assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
            assertThat(participant.isClosed()).isFalse();

            HttpResponse<String> accepted = post(Http.form(Map.of("logout_token", real)), "application/x-www-form-urlencoded");
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

    // ---------------------------------------------------------------------------------------

    private static XmppClient join(String token) {
        return XmppClient.connect(prosody, token).joined().join("attacks", "p-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static HttpResponse<String> post(String body, String contentType) {
        return Http.send(HTTP, HttpRequest.newBuilder(URI.create(prosody.logoutUrl()))
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
