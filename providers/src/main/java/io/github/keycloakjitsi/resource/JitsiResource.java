package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiApp;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.JitsiState;
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
import io.github.keycloakjitsi.keycloak.SignatureAlgorithms;
import io.github.keycloakjitsi.keycloak.SignedIn;
import io.github.keycloakjitsi.pages.MeetingsPage;
import io.github.keycloakjitsi.service.Issued;
import io.github.keycloakjitsi.service.JitsiEvents;
import io.github.keycloakjitsi.service.JitsiService;
import io.github.keycloakjitsi.service.JitsiUrls;
import io.github.keycloakjitsi.service.MeetingSignOut;
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
import org.keycloak.crypto.Algorithm;
import org.keycloak.models.ClientModel;
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
 *   <li>{@code GET /signin?state=&code_challenge=} config.tokenAuthUrl for every Jitsi client: the
 *       guide's login for browsers ({@link GuideLogin}), the join for Jitsi's apps;</li>
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
            JitsiUrls urls = jitsi.publishedUrls();
            String issuer = urls.issuer(tokens);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("issuer", issuer);
            doc.put("realm_url", urls.realm());
            doc.put("realm_url_from", urls.source().name().toLowerCase(java.util.Locale.ROOT));
            doc.put("audience", settings.audience());
            // What Prosody is to accept, and nothing else: every token meant for Jitsi has these.
            doc.put("prosody_accepted_audiences", List.of(settings.audience()));
            doc.put("prosody_accepted_issuers", ConfigSnippets.acceptedIssuers(urls, issuer));
            doc.put("algorithm", tokens.algorithm().name());
            doc.put("jwks_uri", urls.certs());
            doc.put("asap_key_server", urls.keys());
            doc.put("token_endpoint", urls.token());
            doc.put("join_endpoint", urls.join());
            doc.put("signin_endpoint", urls.signIn());
            doc.put("apps", tokens.apps().stream().map(JitsiApp::stateKey).toList());
            doc.put("invites_endpoint", settings.invites().enabled() ? urls.invites() : null);
            doc.put("jitsi_url", tokens.jitsiUrl().toString());
            doc.put("token_lifetime", tokens.lifetimeSeconds());
            doc.put("wildcard_allowed", tokens.wildcardAllowed());
            doc.put("tenants", tokens.tenants());
            doc.put("token_type", RoomTokenClaims.TYPE);
            doc.put("host_role", tokens.requiredRole());
            List<String> problems = new java.util.ArrayList<>(problems());
            problems.addAll(MeetingSignOut.problems(jitsi));
            problems.addAll(accessTokenAlgorithms(tokens));
            jitsi.whyRoomTokensCannotBeSigned(settings).ifPresent(why -> problems.add(why
                    + " No room or guest token is issued until then."));
            boolean safe = JitsiSettings.isSnippetSafe(urls.realm());
            if (!safe) {
                problems.add("The realm's address " + urls.realm() + " has characters that cannot go into Prosody's or Jitsi's "
                        + "settings (letters, digits and . _ : / - only): the snippets are left out. Set the realm's Frontend URL to a plain address.");
            }
            doc.put("problems", problems);
            doc.put("notes", notes(urls));
            if (safe) {
                doc.putAll(ConfigSnippets.of(settings, issuer, urls));
            }
            return Answers.json(Response.Status.OK, doc).build();
        } catch (Refusal refusal) {
            return Answers.refusal(refusal).build();
        }
    }

    /** What discovery's reader should know about the addresses it was given. */
    private static List<String> notes(JitsiUrls urls) {
        List<String> notes = new java.util.ArrayList<>();
        if (urls.source() == JitsiUrls.Source.JITSI_URL) {
            notes.add("The realm has no Frontend URL and Keycloak no hostname, so these addresses take Keycloak to be reached at "
                    + urls.realm() + ", through Jitsi's host (its nginx passing /realms/ to Keycloak, as in Jitsi's guide). If the "
                    + "browsers of Jitsi's users reach Keycloak at another address, set the realm's Frontend URL (Realm settings, General) to it.");
        }
        if (urls.realm().startsWith("http://")) {
            notes.add("Keycloak is reached over plain http here; Jitsi's sso.html asks https://<tokenService>/token, so the guide's "
                    + "browser sign-in needs Keycloak behind https.");
        }
        return notes;
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

    /**
     * The Jitsi clients whose access tokens Prosody would refuse for their algorithm: with keys from
     * the realm it takes RS256 only (the room tokens' too), and an admin may have picked another for a
     * client or for the whole realm. Nothing to say when the room tokens are HS256: Prosody then
     * takes no token Keycloak signs with a realm key.
     */
    private List<String> accessTokenAlgorithms(RoomTokenSettings tokens) {
        List<String> problems = new java.util.ArrayList<>();
        if (tokens.algorithm() != RoomTokenSettings.Algorithm.RS256) {
            return problems;
        }
        for (String clientId : tokens.clients()) {
            ClientModel client = realm.getClientByClientId(clientId);
            String algorithm = client == null ? Algorithm.RS256 : SignatureAlgorithms.accessToken(realm, client);
            if (!Algorithm.RS256.equals(algorithm)) {
                problems.add("Client " + clientId + " signs its access tokens with " + algorithm + "; Jitsi's Prosody takes RS256 only, so "
                        + "the tokens of its users open no meeting. Set Clients > " + clientId + " > Advanced > Fine grain OpenID Connect "
                        + "configuration: Access token signature algorithm RS256 (left empty it follows Realm settings > Tokens > "
                        + "Default signature algorithm).");
            }
        }
        return problems;
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

    /**
     * The TOKEN_AUTH_URL entry: {@code ?room=&tenant=}, or jitsi-meet's {@code ?state={state}} (room,
     * tenant, and the Jitsi app that asks). A signed-in host goes straight to the meeting; anyone
     * else through the login page first.
     */
    @GET
    @Path("join")
    public Response join() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.JOIN);
        try {
            jitsi.settings();
            MultivaluedMap<String, String> query = Requests.query(session);
            JitsiState state = Requests.jitsiState(Requests.single(query, "state"));
            String room = Requests.single(query, "room");
            String tenant = Requests.single(query, "tenant");
            Optional<JitsiApp> app = Optional.empty();
            if (state != null) {
                // docker-jitsi-meet's TOKEN_AUTH_URL fills {room} too; the state names the tenant and the app.
                room = room != null ? room : state.room();
                tenant = tenant != null ? tenant : state.tenant();
                app = state.app();
            }
            return toMeeting(events, room, tenant, app);
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return jitsi.refusal(refusal);
        }
    }

    /**
     * {@code config.tokenAuthUrl} of the guide's setup, for every Jitsi client:
     * {@code ?state={state}&code_challenge={code_challenge}}. A browser (Jitsi's popup or page) goes
     * on to the guide's login ({@link GuideLogin}: client jitsi, PKCE, back to sso.html), exactly as
     * before; one of Jitsi's apps, which fill in the state but never the code challenge, goes through
     * the join, and its token back to the app.
     */
    @GET
    @Path("signin")
    public Response signIn() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.JOIN);
        try {
            JitsiSettings settings = jitsi.settings();
            MultivaluedMap<String, String> query = Requests.query(session);
            String rawState = Requests.single(query, "state");
            JitsiState state = Requests.jitsiState(rawState);
            if (state == null) {
                throw new Refusal(Refusal.BAD_REQUEST, "invalid_request", "config.tokenAuthUrl must carry jitsi-meet's state: "
                        + "state={state}.", "no state");
            }
            if (state.app().isPresent()) {
                return toMeeting(events, state.room(), state.tenant(), state.app());
            }
            return GuideLogin.toLogin(session, settings.roomTokens().jitsiUrl(), rawState, Requests.single(query, "code_challenge"),
                    Requests.single(query, "nonce"));
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return jitsi.refusal(refusal);
        }
    }

    /** The join of a room: a signed-in host's token to the browser or app that asked, else to the login page first. */
    private Response toMeeting(JitsiEvents events, String room, String tenant, Optional<JitsiApp> app) throws Refusal {
        app.ifPresent(events::app);
        events.room(room, tenant).roomName(room);
        RoomRequest request = RoomRequest.parse(room, tenant, jitsi.settings().roomTokens());
        jitsi.mayUse(app);
        SignedIn sso = jitsi.ssoSession();
        if (sso == null) {
            return new JoinFlow(session, jitsi.urls()).toLogin(request, RoomName.asTyped(room), app);
        }
        try {
            return jitsi.deliver(jitsi.issueForHost(sso.session(), request, events), app).build();
        } catch (JitsiService.NotAHost refusal) {
            events.refused(refusal.error(), refusal.reason());
            return jitsi.guestPage(request, app);
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
        Optional<JitsiApp> app = Optional.empty();
        try {
            JitsiSettings settings = jitsi.settings();
            JoinFlow flow = new JoinFlow(session, jitsi.urls());
            JoinState state = flow.returnedState(Requests.query(session));
            events.room(state.getRoom(), state.getTenant()).roomName(state.getRoomName() != null ? state.getRoomName() : state.getRoom());
            app = state.getApp() == null ? Optional.empty() : JitsiApp.ofStateKey(state.getApp());
            app.ifPresent(events::app);
            SignedIn sso = jitsi.ssoSession();
            if (sso == null) {
                throw new Refusal(Refusal.UNAUTHORIZED, "login_required", "Please sign in to join the meeting.",
                        "no SSO session after login");
            }
            // The settings may have changed since the join started: the room and the app are checked again.
            request = RoomRequest.parse(state.getRoom(), state.getTenant(), settings.roomTokens());
            jitsi.mayUse(app);
            flow.markUsed(state);
            Issued issued = jitsi.issueForHost(sso.session(), request, events);
            return jitsi.deliver(issued, app).cookie(flow.clearedCookie()).build();
        } catch (JitsiService.NotAHost refusal) {
            events.refused(refusal.error(), refusal.reason());
            return jitsi.guestPage(request, app);
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return jitsi.refusal(refusal);
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
