package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.mapper.KeycloakUserFacts;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.Urls;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /realms/{realm}/jitsi}: room-scoped Jitsi tokens issued by the realm.
 * <ul>
 *   <li>{@code GET /} discovery, with Prosody and config.js snippets for this realm;</li>
 *   <li>{@code POST /token} a token for one room, for the bearer of an access token of this realm;</li>
 *   <li>{@code GET /join?room=} the TOKEN_AUTH_URL entry: via the realm's login when needed, back to the meeting;</li>
 *   <li>{@code GET /keys/{hex(sha256(kid))}.pem} public keys for Prosody's asap_key_server.</li>
 * </ul>
 * Every answer to bad input is a JSON error with a 4xx status, and never carries a token.
 */
public class JitsiResource {

    /** The realm export's client through which /join sends users to the login page. */
    static final String JOIN_CLIENT_ID = "jitsi-join";
    static final String JOIN_COOKIE = "KC_JITSI_JOIN";
    static final int JOIN_STATE_LIFETIME = 600;

    private static final Logger LOG = Logger.getLogger(JitsiResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public JitsiResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    // ---------------------------------------------------------------- discovery

    @GET
    @jakarta.ws.rs.Produces(MediaType.APPLICATION_JSON)
    public Response discovery() {
        Optional<JitsiSettings> loaded = settingsOrNull();
        if (loaded.isEmpty()) {
            return notConfigured();
        }
        RoomTokenSettings tokens = loaded.get().roomTokens();
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
    }

    // ---------------------------------------------------------------- POST /token

    @OPTIONS
    @Path("token")
    public Response tokenPreflight() {
        return Cors.builder().auth().preflight().allowedMethods("POST", "OPTIONS").add(Response.ok());
    }

    @POST
    @Path("token")
    @jakarta.ws.rs.Produces(MediaType.APPLICATION_JSON)
    public Response token() {
        JitsiEvents events = new JitsiEvents(session, realm, "token");
        Optional<JitsiSettings> loaded = settingsOrNull();
        if (loaded.isEmpty()) {
            events.refused("not_configured", "no Jitsi settings");
            return corsError(notConfigured());
        }
        JitsiSettings settings = loaded.get();

        AuthResult auth = bearer();
        if (auth == null) {
            events.refused("invalid_token", "no valid bearer token of this realm");
            return corsError(error(Response.Status.UNAUTHORIZED, "invalid_token",
                    "A valid access token of this realm is required: Authorization: Bearer <token>."));
        }
        events.session(auth.session());
        Cors cors;
        try {
            cors = Cors.builder().auth().allowedMethods("POST").checkAllowedOrigins(auth.token());
        } catch (jakarta.ws.rs.ForbiddenException e) {
            events.refused("invalid_origin", "origin not allowed for client " + auth.token().getIssuedFor());
            return error(Response.Status.FORBIDDEN, "invalid_origin", "This origin is not a web origin of the calling client.");
        }

        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type != null && !type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            events.refused("invalid_request", "content type " + type);
            return cors.add(errorBuilder(Response.Status.UNSUPPORTED_MEDIA_TYPE, "invalid_request",
                    "Send the room as application/x-www-form-urlencoded."));
        }
        // Keycloak has parsed the form before the endpoint runs (see README, "Known limits").
        MultivaluedMap<String, String> form = session.getContext().getHttpRequest().getDecodedFormParameters();
        String room = single(form, "room");
        String tenant = single(form, "tenant");
        events.room(room, tenant);
        if (room == null && form.containsKey("room") || tenant == null && form.containsKey("tenant")) {
            events.refused("invalid_request", "room or tenant given more than once");
            return cors.add(errorBuilder(Response.Status.BAD_REQUEST, "invalid_request", "Give room and tenant at most once."));
        }
        Response refusal = checkAccess(settings, auth.session().getUser(), events);
        if (refusal != null) {
            return cors.add(Response.fromResponse(refusal));
        }
        RoomRequest request;
        try {
            request = RoomRequest.parse(room, tenant, settings.roomTokens().wildcardAllowed());
        } catch (RoomRequest.Refused e) {
            events.refused(e.error(), e.getMessage());
            return cors.add(errorBuilder(statusOf(e), e.error(), e.getMessage()));
        }
        RoomTokenIssuer.Issued issued;
        try {
            issued = new RoomTokenIssuer(session).issue(settings, auth.session(), request);
        } catch (RoomTokenIssuer.NotConfigured e) {
            events.refused("not_configured", e.getMessage());
            return cors.add(errorBuilder(Response.Status.NOT_FOUND, "not_configured", e.getMessage()));
        }
        events.issued(request.room(), issued.claims().moderator(), issued.claims().lifetimeSeconds());

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        body.put("room", request.room());
        body.put("tenant", request.tenant() == null ? "" : request.tenant());
        body.put("expires_in", issued.claims().lifetimeSeconds());
        body.put("moderator", issued.claims().moderator());
        body.put("url", settings.roomTokens().meetingUrl(request, issued.token()));
        return cors.add(Response.ok(body, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store"));
    }

    // ---------------------------------------------------------------- GET /join

    @GET
    @Path("join")
    public Response join() {
        JitsiEvents events = new JitsiEvents(session, realm, "join");
        MultivaluedMap<String, String> query = session.getContext().getUri().getQueryParameters();
        Optional<JitsiSettings> loaded = settingsOrNull();
        if (loaded.isEmpty()) {
            events.refused("not_configured", "no Jitsi settings");
            return notConfigured();
        }
        JitsiSettings settings = loaded.get();
        String room = single(query, "room");
        String tenant = single(query, "tenant");
        events.room(room, tenant);
        if (room == null && query.containsKey("room") || tenant == null && query.containsKey("tenant")) {
            events.refused("invalid_request", "room or tenant given more than once");
            return error(Response.Status.BAD_REQUEST, "invalid_request", "Give room and tenant at most once.");
        }
        RoomRequest request;
        try {
            request = RoomRequest.parse(room, tenant, settings.roomTokens().wildcardAllowed());
        } catch (RoomRequest.Refused e) {
            events.refused(e.error(), e.getMessage());
            return error(statusOf(e), e.error(), e.getMessage());
        }

        AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso != null) {
            return redirectToMeeting(settings, sso.session(), request, events);
        }
        if (realm.getClientByClientId(JOIN_CLIENT_ID) == null) {
            events.refused("not_configured", "no client " + JOIN_CLIENT_ID);
            return error(Response.Status.NOT_FOUND, "not_configured", "The realm has no client " + JOIN_CLIENT_ID + " for the login.");
        }
        String nonce = UUID.randomUUID().toString();
        JoinState state = new JoinState(request.room(), request.tenant(), nonce);
        state.id(UUID.randomUUID().toString());
        state.iat((long) Time.currentTime());
        state.exp((long) Time.currentTime() + JOIN_STATE_LIFETIME);
        URI login = OIDCLoginProtocolService.authUrl(UriBuilder.fromUri(baseUri()))
                .queryParam(OIDCLoginProtocol.CLIENT_ID_PARAM, JOIN_CLIENT_ID)
                .queryParam(OIDCLoginProtocol.RESPONSE_TYPE_PARAM, "code")
                .queryParam(OIDCLoginProtocol.SCOPE_PARAM, "openid")
                .queryParam(OIDCLoginProtocol.REDIRECT_URI_PARAM, callbackUrl())
                .queryParam(OIDCLoginProtocol.STATE_PARAM, session.tokens().encode(state))
                .build(realm.getName());
        return Response.status(Response.Status.FOUND).location(login)
                .cookie(joinCookie(nonce, JOIN_STATE_LIFETIME))
                .header("Cache-Control", "no-store")
                .build();
    }

    @GET
    @Path("join/callback")
    public Response joinCallback() {
        JitsiEvents events = new JitsiEvents(session, realm, "join");
        MultivaluedMap<String, String> query = session.getContext().getUri().getQueryParameters();
        Optional<JitsiSettings> loaded = settingsOrNull();
        if (loaded.isEmpty()) {
            events.refused("not_configured", "no Jitsi settings");
            return notConfigured();
        }
        if (single(query, "error") != null) {
            events.refused("login_failed", single(query, "error"));
            return error(Response.Status.BAD_REQUEST, "login_failed", "The login did not complete.");
        }
        JoinState state = joinState(single(query, "state"));
        if (state == null) {
            events.refused("invalid_state", "state missing, forged, expired or from another browser");
            return error(Response.Status.BAD_REQUEST, "invalid_state",
                    "This join link is invalid or expired: open the meeting link again.");
        }
        events.room(state.getRoom(), state.getTenant());
        if (!session.singleUseObjects().putIfAbsent("jitsi-join:" + state.getId(), JOIN_STATE_LIFETIME)) {
            events.refused("invalid_state", "state used before");
            return error(Response.Status.BAD_REQUEST, "invalid_state", "This join link was used already: open the meeting link again.");
        }
        AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso == null) {
            events.refused("login_required", "no SSO session after login");
            return error(Response.Status.UNAUTHORIZED, "login_required", "Please sign in to join the meeting.");
        }
        Response response = redirectToMeeting(loaded.get(), sso.session(), new RoomRequest(state.getRoom(), state.getTenant()), events);
        return Response.fromResponse(response).cookie(joinCookie("", 0)).build();
    }

    // ---------------------------------------------------------------- GET /keys/{name}.pem

    @GET
    @Path("keys/{file}")
    public Response key(@PathParam("file") String file) {
        if (file == null || !file.matches("[0-9a-f]{64}\\.pem")) {
            return error(Response.Status.NOT_FOUND, "not_found", "Keys are named <hex(sha256(kid))>.pem.");
        }
        String name = file.substring(0, 64);
        Optional<KeyWrapper> key = session.keys().getKeysStream(realm, KeyUse.SIG, Algorithm.RS256)
                .filter(k -> k.getStatus().isEnabled() && k.getKid() != null && k.getPublicKey() != null)
                .filter(k -> sha256Hex(k.getKid()).equals(name))
                .findFirst();
        if (key.isEmpty()) {
            return error(Response.Status.NOT_FOUND, "not_found", "No RS256 key of this realm has that name.");
        }
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.get().getPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        return Response.ok(pem, "application/x-pem-file").build();
    }

    // ---------------------------------------------------------------- shared steps

    private Response redirectToMeeting(JitsiSettings settings, UserSessionModel userSession, RoomRequest request, JitsiEvents events) {
        events.session(userSession);
        Response refusal = checkAccess(settings, userSession.getUser(), events);
        if (refusal != null) {
            return refusal;
        }
        try {
            RoomTokenIssuer.Issued issued = new RoomTokenIssuer(session).issue(settings, userSession, request);
            events.issued(request.room(), issued.claims().moderator(), issued.claims().lifetimeSeconds());
            return Response.status(Response.Status.FOUND)
                    .location(URI.create(settings.roomTokens().meetingUrl(request, issued.token())))
                    .header("Cache-Control", "no-store")
                    .build();
        } catch (RoomTokenIssuer.NotConfigured e) {
            events.refused("not_configured", e.getMessage());
            return error(Response.Status.NOT_FOUND, "not_configured", e.getMessage());
        }
    }

    /** Who may get a token at all: an enabled user holding the required role, when one is set. */
    private Response checkAccess(JitsiSettings settings, UserModel user, JitsiEvents events) {
        String role = settings.roomTokens().requiredRole();
        if (!user.isEnabled()) {
            events.refused("user_disabled", "user disabled");
            return error(Response.Status.FORBIDDEN, "access_denied", "This account is disabled.");
        }
        if (role != null && !new KeycloakUserFacts(session, realm, user).hasRole(role)) {
            events.refused("access_denied", "missing role " + role);
            return error(Response.Status.FORBIDDEN, "access_denied", "You may not start meetings here (role " + role + " required).");
        }
        return null;
    }

    private AuthResult bearer() {
        List<String> headers = session.getContext().getRequestHeaders().getRequestHeader("Authorization");
        if (headers == null || headers.size() != 1) {
            return null;
        }
        try {
            AppAuthManager.AuthHeader header = AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(session.getContext().getRequestHeaders());
            if (header == null || header.getToken() == null || header.getToken().isBlank()) {
                return null;
            }
            return new AppAuthManager.BearerTokenAuthenticator(session).setTokenString(header.getToken()).authenticate();
        } catch (RuntimeException e) {
            // Keycloak answers some malformed tokens by throwing; to the caller it is just not a valid token.
            LOG.debugf("bearer token refused: %s", e.toString());
            return null;
        }
    }

    private JoinState joinState(String encoded) {
        if (encoded == null || encoded.length() > 8192) {
            return null;
        }
        JoinState state;
        try {
            state = session.tokens().decode(encoded, JoinState.class);
        } catch (RuntimeException e) {
            return null;
        }
        if (state == null || !state.isActive() || state.getId() == null || state.getNonce() == null || state.getRoom() == null) {
            return null;
        }
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(JOIN_COOKIE);
        if (cookie == null || !MessageDigest.isEqual(cookie.getValue().getBytes(StandardCharsets.UTF_8),
                state.getNonce().getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return state;
    }

    /** Binds the login round trip to this browser; only /join paths see it. */
    private NewCookie joinCookie(String value, int maxAge) {
        return new NewCookie.Builder(JOIN_COOKIE)
                .value(value)
                .path(URI.create(realmUrl()).getRawPath() + "/jitsi/join")
                .maxAge(maxAge)
                .httpOnly(true)
                .secure("https".equals(baseUri().getScheme()))
                .sameSite(NewCookie.SameSite.LAX)
                .build();
    }

    private Optional<JitsiSettings> settingsOrNull() {
        try {
            return JitsiClientSettings.of(realm).filter(s -> s.roomTokens().enabled());
        } catch (InvalidSettingsException e) {
            LOG.warnf("Jitsi settings of realm %s are invalid, the Jitsi endpoints are off: %s", realm.getName(), e.getMessage());
            return Optional.empty();
        }
    }

    private static String single(MultivaluedMap<String, String> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }

    private static Response.Status statusOf(RoomRequest.Refused e) {
        return e.error().equals("wildcard_not_allowed") ? Response.Status.FORBIDDEN : Response.Status.BAD_REQUEST;
    }

    private URI baseUri() {
        return session.getContext().getUri().getBaseUri();
    }

    private String realmUrl() {
        return Urls.realmBase(baseUri()).path(realm.getName()).build().toString();
    }

    private String callbackUrl() {
        return realmUrl() + "/jitsi/join/callback";
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Response notConfigured() {
        return error(Response.Status.NOT_FOUND, "not_configured",
                "Jitsi tokens are not set up in this realm: give the Jitsi Meet mapper of client 'jitsi' a Jitsi URL.");
    }

    private static Response.ResponseBuilder errorBuilder(Response.Status status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).header("Cache-Control", "no-store");
    }

    private static Response error(Response.Status status, String error, String description) {
        return errorBuilder(status, error, description).build();
    }

    /** Errors before the caller is known still carry CORS headers, so a web app can read why. */
    private static Response corsError(Response response) {
        return Cors.builder().allowAllOrigins().allowedMethods("POST").add(Response.fromResponse(response));
    }
}
