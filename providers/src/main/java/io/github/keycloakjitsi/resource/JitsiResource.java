package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.keycloak.CallerCors;
import io.github.keycloakjitsi.keycloak.KeycloakUserFacts;
import io.github.keycloakjitsi.keycloak.MapperSettings;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
import io.github.keycloakjitsi.keycloak.SignedIn;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /realms/{realm}/jitsi}: room-scoped Jitsi tokens issued by the realm.
 * <ul>
 *   <li>{@code GET /} discovery, with Prosody and config.js snippets for this realm;</li>
 *   <li>{@code POST /token} a token for one room, for the bearer of an access token of one of the
 *       clients the admin names;</li>
 *   <li>{@code GET /join?room=} the TOKEN_AUTH_URL entry ({@link JoinFlow});</li>
 *   <li>{@code GET /keys/{hex(sha256(kid))}.pem} public keys for Prosody's asap_key_server.</li>
 * </ul>
 * Bad input gets a JSON error with a 4xx status ({@link Refusal}) and an event, never a token.
 * Tokens travel only in response bodies and URL fragments, never in a query.
 */
public class JitsiResource {

    private static final Logger LOG = Logger.getLogger(JitsiResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public JitsiResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response discovery() {
        try {
            RoomTokenSettings tokens = settings().roomTokens();
            JitsiUrls urls = urls();
            String issuer = urls.issuer(tokens);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("issuer", issuer);
            doc.put("audience", tokens.audience());
            doc.put("algorithm", tokens.algorithm().name());
            doc.put("jwks_uri", urls.certs());
            doc.put("asap_key_server", urls.keys());
            doc.put("token_endpoint", urls.token());
            doc.put("join_endpoint", urls.join());
            doc.put("jitsi_url", tokens.jitsiUrl().toString());
            doc.put("token_lifetime", tokens.lifetimeSeconds());
            doc.put("wildcard_allowed", tokens.wildcardAllowed());
            doc.put("tenants", tokens.tenants());
            doc.put("token_type", io.github.keycloakjitsi.core.RoomTokenClaims.TYPE);
            doc.put("prosody", ConfigSnippets.prosody(tokens, issuer, urls));
            doc.put("config_js", ConfigSnippets.configJs(urls));
            return JitsiResponses.json(Response.Status.OK, doc).build();
        } catch (Refusal refusal) {
            return JitsiResponses.refusal(refusal).build();
        }
    }

    @OPTIONS
    @Path("token")
    public Response tokenPreflight() {
        return Cors.builder().auth().preflight().allowedMethods("POST", "OPTIONS")
                .add(Response.ok().header("Referrer-Policy", "no-referrer"));
    }

    @POST
    @Path("token")
    @Produces(MediaType.APPLICATION_JSON)
    public Response token() {
        JitsiEvents events = new JitsiEvents(session, realm, "token");
        // Until the caller is known, errors carry CORS headers for any origin, so a web app can read why.
        Cors cors = Cors.builder().allowAllOrigins().allowedMethods("POST");
        try {
            JitsiSettings settings = settings();
            SignedIn auth = bearer();
            events.session(auth.session()).client(auth.client());
            checkClient(settings, auth);
            cors = callersCors(auth);
            RoomRequest request = roomRequest(formParameters(), settings, events);
            RoomTokenIssuer.Issued issued = issue(settings, auth.session(), request, events);

            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", issued.token());
            body.put("room", request.room());
            body.put("tenant", request.tenant() == null ? "" : request.tenant());
            body.put("expires_in", issued.claims().lifetimeSeconds());
            body.put("moderator", issued.claims().moderator());
            body.put("url", settings.roomTokens().meetingUrl(request, issued.token()));
            return cors.add(JitsiResponses.json(Response.Status.OK, body));
        } catch (InvalidOrigin refusal) {
            events.refused(refusal.error(), refusal.reason());
            return JitsiResponses.refusal(refusal).build();
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return cors.add(JitsiResponses.refusal(refusal));
        }
    }

    @GET
    @Path("join")
    public Response join() {
        JitsiEvents events = new JitsiEvents(session, realm, "join");
        try {
            JitsiSettings settings = settings();
            RoomRequest request = roomRequest(queryParameters(), settings, events);
            SignedIn sso = ssoSession();
            if (sso != null) {
                return redirectToMeeting(settings, sso.session(), request, events).build();
            }
            return new JoinFlow(session, urls()).toLogin(request);
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return JitsiResponses.refusal(refusal).build();
        }
    }

    /**
     * Back from the login page: the state must be genuine and this browser's, and the login must
     * have left an SSO session, before the state's one use is recorded and the token issued.
     */
    @GET
    @Path("join/callback")
    public Response joinCallback() {
        JitsiEvents events = new JitsiEvents(session, realm, "join");
        try {
            JitsiSettings settings = settings();
            JoinFlow flow = new JoinFlow(session, urls());
            JoinState state = flow.returnedState(queryParameters());
            events.room(state.getRoom(), state.getTenant());
            SignedIn sso = ssoSession();
            if (sso == null) {
                throw new Refusal(Refusal.UNAUTHORIZED, "login_required", "Please sign in to join the meeting.",
                        "no SSO session after login");
            }
            // The settings may have changed since the join started: the room is checked again.
            RoomRequest request = RoomRequest.parse(state.getRoom(), state.getTenant(), settings.roomTokens());
            flow.markUsed(state);
            return redirectToMeeting(settings, sso.session(), request, events).cookie(flow.clearedCookie()).build();
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return JitsiResponses.refusal(refusal).build();
        }
    }

    @GET
    @Path("keys/{file}")
    public Response key(@PathParam("file") String file) {
        return KeyServer.pem(session, realm, file)
                .map(pem -> Response.ok(pem, "application/x-pem-file").header("Referrer-Policy", "no-referrer").build())
                .orElseGet(() -> JitsiResponses.refusal(new Refusal(Refusal.NOT_FOUND, "not_found",
                        "No RS256 key of this realm is named so; keys are named <hex(sha256(kid))>.pem.")).build());
    }

    // ---------------------------------------------------------------- the steps

    /** The settings of the jitsi client's Jitsi Meet mapper, when they switch the endpoint on. */
    private JitsiSettings settings() throws Refusal {
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
    private SignedIn ssoSession() {
        return SignedIn.of(AuthenticationManager.authenticateIdentityCookie(session, realm, true));
    }

    /** A valid access token of this realm, read with Keycloak's own bearer authenticator. */
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

    /**
     * Only the clients the admin names: a token of any other client (admin-cli's password grant, a
     * service account) may have skipped what only the browser login asks (OTP, WebAuthn, identity providers).
     */
    private static void checkClient(JitsiSettings settings, SignedIn auth) throws Refusal {
        String clientId = auth.token().getIssuedFor();
        if (clientId == null || !settings.roomTokens().clients().contains(clientId)) {
            throw new Refusal(Refusal.FORBIDDEN, "access_denied", "Access tokens of this client cannot get Jitsi room tokens.",
                    "client " + clientId + " is not one of the token endpoint's clients");
        }
    }

    /** A refusal answered without CORS headers: the origin is not one the calling client may use. */
    private static final class InvalidOrigin extends Refusal {
        InvalidOrigin(String clientId) {
            super(Refusal.FORBIDDEN, "invalid_origin", "This origin is not a web origin of the calling client.",
                    "origin not allowed for client " + clientId);
        }
    }

    /** CORS for the web origins of the client the caller's token was issued to. */
    private Cors callersCors(SignedIn auth) throws Refusal {
        if (!CallerCors.originAllowed(session, auth.token())) {
            throw new InvalidOrigin(auth.token().getIssuedFor());
        }
        return CallerCors.forToken(auth.token()).allowedMethods("POST");
    }

    /**
     * The query, decoded. A URL's query is ASCII: raw spaces, controls or non-ASCII bytes (which
     * browsers always percent-encode) would be read in whatever charset the server guesses, so they
     * are refused rather than read.
     */
    private MultivaluedMap<String, String> queryParameters() throws Refusal {
        String raw = session.getContext().getUri().getRequestUri().getRawQuery();
        if (raw != null && raw.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_request",
                    "The query holds raw spaces, control or non-ASCII characters: percent-encode it.");
        }
        return session.getContext().getUri().getQueryParameters();
    }

    /** Keycloak has parsed the form before the endpoint runs (see README, "Known limits"). */
    private MultivaluedMap<String, String> formParameters() throws Refusal {
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type != null && !type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            throw new Refusal(Refusal.UNSUPPORTED_MEDIA_TYPE, "invalid_request",
                    "Send the room as application/x-www-form-urlencoded.", "content type " + type);
        }
        return session.getContext().getHttpRequest().getDecodedFormParameters();
    }

    private static RoomRequest roomRequest(MultivaluedMap<String, String> params, JitsiSettings settings, JitsiEvents events) throws Refusal {
        String room = Params.single(params, "room");
        String tenant = Params.single(params, "tenant");
        events.room(room, tenant);
        return RoomRequest.parse(room, tenant, settings.roomTokens());
    }

    /** Who may get a token at all: an enabled user holding the required role, when one is set. */
    private void checkAccess(JitsiSettings settings, UserModel user) throws Refusal {
        if (!user.isEnabled()) {
            throw new Refusal(Refusal.FORBIDDEN, "access_denied", "This account is disabled.", "user disabled");
        }
        String role = settings.roomTokens().requiredRole();
        if (role != null && !new KeycloakUserFacts(session, realm, user).hasRole(role)) {
            throw new Refusal(Refusal.FORBIDDEN, "access_denied",
                    "You may not start meetings here (role " + role + " required).", "missing role " + role);
        }
    }

    private RoomTokenIssuer.Issued issue(JitsiSettings settings, UserSessionModel userSession, RoomRequest request,
                                         JitsiEvents events) throws Refusal {
        checkAccess(settings, userSession.getUser());
        RoomTokenIssuer.Issued issued = new RoomTokenIssuer(session).issue(settings, userSession, request, urls().issuer(settings.roomTokens()));
        events.issued(request.room(), issued.claims().moderator(), issued.claims().lifetimeSeconds());
        return issued;
    }

    /** To the meeting with the token in the fragment, which replaces any fragment the browser carried. */
    private Response.ResponseBuilder redirectToMeeting(JitsiSettings settings, UserSessionModel userSession, RoomRequest request,
                                                       JitsiEvents events) throws Refusal {
        events.session(userSession);
        RoomTokenIssuer.Issued issued = issue(settings, userSession, request, events);
        return JitsiResponses.redirect(URI.create(settings.roomTokens().meetingUrl(request, issued.token())));
    }

    private JitsiUrls urls() {
        return JitsiUrls.of(session, realm);
    }
}
