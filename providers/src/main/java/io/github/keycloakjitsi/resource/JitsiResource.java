package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomName;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenClaims;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.invites.InvitePage;
import io.github.keycloakjitsi.invites.InvitesResource;
import io.github.keycloakjitsi.keycloak.JoinState;
import io.github.keycloakjitsi.keycloak.KeycloakRealmDirectory;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
import io.github.keycloakjitsi.keycloak.SignedIn;
import io.github.keycloakjitsi.pages.MeetingsPage;
import io.github.keycloakjitsi.service.Issued;
import io.github.keycloakjitsi.service.JitsiEvents;
import io.github.keycloakjitsi.service.JitsiService;
import io.github.keycloakjitsi.service.JitsiUrls;
import io.github.keycloakjitsi.web.Answers;
import io.github.keycloakjitsi.web.Requests;
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
 *   <li>{@code /meetings} the page of hosts and admins ({@link MeetingsPage});</li>
 *   <li>{@code GET /keys/{hex(sha256(kid))}.pem} public keys for Prosody's asap_key_server.</li>
 * </ul>
 * Each endpoint reads its request and leaves the rest to {@link JitsiService}. Bad input gets a
 * JSON error with a 4xx status ({@link Refusal}) and an event, never a token. Tokens travel only in
 * response bodies and URL fragments, never in a query ({@link io.github.keycloakjitsi.service.Delivery}).
 */
public class JitsiResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final JitsiService jitsi;

    public JitsiResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.jitsi = new JitsiService(session);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response discovery() {
        try {
            JitsiSettings settings = jitsi.settings();
            RoomTokenSettings tokens = settings.roomTokens();
            JitsiUrls urls = jitsi.urls();
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
            return Answers.json(Response.Status.OK, doc).build();
        } catch (Refusal refusal) {
            return Answers.refusal(refusal).build();
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
        return Answers.preflight("POST", "OPTIONS");
    }

    @POST
    @Path("token")
    @Produces(MediaType.APPLICATION_JSON)
    public Response token() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.ROOM_TOKEN);
        return jitsi.withBearer(events, "POST", caller -> {
            Issued issued = jitsi.issueForHost(caller.session(), roomRequest(Requests.form(session), events), events);
            return Answers.json(Response.Status.OK, jitsi.delivery().asJson(issued));
        });
    }

    @GET
    @Path("join")
    public Response join() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.JOIN);
        RoomRequest request = null;
        try {
            jitsi.settings();
            MultivaluedMap<String, String> query = Requests.query(session);
            request = roomRequest(query, events);
            SignedIn sso = jitsi.ssoSession();
            if (sso != null) {
                return jitsi.delivery().toMeeting(jitsi.issueForHost(sso.session(), request, events)).build();
            }
            return new JoinFlow(session, jitsi.urls()).toLogin(request, RoomName.asTyped(Requests.single(query, "room")));
        } catch (JitsiService.NotAHost refusal) {
            events.refused(refusal.error(), refusal.reason());
            return jitsi.guestPage(request);
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return Answers.refusal(refusal).build();
        }
    }

    /**
     * Back from the login page: the state must be genuine and this browser's, and the login must
     * have left an SSO session, before the state's one use is recorded and the token issued.
     */
    @GET
    @Path("join/callback")
    public Response joinCallback() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.JOIN);
        RoomRequest request = null;
        try {
            JitsiSettings settings = jitsi.settings();
            JoinFlow flow = new JoinFlow(session, jitsi.urls());
            JoinState state = flow.returnedState(Requests.query(session));
            events.room(state.getRoom(), state.getTenant()).roomName(state.getRoomName() != null ? state.getRoomName() : state.getRoom());
            SignedIn sso = jitsi.ssoSession();
            if (sso == null) {
                throw new Refusal(Refusal.UNAUTHORIZED, "login_required", "Please sign in to join the meeting.",
                        "no SSO session after login");
            }
            // The settings may have changed since the join started: the room is checked again.
            request = RoomRequest.parse(state.getRoom(), state.getTenant(), settings.roomTokens());
            flow.markUsed(state);
            Issued issued = jitsi.issueForHost(sso.session(), request, events);
            return jitsi.delivery().toMeeting(issued).cookie(flow.clearedCookie()).build();
        } catch (JitsiService.NotAHost refusal) {
            events.refused(refusal.error(), refusal.reason());
            return jitsi.guestPage(request);
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return Answers.refusal(refusal).build();
        }
    }

    /** {@code /invites}: a host's invitations (create, list, revoke). */
    @Path("invites")
    public InvitesResource invites() {
        return new InvitesResource(jitsi);
    }

    /** {@code /invite/{key}}: the page an invited guest opens. */
    @Path("invite/{key}")
    public InvitePage invite(@PathParam("key") String key) {
        return new InvitePage(jitsi, key);
    }

    /** {@code /meetings}: the hosts' and admins' page (start meetings, invite, list, revoke). */
    @Path("meetings")
    public MeetingsPage meetings() {
        return new MeetingsPage(jitsi);
    }

    @GET
    @Path("keys/{file}")
    public Response key(@PathParam("file") String file) {
        return KeyServer.pem(session, realm, file)
                .map(pem -> Response.ok(pem, "application/x-pem-file").header("Referrer-Policy", "no-referrer").build())
                .orElseGet(() -> Answers.refusal(new Refusal(Refusal.NOT_FOUND, "not_found",
                        "No RS256 key of this realm is named so; keys are named <hex(sha256(kid))>.pem.")).build());
    }

    private RoomRequest roomRequest(MultivaluedMap<String, String> params, JitsiEvents events) throws Refusal {
        String room = Requests.single(params, "room");
        String tenant = Requests.single(params, "tenant");
        events.room(room, tenant).roomName(room);
        return RoomRequest.parse(room, tenant, jitsi.settings().roomTokens());
    }
}
