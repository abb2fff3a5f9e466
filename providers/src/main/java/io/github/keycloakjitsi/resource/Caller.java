package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.keycloak.CallerCors;
import io.github.keycloakjitsi.keycloak.GuestPage;
import io.github.keycloakjitsi.keycloak.KeycloakUserFacts;
import io.github.keycloakjitsi.keycloak.MapperSettings;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
import io.github.keycloakjitsi.keycloak.SignedIn;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

import java.util.List;
import java.util.Optional;

/**
 * The steps every /jitsi endpoint shares, each refusing with a {@link Refusal}: the realm's Jitsi
 * settings, the caller (a bearer token of a client the admin names, or the SSO cookie), CORS for
 * the caller's client, the request's parameters, and whether the user may start meetings.
 */
final class Caller {

    private static final Logger LOG = Logger.getLogger(Caller.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    Caller(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    KeycloakSession session() {
        return session;
    }

    RealmModel realm() {
        return realm;
    }

    JitsiUrls urls() {
        return JitsiUrls.of(session, realm);
    }

    /** The settings of the jitsi client's Jitsi Meet mapper, when they switch the endpoints on. */
    JitsiSettings settings() throws Refusal {
        ProtocolMapperModel mapper = RealmJitsiMapper.find(realm).orElseThrow(() -> Refusal.notConfigured(
                "Jitsi tokens are not set up in this realm: client 'jitsi' has no Jitsi Meet mapper."));
        // The cache logs why invalid settings are invalid, once.
        JitsiSettings settings = MapperSettings.of(mapper).orElseThrow(() -> Refusal.notConfigured(
                "The Jitsi settings of this realm are invalid; see the server log."));
        if (!settings.roomTokens().enabled()) {
            throw Refusal.notConfigured("Jitsi tokens are not set up in this realm: give the Jitsi Meet mapper of client 'jitsi' a Jitsi URL.");
        }
        return settings;
    }

    /** The SSO session of the browser's identity cookie, or null. */
    SignedIn ssoSession() {
        return SignedIn.of(AuthenticationManager.authenticateIdentityCookie(session, realm, true));
    }

    /**
     * A valid access token of this realm, read with Keycloak's own bearer authenticator, of one of
     * the clients the admin names: a token of any other client (admin-cli's password grant, a
     * service account) may have skipped what only the browser login asks (OTP, WebAuthn, identity providers).
     */
    SignedIn bearer(JitsiSettings settings, JitsiEvents events) throws Refusal {
        SignedIn auth = bearer();
        events.session(auth.session()).client(auth.client());
        String clientId = auth.token().getIssuedFor();
        if (clientId == null || !settings.roomTokens().clients().contains(clientId)) {
            throw new Refusal(Refusal.FORBIDDEN, "access_denied", "Access tokens of this client cannot get Jitsi room tokens.",
                    "client " + clientId + " is not one of the token endpoint's clients");
        }
        return auth;
    }

    private SignedIn bearer() throws Refusal {
        Refusal invalid = new Refusal(Refusal.UNAUTHORIZED, "invalid_token",
                "A valid access token of this realm is required: Authorization: Bearer <token>.", "no valid bearer token of this realm");
        List<String> headers = session.getContext().getRequestHeaders().getRequestHeader("Authorization");
        if (headers == null || headers.size() != 1) {
            throw invalid;
        }
        try {
            AppAuthManager.AuthHeader header = AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(session.getContext().getRequestHeaders());
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

    /** CORS for the web origins of the client the caller's token was issued to. */
    Cors cors(SignedIn auth, String... methods) throws Refusal {
        if (!CallerCors.originAllowed(session, auth.token())) {
            throw new InvalidOrigin(auth.token().getIssuedFor());
        }
        return CallerCors.forToken(auth.token()).allowedMethods(methods);
    }

    /** A refusal answered without CORS headers: the origin is not one the calling client may use. */
    static final class InvalidOrigin extends Refusal {
        InvalidOrigin(String clientId) {
            super(Refusal.FORBIDDEN, "invalid_origin", "This origin is not a web origin of the calling client.",
                    "origin not allowed for client " + clientId);
        }
    }

    /**
     * The query, decoded. A URL's query is ASCII: raw spaces, controls or non-ASCII bytes (which
     * browsers always percent-encode) would be read in whatever charset the server guesses, so they
     * are refused rather than read.
     */
    MultivaluedMap<String, String> query() throws Refusal {
        String raw = session.getContext().getUri().getRequestUri().getRawQuery();
        if (raw != null && raw.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_request",
                    "The query holds raw spaces, control or non-ASCII characters: percent-encode it.");
        }
        return session.getContext().getUri().getQueryParameters();
    }

    /** Keycloak has parsed the form before the endpoint runs (see README, "Known limits"). */
    MultivaluedMap<String, String> form() throws Refusal {
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type != null && !type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            throw new Refusal(Refusal.UNSUPPORTED_MEDIA_TYPE, "invalid_request",
                    "Send the form as application/x-www-form-urlencoded.", "content type " + type);
        }
        return session.getContext().getHttpRequest().getDecodedFormParameters();
    }

    /** Who may start meetings (get tokens, invite): the one rule of {@link JitsiSettings#whyNotAHost}. */
    void mayHost(JitsiSettings settings, UserModel user) throws Refusal {
        Optional<JitsiSettings.NotAHost> why = settings.whyNotAHost(new KeycloakUserFacts(session, realm, user));
        if (why.isPresent()) {
            throw why.get() == JitsiSettings.NotAHost.DISABLED
                    ? new Refusal(Refusal.FORBIDDEN, "access_denied", "This account is disabled.", "user disabled")
                    : new NotAHost(settings.roomTokens().requiredRole());
        }
    }

    /** The user may not start meetings: JSON for /token, the guest page in a browser at /join. */
    static final class NotAHost extends Refusal {
        NotAHost(String role) {
            super(Refusal.FORBIDDEN, "access_denied", "You may not start meetings here (role " + role + " required).",
                    "missing role " + role);
        }
    }

    /** The login theme's guest page (as the login gate shows it), with the way back to the meeting as a guest. */
    Response guestPage(RoomRequest request) {
        return GuestPage.render(session.getProvider(LoginFormsProvider.class),
                request == null ? Optional.empty() : GuestPage.linkFor(realm, request));
    }
}
