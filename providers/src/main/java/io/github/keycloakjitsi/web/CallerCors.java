package io.github.keycloakjitsi.web;

import io.github.keycloakjitsi.keycloak.AcrossVersions;
import io.github.keycloakjitsi.keycloak.AcrossVersions.Form;
import org.keycloak.common.util.UriUtils;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.utils.WebOriginsUtils;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.cors.Cors;

import java.lang.invoke.MethodHandle;
import java.util.Set;

/**
 * CORS for the client a bearer token was issued to, alike on every Keycloak 26.x. Keycloak 26.6
 * renamed {@code Cors.allowedOrigins(AccessToken)} to {@code checkAllowedOrigins(AccessToken)}
 * and made it refuse a foreign origin; the method the running Keycloak has is found once. Whether
 * the caller's origin may call at all is decided here, by the token's allowed origins (else the
 * client's web origins), so it does not depend on the version either.
 */
public final class CallerCors {

    private static final MethodHandle ORIGINS_OF_TOKEN = AcrossVersions.first(Cors.class,
            Form.of("checkAllowedOrigins", Cors.class, AccessToken.class), Form.of("allowedOrigins", Cors.class, AccessToken.class));

    private CallerCors() {
    }

    /** No Origin header (not a browser), the request's own origin, or one of the client's web origins. */
    public static boolean originAllowed(KeycloakSession session, AccessToken token) {
        String origin = session.getContext().getHttpRequest().getHttpHeaders().getHeaderString("Origin");
        if (origin == null || origin.equals(UriUtils.getOrigin(session.getContext().getUri().getRequestUri()))) {
            return true;
        }
        Set<String> allowed = token.getAllowedOrigins();
        if (allowed == null || allowed.isEmpty()) {
            ClientModel client = session.getContext().getRealm().getClientByClientId(token.getIssuedFor());
            allowed = client == null ? Set.of() : WebOriginsUtils.resolveValidWebOrigins(session, client);
        }
        return allowed.contains(origin) || allowed.contains("*");
    }

    /** Keycloak's CORS builder for responses to the token's client ({@link #originAllowed} checked first). */
    public static Cors forToken(AccessToken token) {
        return (Cors) AcrossVersions.call(ORIGINS_OF_TOKEN, Cors.builder().auth(), token);
    }
}
