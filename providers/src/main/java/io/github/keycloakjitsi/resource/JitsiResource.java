package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenClaims;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.keycloak.JoinState;
import io.github.keycloakjitsi.keycloak.KeycloakRealmDirectory;
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
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.cors.Cors;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /realms/{realm}/jitsi}: room-scoped Jitsi tokens issued by the realm.
 * <ul>
 *   <li>{@code GET /} discovery, with the Jitsi side's settings for this realm;</li>
 *   <li>{@code POST /token} a token for one room, for the bearer of an access token of one of the
 *       clients the admin names;</li>
 *   <li>{@code GET /join?room=} the TOKEN_AUTH_URL entry ({@link JoinFlow});</li>
 *   <li>{@code /invites} and {@code /invite/{key}} invitations of guests ({@link InvitesResource},
 *       {@link InvitePage});</li>
 *   <li>{@code GET /keys/{hex(sha256(kid))}.pem} public keys for Prosody's asap_key_server.</li>
 * </ul>
 * Bad input gets a JSON error with a 4xx status ({@link Refusal}) and an event, never a token.
 * Tokens travel only in response bodies and URL fragments, never in a query.
 */
public class JitsiResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Caller caller;

    public JitsiResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.caller = new Caller(session);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response discovery() {
        try {
            JitsiSettings settings = caller.settings();
            RoomTokenSettings tokens = settings.roomTokens();
            JitsiUrls urls = caller.urls();
            String issuer = urls.issuer(tokens);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("issuer", issuer);
            doc.put("audience", settings.audience());
            // What Prosody is to accept, and nothing else: every token meant for Jitsi has these.
            doc.put("prosody_accepted_audiences", List.of(settings.audience()));
            doc.put("prosody_accepted_issuers", ConfigSnippets.acceptedIssuers(urls, issuer));
            doc.put("algorithm", tokens.algorithm().name());
            doc.put("jwks_uri", urls.certs());
            doc.put("asap_key_server", urls.keys());
            doc.put("token_endpoint", urls.token());
            doc.put("join_endpoint", urls.join());
            doc.put("invites_endpoint", settings.invites().enabled() ? urls.invites() : null);
            doc.put("jitsi_url", tokens.jitsiUrl().toString());
            doc.put("token_lifetime", tokens.lifetimeSeconds());
            doc.put("wildcard_allowed", tokens.wildcardAllowed());
            doc.put("tenants", tokens.tenants());
            doc.put("token_type", RoomTokenClaims.TYPE);
            doc.put("host_role", tokens.requiredRole());
            doc.put("problems", problems());
            doc.putAll(ConfigSnippets.of(settings, issuer, urls));
            return JitsiResponses.json(Response.Status.OK, doc).build();
        } catch (Refusal refusal) {
            return JitsiResponses.refusal(refusal).build();
        }
    }

    /**
     * What is wrong with the realm's Jitsi settings as they stand now, as saving the mapper would
     * say it (a client created since under the Jitsi audience's name, a role removed, ...); empty when nothing is.
     */
    private List<String> problems() {
        Optional<ProtocolMapperModel> mapper = RealmJitsiMapper.find(realm);
        try {
            if (mapper.isPresent()) {
                JitsiSettings.validate(mapper.get().getConfig(), new KeycloakRealmDirectory(session, realm));
            }
            return List.of();
        } catch (InvalidSettingsException e) {
            return e.problems();
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
            JitsiSettings settings = caller.settings();
            SignedIn auth = caller.bearer(settings, events);
            cors = caller.cors(auth, "POST");
            RoomRequest request = roomRequest(caller.form(), settings, events);
            RoomTokenIssuer.Issued issued = issue(settings, auth.session(), request, events);

            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", issued.token());
            body.put("room", request.room());
            body.put("tenant", request.tenant() == null ? "" : request.tenant());
            body.put("expires_in", issued.claims().lifetimeSeconds());
            body.put("moderator", issued.claims().moderator());
            body.put("url", settings.roomTokens().meetingUrl(request, issued.token()));
            return cors.add(JitsiResponses.json(Response.Status.OK, body));
        } catch (Caller.InvalidOrigin refusal) {
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
        RoomRequest request = null;
        try {
            JitsiSettings settings = caller.settings();
            request = roomRequest(caller.query(), settings, events);
            SignedIn sso = caller.ssoSession();
            if (sso != null) {
                return redirectToMeeting(settings, sso.session(), request, events).build();
            }
            return new JoinFlow(session, caller.urls()).toLogin(request);
        } catch (Caller.NotAHost refusal) {
            events.refused(refusal.error(), refusal.reason());
            return caller.guestPage(request);
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
        RoomRequest request = null;
        try {
            JitsiSettings settings = caller.settings();
            JoinFlow flow = new JoinFlow(session, caller.urls());
            JoinState state = flow.returnedState(caller.query());
            events.room(state.getRoom(), state.getTenant());
            SignedIn sso = caller.ssoSession();
            if (sso == null) {
                throw new Refusal(Refusal.UNAUTHORIZED, "login_required", "Please sign in to join the meeting.",
                        "no SSO session after login");
            }
            // The settings may have changed since the join started: the room is checked again.
            request = RoomRequest.parse(state.getRoom(), state.getTenant(), settings.roomTokens());
            flow.markUsed(state);
            return redirectToMeeting(settings, sso.session(), request, events).cookie(flow.clearedCookie()).build();
        } catch (Caller.NotAHost refusal) {
            events.refused(refusal.error(), refusal.reason());
            return caller.guestPage(request);
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return JitsiResponses.refusal(refusal).build();
        }
    }

    /** {@code /invites}: a host's invitations (create, list, revoke). */
    @Path("invites")
    public InvitesResource invites() {
        return new InvitesResource(caller);
    }

    /** {@code /invite/{key}}: the page an invited guest opens. */
    @Path("invite/{key}")
    public InvitePage invite(@PathParam("key") String key) {
        return new InvitePage(caller, key);
    }

    @GET
    @Path("keys/{file}")
    public Response key(@PathParam("file") String file) {
        return KeyServer.pem(session, realm, file)
                .map(pem -> Response.ok(pem, "application/x-pem-file").header("Referrer-Policy", "no-referrer").build())
                .orElseGet(() -> JitsiResponses.refusal(new Refusal(Refusal.NOT_FOUND, "not_found",
                        "No RS256 key of this realm is named so; keys are named <hex(sha256(kid))>.pem.")).build());
    }

    private static RoomRequest roomRequest(MultivaluedMap<String, String> params, JitsiSettings settings, JitsiEvents events) throws Refusal {
        String room = Params.single(params, "room");
        String tenant = Params.single(params, "tenant");
        events.room(room, tenant);
        return RoomRequest.parse(room, tenant, settings.roomTokens());
    }

    private RoomTokenIssuer.Issued issue(JitsiSettings settings, UserSessionModel userSession, RoomRequest request,
                                         JitsiEvents events) throws Refusal {
        caller.mayHost(settings, userSession.getUser());
        RoomTokenIssuer.Issued issued = new RoomTokenIssuer(session)
                .issue(settings, userSession, request, caller.urls().issuer(settings.roomTokens()));
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
}
