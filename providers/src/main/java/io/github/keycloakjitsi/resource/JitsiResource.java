package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.mapper.JitsiSettingsCache;
import io.github.keycloakjitsi.mapper.KeycloakUserFacts;
import jakarta.ws.rs.ForbiddenException;
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
import org.keycloak.services.Urls;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /realms/{realm}/jitsi}: room-scoped Jitsi tokens issued by the realm.
 * <ul>
 *   <li>{@code GET /} discovery, with Prosody and config.js snippets for this realm;</li>
 *   <li>{@code POST /token} a token for one room, for the bearer of an access token of this realm;</li>
 *   <li>{@code GET /join?room=} the TOKEN_AUTH_URL entry ({@link JoinFlow});</li>
 *   <li>{@code GET /keys/{hex(sha256(kid))}.pem} public keys for Prosody's asap_key_server.</li>
 * </ul>
 * Bad input gets a JSON error with a 4xx status ({@link Refusal}) and an event, never a token.
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
            String realmUrl = realmUrl();
            String issuer = tokens.issuer() != null ? tokens.issuer() : Urls.realmIssuer(baseUri(), realm.getName());
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("issuer", issuer);
            doc.put("audience", tokens.audience());
            doc.put("algorithm", tokens.algorithm().name());
            doc.put("jwks_uri", realmUrl + "/protocol/openid-connect/certs");
            doc.put("asap_key_server", realmUrl + "/jitsi/keys");
            doc.put("token_endpoint", realmUrl + "/jitsi/token");
            doc.put("join_endpoint", realmUrl + "/jitsi/join");
            doc.put("jitsi_url", tokens.jitsiUrl().toString());
            doc.put("token_lifetime", tokens.lifetimeSeconds());
            doc.put("wildcard_allowed", tokens.wildcardAllowed());
            doc.put("prosody", ConfigSnippets.prosody(tokens, issuer, realmUrl));
            doc.put("config_js", ConfigSnippets.configJs(realmUrl));
            return Response.ok(doc, MediaType.APPLICATION_JSON_TYPE).build();
        } catch (Refusal refusal) {
            return refusal.response().build();
        }
    }

    @OPTIONS
    @Path("token")
    public Response tokenPreflight() {
        return Cors.builder().auth().preflight().allowedMethods("POST", "OPTIONS").add(Response.ok());
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
            AuthResult auth = bearer();
            events.session(auth.session());
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
            return cors.add(Response.ok(body, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store"));
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return refusal.error().equals("invalid_origin") ? refusal.response().build() : cors.add(refusal.response());
        }
    }

    @GET
    @Path("join")
    public Response join() {
        JitsiEvents events = new JitsiEvents(session, realm, "join");
        try {
            JitsiSettings settings = settings();
            RoomRequest request = roomRequest(session.getContext().getUri().getQueryParameters(), settings, events);
            AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
            if (sso != null) {
                return redirectToMeeting(settings, sso.session(), request, events);
            }
            return new JoinFlow(session, realmUrl()).toLogin(request);
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return refusal.response().build();
        }
    }

    @GET
    @Path("join/callback")
    public Response joinCallback() {
        JitsiEvents events = new JitsiEvents(session, realm, "join");
        try {
            JitsiSettings settings = settings();
            JoinFlow flow = new JoinFlow(session, realmUrl());
            RoomRequest request = flow.returnFromLogin(session.getContext().getUri().getQueryParameters(), events);
            AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
            if (sso == null) {
                throw new Refusal(Response.Status.UNAUTHORIZED, "login_required", "Please sign in to join the meeting.",
                        "no SSO session after login");
            }
            return Response.fromResponse(redirectToMeeting(settings, sso.session(), request, events))
                    .cookie(flow.clearedCookie()).build();
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return refusal.response().build();
        }
    }

    @GET
    @Path("keys/{file}")
    public Response key(@PathParam("file") String file) {
        return KeyServer.pem(session, realm, file)
                .map(pem -> Response.ok(pem, "application/x-pem-file").build())
                .orElseGet(() -> new Refusal(Response.Status.NOT_FOUND, "not_found",
                        "No RS256 key of this realm is named so; keys are named <hex(sha256(kid))>.pem.").response().build());
    }

    // ---------------------------------------------------------------- the steps

    /** The settings of the jitsi client's Jitsi Meet mapper, when they switch the endpoint on. */
    private JitsiSettings settings() throws Refusal {
        ProtocolMapperModel mapper = JitsiClientSettings.mapper(realm).orElseThrow(() -> Refusal.notConfigured(
                "Jitsi tokens are not set up in this realm: client 'jitsi' has no Jitsi Meet mapper."));
        // The cache logs why invalid settings are invalid, once.
        JitsiSettings settings = JitsiSettingsCache.of(mapper).orElseThrow(() -> Refusal.notConfigured(
                "The Jitsi settings of this realm are invalid; see the server log."));
        if (!settings.roomTokens().enabled()) {
            throw Refusal.notConfigured("Jitsi tokens are not set up in this realm: give the Jitsi Meet mapper of client 'jitsi' a Jitsi URL.");
        }
        return settings;
    }

    /** A valid access token of this realm, read with Keycloak's own bearer authenticator. */
    private AuthResult bearer() throws Refusal {
        Refusal invalid = new Refusal(Response.Status.UNAUTHORIZED, "invalid_token",
                "A valid access token of this realm is required: Authorization: Bearer <token>.", "no valid bearer token of this realm");
        List<String> headers = session.getContext().getRequestHeaders().getRequestHeader("Authorization");
        if (headers == null || headers.size() != 1) {
            throw invalid;
        }
        try {
            AppAuthManager.AuthHeader header = AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(session.getContext().getRequestHeaders());
            AuthResult auth = header == null || header.getToken() == null || header.getToken().isBlank() ? null
                    : new AppAuthManager.BearerTokenAuthenticator(session).setTokenString(header.getToken()).authenticate();
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
    private Cors callersCors(AuthResult auth) throws Refusal {
        try {
            return Cors.builder().auth().allowedMethods("POST").checkAllowedOrigins(auth.token());
        } catch (ForbiddenException e) {
            throw new Refusal(Response.Status.FORBIDDEN, "invalid_origin", "This origin is not a web origin of the calling client.",
                    "origin not allowed for client " + auth.token().getIssuedFor());
        }
    }

    /** Keycloak has parsed the form before the endpoint runs (see README, "Known limits"). */
    private MultivaluedMap<String, String> formParameters() throws Refusal {
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type != null && !type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            throw new Refusal(Response.Status.UNSUPPORTED_MEDIA_TYPE, "invalid_request",
                    "Send the room as application/x-www-form-urlencoded.", "content type " + type);
        }
        return session.getContext().getHttpRequest().getDecodedFormParameters();
    }

    private static RoomRequest roomRequest(MultivaluedMap<String, String> params, JitsiSettings settings, JitsiEvents events) throws Refusal {
        String room = single(params, "room");
        String tenant = single(params, "tenant");
        events.room(room, tenant);
        if (room == null && params.containsKey("room") || tenant == null && params.containsKey("tenant")) {
            throw new Refusal(Response.Status.BAD_REQUEST, "invalid_request", "Give room and tenant at most once.");
        }
        try {
            return RoomRequest.parse(room, tenant, settings.roomTokens().wildcardAllowed());
        } catch (RoomRequest.Refused e) {
            Response.Status status = e.error().equals("wildcard_not_allowed") ? Response.Status.FORBIDDEN : Response.Status.BAD_REQUEST;
            throw new Refusal(status, e.error(), e.getMessage());
        }
    }

    /** Who may get a token at all: an enabled user holding the required role, when one is set. */
    private void checkAccess(JitsiSettings settings, UserModel user) throws Refusal {
        if (!user.isEnabled()) {
            throw new Refusal(Response.Status.FORBIDDEN, "access_denied", "This account is disabled.", "user disabled");
        }
        String role = settings.roomTokens().requiredRole();
        if (role != null && !new KeycloakUserFacts(session, realm, user).hasRole(role)) {
            throw new Refusal(Response.Status.FORBIDDEN, "access_denied",
                    "You may not start meetings here (role " + role + " required).", "missing role " + role);
        }
    }

    private RoomTokenIssuer.Issued issue(JitsiSettings settings, UserSessionModel userSession, RoomRequest request,
                                         JitsiEvents events) throws Refusal {
        checkAccess(settings, userSession.getUser());
        try {
            RoomTokenIssuer.Issued issued = new RoomTokenIssuer(session).issue(settings, userSession, request);
            events.issued(request.room(), issued.claims().moderator(), issued.claims().lifetimeSeconds());
            return issued;
        } catch (RoomTokenIssuer.NotConfigured e) {
            throw Refusal.notConfigured(e.getMessage());
        }
    }

    private Response redirectToMeeting(JitsiSettings settings, UserSessionModel userSession, RoomRequest request,
                                       JitsiEvents events) throws Refusal {
        events.session(userSession);
        RoomTokenIssuer.Issued issued = issue(settings, userSession, request, events);
        return Response.status(Response.Status.FOUND)
                .location(URI.create(settings.roomTokens().meetingUrl(request, issued.token())))
                .header("Cache-Control", "no-store")
                .build();
    }

    static String single(MultivaluedMap<String, String> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }

    private URI baseUri() {
        return session.getContext().getUri().getBaseUri();
    }

    private String realmUrl() {
        return Urls.realmBase(baseUri()).path(realm.getName()).build().toString();
    }
}
