package io.github.keycloakjitsi.web;

import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.keycloak.SignedIn;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;

import java.util.Collection;
import java.util.List;

/**
 * A caller with a bearer token: a valid access token of this realm, read with Keycloak's own
 * bearer authenticator, of one of the clients the admin names (a token of any other client, such
 * as admin-cli's password grant or a service account, may have skipped what only the browser login
 * asks: OTP, WebAuthn, identity providers), and CORS for that client's web origins.
 */
public final class Bearer {

    private static final Logger LOG = Logger.getLogger(Bearer.class);

    private Bearer() {
    }

    /** The caller, or a refusal: no valid token of this realm (401), or a token of a client not named (403). */
    public static SignedIn authenticate(KeycloakSession session, Collection<String> clients) throws Refusal {
        SignedIn auth = token(session);
        String clientId = auth.token().getIssuedFor();
        if (clientId == null || !clients.contains(clientId)) {
            throw new NotAJitsiClient(auth, clientId);
        }
        return auth;
    }

    /** The token is valid but of a client that is not one of the Jitsi clients; who it is, for the event. */
    public static final class NotAJitsiClient extends Refusal {
        private final transient SignedIn caller;

        NotAJitsiClient(SignedIn caller, String clientId) {
            super(Refusal.FORBIDDEN, "access_denied", "Access tokens of this client cannot get Jitsi room tokens.",
                    "client " + clientId + " is not one of the Jitsi clients");
            this.caller = caller;
        }

        public SignedIn caller() {
            return caller;
        }
    }

    private static SignedIn token(KeycloakSession session) throws Refusal {
        Refusal invalid = new Refusal(Refusal.UNAUTHORIZED, "invalid_token",
                "A valid access token of this realm is required: Authorization: Bearer <token>.", "no valid bearer token of this realm");
        List<String> headers = session.getContext().getHttpRequest().getHttpHeaders().getRequestHeader("Authorization");
        if (headers == null || headers.size() != 1) {
            throw invalid;
        }
        try {
            AppAuthManager.AuthHeader header = AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(session.getContext().getHttpRequest().getHttpHeaders());
            SignedIn auth = header == null || header.getToken() == null || header.getToken().isBlank() ? null
                    : SignedIn.of(new AppAuthManager.BearerTokenAuthenticator(session).setTokenString(header.getToken()).authenticate());
            if (auth == null) {
                throw invalid;
            }
            return auth;
        } catch (RuntimeException e) {
            // Keycloak answers some malformed tokens by throwing; to the caller it is just not a valid token.
            LOG.debugf("bearer token refused: %s", e.toString());
            throw invalid;
        }
    }

    /** CORS for the web origins of the client the caller's token was issued to; a refusal for any other origin. */
    public static Cors cors(KeycloakSession session, SignedIn auth, String... methods) throws InvalidOrigin {
        if (!CallerCors.originAllowed(session, auth.token())) {
            throw new InvalidOrigin(auth.token().getIssuedFor());
        }
        return CallerCors.forToken(auth.token()).allowedMethods(methods);
    }

    /** A refusal answered without CORS headers: the origin is not one the calling client may use. */
    public static final class InvalidOrigin extends Refusal {
        InvalidOrigin(String clientId) {
            super(Refusal.FORBIDDEN, "invalid_origin", "This origin is not a web origin of the calling client.",
                    "origin not allowed for client " + clientId);
        }
    }
}
