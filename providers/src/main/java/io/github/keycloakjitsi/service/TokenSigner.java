package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.core.JitsiContext;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenClaims;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.keycloak.KeycloakUserFacts;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.crypto.MacSignatureSignerContext;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.jose.jws.JWSBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.SessionExpirationUtils;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.vault.VaultStringSecret;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Signs room-scoped Jitsi tokens with Keycloak's own machinery: the realm's active RS256 key
 * (its kid is in /certs) through Keycloak's signature provider, or HS256 with the shared secret
 * read from Keycloak's vault.
 */
final class TokenSigner {

    private final KeycloakSession session;
    private final RealmModel realm;

    TokenSigner(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    Issued forUser(JitsiSettings settings, UserSessionModel userSession, RoomRequest request, String issuer) throws Refusal {
        JitsiContext context = JitsiContext.forRoom(settings, new KeycloakUserFacts(session, realm, userSession.getUser()), request);
        return sign(settings.roomTokens(), request, RoomTokenClaims.of(settings, context, request, issuer,
                Now.seconds(), sessionEndsAt(userSession)), userSession.getId());
    }

    /**
     * A guest's token for the invitation's room: member, the guest's name, never past the
     * invitation's end. Its user id names the invitation and this use, never a user of the realm.
     */
    Issued forGuest(JitsiSettings settings, String inviteId, long inviteEndsAt, RoomRequest request, String name,
                    String issuer) throws Refusal {
        String guestId = inviteId + ":" + SecretGenerator.getInstance().randomString(8);
        JitsiContext context = JitsiContext.guest(settings, guestId, name);
        return sign(settings.roomTokens(), request, RoomTokenClaims.of(settings, context, request, issuer,
                Now.seconds(), inviteEndsAt), null);
    }

    /**
     * @param sid the SSO session the token was issued from, or null (guests): a sign-out of that
     *            session (Keycloak's back-channel logout names it) finds the participants who joined with it
     */
    private Issued sign(RoomTokenSettings settings, RoomRequest request, RoomTokenClaims claims, String sid) throws Refusal {
        JsonWebToken jwt = new JsonWebToken()
                .id(UUID.randomUUID().toString())
                .type(RoomTokenClaims.TYPE)
                .issuer(claims.issuer())
                .audience(claims.audience())
                .subject(claims.subject())
                .iat(claims.issuedAt())
                .nbf(claims.notBefore())
                .exp(claims.expiresAt());
        if (sid != null) {
            jwt.setOtherClaims("sid", sid);
        }
        jwt.setOtherClaims("room", claims.room());
        jwt.setOtherClaims("context", claims.context());
        return new Issued(sign(settings, jwt), request, claims);
    }

    /** Prosody wants header typ exactly "JWT" and, in key mode, an RS* alg with a kid. */
    private String sign(RoomTokenSettings settings, JsonWebToken jwt) throws Refusal {
        JWSBuilder.EncodingBuilder jws = new JWSBuilder().type("JWT").jsonContent(jwt);
        if (settings.algorithm() == RoomTokenSettings.Algorithm.HS256) {
            KeyWrapper secret = new KeyWrapper();
            secret.setAlgorithm(Algorithm.HS256);
            secret.setSecretKey(new SecretKeySpec(sharedSecret(settings.secret()), "HmacSHA256"));
            return jws.sign(new MacSignatureSignerContext(secret));
        }
        return jws.sign(session.getProvider(SignatureProvider.class, Algorithm.RS256).signer(activeKey()));
    }

    /** Whether room tokens can be signed now: the HS256 secret in the vault, or an active RS256 key; else why not. */
    void canSign(RoomTokenSettings settings) throws Refusal {
        if (settings.algorithm() == RoomTokenSettings.Algorithm.HS256) {
            java.util.Arrays.fill(sharedSecret(settings.secret()), (byte) 0);
        } else {
            activeKey();
        }
    }

    /**
     * The realm's active RS256 key as Keycloak picks it, or a refusal when there is none: Keycloak's
     * {@code getActiveKey} would then add a fallback key to the realm (saved with the request), which
     * a public request (discovery) must not do, and which would undo an admin who took the keys away.
     */
    private KeyWrapper activeKey() throws Refusal {
        boolean active = session.keys().getKeysStream(realm, KeyUse.SIG, Algorithm.RS256)
                .anyMatch(key -> key.getStatus() != null && key.getStatus().isActive());
        if (!active) {
            throw Refusal.notConfigured("The realm has no active RS256 key.");
        }
        return session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.RS256);
    }

    private byte[] sharedSecret(String vaultReference) throws Refusal {
        try (VaultStringSecret secret = session.vault().getStringSecret(vaultReference)) {
            String value = secret.get().orElse("");
            if (value.length() < RoomTokenSettings.MIN_SECRET_LENGTH) {
                throw Refusal.notConfigured("The HS256 shared secret is missing from the vault or shorter than "
                        + RoomTokenSettings.MIN_SECRET_LENGTH + " characters.");
            }
            return value.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The earliest of the SSO session's lifespan and idle ends, epoch seconds. */
    private long sessionEndsAt(UserSessionModel userSession) {
        boolean offline = userSession.isOffline();
        long maxLifespan = SessionExpirationUtils.calculateUserSessionMaxLifespanTimestamp(
                offline, userSession.isRememberMe(), userSession.getStarted() * 1000L, realm);
        long idle = SessionExpirationUtils.calculateUserSessionIdleTimestamp(
                offline, userSession.isRememberMe(), userSession.getLastSessionRefresh() * 1000L, realm);
        long end = Long.MAX_VALUE;
        if (maxLifespan > 0) {
            end = Math.min(end, maxLifespan / 1000);
        }
        if (idle > 0) {
            end = Math.min(end, idle / 1000);
        }
        return end;
    }
}
