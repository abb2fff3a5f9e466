package io.github.keycloakjitsi.core;

import java.net.URI;

/**
 * Settings of the realm's Jitsi token endpoint ({@code /realms/{realm}/jitsi}), kept on the same
 * "Jitsi Meet" mapper as the claim settings so an admin edits Jitsi in one place.
 *
 * @param jitsiUrl        the Jitsi Meet base URL meetings are opened at, e.g. {@code https://meet.example.com};
 *                        null leaves the endpoint switched off
 * @param lifetimeSeconds how long an issued token is valid (never past the caller's SSO session)
 * @param issuer          {@code iss}, or null for the realm's issuer URL
 * @param audience        {@code aud}
 * @param subject         {@code sub}, or null for the Jitsi host name (a tenant, when requested, wins)
 * @param algorithm       RS256 with the realm's key, or HS256 with {@link #secret}
 * @param secret          the HS256 shared secret, or a vault reference {@code ${vault.name}}; null with RS256
 * @param wildcardAllowed whether a token for room {@code *} (every room) may be issued
 * @param requiredRole    role a user needs to get a token at all ("who may start meetings"), or null
 */
public record RoomTokenSettings(
        URI jitsiUrl,
        int lifetimeSeconds,
        String issuer,
        String audience,
        String subject,
        Algorithm algorithm,
        String secret,
        boolean wildcardAllowed,
        String requiredRole) {

    public static final String JITSI_URL = "jitsi.url";
    public static final String LIFETIME = "jitsi.token.lifetime";
    public static final String ISSUER = "jitsi.token.issuer";
    public static final String AUDIENCE = "jitsi.token.audience";
    public static final String SUBJECT = "jitsi.token.subject";
    public static final String ALGORITHM = "jitsi.token.algorithm";
    public static final String SECRET = "jitsi.token.secret";
    public static final String WILDCARD = "jitsi.token.wildcard";
    public static final String REQUIRED_ROLE = "jitsi.token.required-role";

    public static final int DEFAULT_LIFETIME = 3600;
    public static final int MIN_LIFETIME = 60;
    public static final int MAX_LIFETIME = 86400;
    public static final String DEFAULT_AUDIENCE = "jitsi";
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_SECRET_LENGTH = 32;

    public enum Algorithm { RS256, HS256 }

    public boolean enabled() {
        return jitsiUrl != null;
    }

    /** {@code sub}: Prosody's domain verification matches it against the tenant, else the Jitsi domain. */
    public String subjectFor(String tenant) {
        if (tenant != null) {
            return tenant;
        }
        return subject != null ? subject : jitsiUrl.getHost();
    }

    /** {@code <jitsi url>/<tenant/><room>?jwt=<token>}; room and tenant are already backend-safe path segments. */
    public String meetingUrl(RoomRequest request, String token) {
        String base = jitsiUrl.toString();
        return base + "/" + (request.tenant() == null ? "" : request.tenant() + "/") + request.room() + "?jwt=" + token;
    }
}
