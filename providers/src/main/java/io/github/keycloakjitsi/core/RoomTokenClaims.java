package io.github.keycloakjitsi.core;

import java.util.Map;

/**
 * The claims of a room-scoped Jitsi token: everything but the signature. Built from the same
 * {@link JitsiContext} the mapper writes, so both agree on moderator, features and user.
 *
 * <p>A room token is typed (RFC 8725, section 3.11) so that nothing takes it for one of the
 * realm's access tokens: Jitsi needs header {@code typ} "JWT", so the type is the payload claim
 * {@code typ} = {@value #TYPE} (an access token says "Bearer", and Keycloak refuses any other
 * type as a bearer token); {@code sub} is a Jitsi domain or tenant, never a user id; it has no
 * {@code azp} or {@code scope}, and its {@code aud} is Jitsi's. A user's room token names the SSO
 * session it came from ({@code sid}, as Keycloak's own tokens do), so that a sign-out of that session
 * (an OpenID Connect back-channel logout names it) finds the participants who joined with it.
 */
public record RoomTokenClaims(
        String issuer,
        String audience,
        String subject,
        String room,
        long issuedAt,
        long notBefore,
        long expiresAt,
        boolean moderator,
        Map<String, Object> context) {

    /**
     * Prosody checks {@code nbf} without leeway; starting validity a little before now keeps a
     * Prosody whose clock runs slightly behind Keycloak's from refusing a fresh token.
     */
    static final long CLOCK_SKEW_SECONDS = 30;

    /** The payload {@code typ} of every room token. */
    public static final String TYPE = "jitsi-room";

    /**
     * @param now            current time, epoch seconds
     * @param sessionEndsAt  when the caller's SSO session ends, epoch seconds: the token never outlives it
     * @param issuer         {@code iss}: {@link RoomTokenSettings#issuerOr} the realm's issuer
     */
    public static RoomTokenClaims of(JitsiSettings jitsi, JitsiContext context, RoomRequest request,
                                     String issuer, long now, long sessionEndsAt) {
        RoomTokenSettings settings = jitsi.roomTokens();
        long expiresAt = Math.min(now + settings.lifetimeSeconds(), sessionEndsAt);
        return new RoomTokenClaims(
                issuer,
                jitsi.audience(),
                settings.subjectFor(request.tenant()),
                request.room(),
                now,
                now - CLOCK_SKEW_SECONDS,
                expiresAt,
                context.moderator(),
                context.claim());
    }

    public long lifetimeSeconds() {
        return expiresAt - issuedAt;
    }
}
