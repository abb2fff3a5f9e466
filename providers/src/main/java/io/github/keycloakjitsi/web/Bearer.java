package io.github.keycloakjitsi.web;

import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.keycloak.SignedIn;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.services.Urls;
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
        List<String> headers = session.getContext().getHttpRequest().getHttpHeaders().getRequestHeader("Authorization");
        if (headers == null || headers.size() != 1) {
            throw invalid(session, null);
        }
        AppAuthManager.AuthHeader header = AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(
                session.getContext().getHttpRequest().getHttpHeaders());
        String token = header == null ? null : header.getToken();
        try {
            SignedIn auth = token == null || token.isBlank() ? null
                    : SignedIn.of(new AppAuthManager.BearerTokenAuthenticator(session).setTokenString(token).authenticate());
            if (auth == null) {
                throw invalid(session, token);
            }
            return auth;
        } catch (RuntimeException e) {
            // Keycloak answers some malformed tokens by throwing; to the caller it is just not a valid token.
            LOG.debugf("bearer token refused: %s", e.toString());
            throw invalid(session, token);
        }
    }

    /**
     * Not a valid token of this realm. When it is signed by this realm's keys but names another
     * address of the realm as its issuer (Keycloak reached through its own address while the token
     * came through the frontend URL, or the other way round), the answer says so: that is a setup
     * to fix, not a bad token. Only a token the realm signed is named, and only an issuer of URL
     * characters: a forged token gets the plain answer, whatever it says.
     */
    private static Refusal invalid(KeycloakSession session, String token) {
        String realmName = session.getContext().getRealm().getName();
        String expected = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realmName);
        String issuer = issuerOfATokenOfThisRealm(session, token);
        if (issuer != null && !issuer.equals(expected) && issuer.endsWith("/realms/" + realmName) && issuer.length() <= 255
                && JitsiSettings.isSnippetSafe(issuer)) {
            return new Refusal(Refusal.UNAUTHORIZED, "invalid_token", "The token was issued by " + issuer + ", but this request reached "
                    + "the realm as " + expected + ": send it to the address that issued it, or set the realm's Frontend URL so that "
                    + "every address of the realm issues alike.", "issuer " + issuer + " is not " + expected);
        }
        return new Refusal(Refusal.UNAUTHORIZED, "invalid_token",
                "A valid access token of this realm is required: Authorization: Bearer <token>.", "no valid bearer token of this realm");
    }

    /** The issuer of a token whose signature this realm's keys verify (Keycloak's token manager), else null. */
    private static String issuerOfATokenOfThisRealm(KeycloakSession session, String token) {
        if (token == null || token.length() > 16384) {
            return null;
        }
        try {
            JsonWebToken signed = session.tokens().decode(token, JsonWebToken.class);
            return signed == null ? null : signed.getIssuer();
        } catch (RuntimeException e) {
            return null;
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
