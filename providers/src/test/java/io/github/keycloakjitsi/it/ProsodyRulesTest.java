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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The verifier itself: it must refuse every token Prosody refuses, or the integration tests prove nothing. */
class ProsodyRulesTest {

    private static final String ISSUER = "https://meet.example.test/realms/jitsi-realm";
    private static RSAKey key;
    private static RSAKey otherKey;
    private static ProsodyRules rules;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        rules = ProsodyRules.withKeys(ProsodyRules.Settings.guide(ISSUER), new JWKSet(key.toPublicJWK()));
    }

    private static JWTClaimsSet.Builder good() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(ProsodyRules.Settings.JITSI_AUDIENCE).subject("user-1")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .claim("context", Map.of("user", Map.of("name", "Ada", "moderator", true)));
    }

    private static String sign(RSAKey with, JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    private static String sign(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(key, new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID("k1").build(), change.apply(good()).build());
    }

    @Test
    void acceptsAGoodToken() throws Exception {
        Map<String, Object> claims = rules.verify(sign(b -> b));
        assertThat(claims).containsEntry("aud", ProsodyRules.Settings.JITSI_AUDIENCE);
        assertThat(ProsodyRules.isOwner(claims)).isTrue();
    }

    @Test
    void refusesWhatProsodyRefuses() throws Exception {
        assertRejected(sign(b -> b.audience(List.of(ProsodyRules.Settings.JITSI_AUDIENCE, "account"))), "aud");
        assertRejected(sign(b -> b.audience("jitsi")), "aud");
        assertRejected(sign(b -> b.audience((String) null)), "aud");
        assertRejected(sign(b -> b.issuer("https://evil/realms/jitsi-realm")), "iss");
        assertRejected(sign(b -> b.subject(null)), "sub claim is missing");
        assertRejected(sign(b -> b.expirationTime(Date.from(Instant.now().minusSeconds(1)))), "expired");
        assertRejected(sign(b -> b.notBeforeTime(Date.from(Instant.now().plusSeconds(60)))), "nbf");
        assertRejected(sign(b -> b.claim("context", Map.of("user", Map.of("name", 42)))), "context.user.name");
        assertRejected(sign(b -> b.claim("context", Map.of("features", Map.of("recording", "yes")))), "context.features.recording");
        assertRejected(sign(key, new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt")).keyID("k1").build(), good().build()), "typ");
        assertRejected(sign(key, new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), good().build()), "kid");
        assertRejected(sign(key, new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID("k2").build(), good().build()), "unknown kid");
        assertRejected(sign(otherKey, new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID("k1").build(), good().build()), "signature");
        assertRejected(sign(key, new JWSHeader.Builder(JWSAlgorithm.RS384).type(JOSEObjectType.JWT).keyID("k1").build(), good().build()), "alg");
    }

    @Test
    void requiresARoomWhenConfigured() throws Exception {
        ProsodyRules strict = ProsodyRules.withKeys(new ProsodyRules.Settings(Set.of(ISSUER), Set.of("*"), true, "RS256"), new JWKSet(key.toPublicJWK()));
        assertThatThrownBy(() -> strict.verify(sign(b -> b))).hasMessageContaining("room claim is missing");
        assertThat(strict.verify(sign(b -> b.claim("room", "*").audience(List.of("a", "b"))))).containsKey("room");
    }

    @Test
    void checksHs256WithTheSharedSecret() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes();
        ProsodyRules hmac = ProsodyRules.withSecret(new ProsodyRules.Settings(Set.of(ISSUER), Set.of(ProsodyRules.Settings.JITSI_AUDIENCE), false, "HS256"), secret);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), good().build());
        jwt.sign(new MACSigner(secret));
        assertThat(hmac.verify(jwt.serialize())).containsEntry("sub", "user-1");
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), good().build());
        forged.sign(new MACSigner("another-secret-another-secret-xx".getBytes()));
        assertThatThrownBy(() -> hmac.verify(forged.serialize())).hasMessageContaining("signature");
    }

    @Test
    void roomCheckWithDomainVerification() {
        Map<String, Object> forRoom = Map.of("room", "caf%c3%a9", "sub", "meet.example.test");
        assertThat(rules.allowsRoom(forRoom, "caf%c3%a9", "meet.example.test", null)).isTrue();
        assertThat(rules.allowsRoom(forRoom, "other", "meet.example.test", null)).isFalse();
        assertThat(rules.allowsRoom(Map.of("room", "caf%c3%a9", "sub", "user-uuid"), "caf%c3%a9", "meet.example.test", null)).isFalse();
        assertThat(rules.allowsRoom(Map.of("room", "*", "sub", "*"), "any", "meet.example.test", "acme")).isTrue();
        assertThat(rules.allowsRoom(Map.of("room", "r", "sub", "acme"), "r", "meet.example.test", "acme")).isTrue();
        assertThat(rules.allowsRoom(Map.of("sub", "user-uuid"), "r", "meet.example.test", null)).isTrue();
    }

    @Test
    void ownershipFollowsModTokenAffiliation() {
        assertThat(ProsodyRules.isOwner(Map.of("context", Map.of("user", Map.of("affiliation", "teacher"))))).isTrue();
        assertThat(ProsodyRules.isOwner(Map.of("context", Map.of("user", Map.of("moderator", "true"))))).isTrue();
        assertThat(ProsodyRules.isOwner(Map.of("context", Map.of("user", Map.of("affiliation", "member", "moderator", false))))).isFalse();
        assertThat(ProsodyRules.isOwner(Map.of("moderator", true))).as("a top-level moderator claim is ignored").isFalse();
    }

    private static void assertRejected(String token, String reason) {
        assertThatThrownBy(() -> rules.verify(token)).isInstanceOf(ProsodyRules.Rejected.class).hasMessageContaining(reason);
    }
}
