package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiApp;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.keycloak.JoinState;
import io.github.keycloakjitsi.keycloak.KeycloakUserFacts;
import io.github.keycloakjitsi.keycloak.MapperSettings;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
import io.github.keycloakjitsi.keycloak.SignedIn;
import io.github.keycloakjitsi.web.Answers;
import io.github.keycloakjitsi.web.Bearer;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.LoginProtocol;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.theme.Theme;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The steps every Jitsi entry point shares (the realm resource, the invitation pages, the login
 * gate), each written once: the realm's Jitsi settings (read once per request), who may host, a
 * room token for a host or a guest, where it goes ({@link Delivery}), the guest page, and the
 * events. Each step refuses with a {@link Refusal}; the entry points only read the request and
 * turn the outcome into an answer.
 */
public final class JitsiService {

    private final KeycloakSession session;
    private final RealmModel realm;
    private JitsiSettings settings;

    public JitsiService(KeycloakSession session) {
        this(session, session.getContext().getRealm());
    }

    /** For another realm than the request's: an admin's request runs in the admin's realm. */
    public JitsiService(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public KeycloakSession session() {
        return session;
    }

    public RealmModel realm() {
        return realm;
    }

    /** The realm's addresses as this request reached them: for redirects and the issuer of tokens. */
    public JitsiUrls urls() {
        return JitsiUrls.of(session, realm);
    }

    /** The realm's addresses as Jitsi and browsers are to be told, wherever this request came from ({@link JitsiUrls#published}). */
    public JitsiUrls publishedUrls() throws Refusal {
        try {
            return JitsiUrls.published(realm, settings().roomTokens().jitsiUrl());
        } catch (IllegalArgumentException e) {
            throw Refusal.notConfigured("The realm's Frontend URL or Keycloak's hostname is not a URL: " + e.getMessage());
        }
    }

    /** The settings of client jitsi's Jitsi Meet mapper, when they switch the Jitsi entry points on. */
    public JitsiSettings settings() throws Refusal {
        if (settings == null) {
            ProtocolMapperModel mapper = RealmJitsiMapper.find(realm).orElseThrow(() -> Refusal.notConfigured(
                    "Jitsi tokens are not set up in this realm: client 'jitsi' has no Jitsi Meet mapper."));
            // The cache logs why invalid settings are invalid, once.
            JitsiSettings found = MapperSettings.of(mapper).orElseThrow(() -> Refusal.notConfigured(
                    "The Jitsi settings of this realm are invalid; see the server log."));
            if (!found.roomTokens().enabled()) {
                throw Refusal.notConfigured("Jitsi tokens are not set up in this realm: give the Jitsi Meet mapper of client 'jitsi' a Jitsi URL.");
            }
            settings = found;
        }
        return settings;
    }

    /** The settings, or empty where {@link #settings()} refuses. */
    public Optional<JitsiSettings> settingsIfOn() {
        try {
            return Optional.of(settings());
        } catch (Refusal off) {
            return Optional.empty();
        }
    }

    public JitsiEvents events(JitsiEvents.Action action) {
        return new JitsiEvents(session, realm, action);
    }

    public Delivery delivery() throws Refusal {
        return new Delivery(settings().roomTokens());
    }

    /** Who may start meetings (get room tokens, invite): the one rule of {@link JitsiSettings#whyNotAHost}. */
    public void mayHost(UserModel user) throws Refusal {
        JitsiSettings jitsi = settings();
        Optional<JitsiSettings.NotAHost> why = jitsi.whyNotAHost(new KeycloakUserFacts(session, realm, user));
        if (why.isPresent()) {
            throw why.get() == JitsiSettings.NotAHost.DISABLED
                    ? new Refusal(Refusal.FORBIDDEN, "access_denied", "This account is disabled.", "user disabled")
                    : new NotAHost(jitsi.roomTokens().requiredRole());
        }
    }

    /** The settings of client jitsi's Jitsi Meet mapper, whether or not they switch the endpoints on; empty when missing or invalid. */
    public Optional<JitsiSettings> settingsOfMapper() {
        return RealmJitsiMapper.find(realm).flatMap(MapperSettings::of);
    }

    /**
     * Whether the user may start meetings now, as the mapper decides whether their next token
     * carries the Jitsi audience: enabled, with the host role. Without valid settings nobody's
     * token carries it.
     */
    public boolean mayHostNow(UserModel user) {
        return settingsOfMapper().map(jitsi -> jitsi.whyNotAHost(new KeycloakUserFacts(session, realm, user)).isEmpty())
                .orElse(false);
    }

    /**
     * Signs people out of running meetings once the current transaction commits: an OpenID Connect
     * back-channel logout to client jitsi's "Backchannel logout URL", as Keycloak sends its own
     * ({@link MeetingSignOut}). Nothing when that URL is empty.
     */
    public void signOutOfMeetings(MeetingSignOut.Target target) {
        MeetingSignOut.afterCommit(session, realm, target);
    }

    /** The user may not start meetings: JSON for /token, the guest page in a browser. */
    public static final class NotAHost extends Refusal {
        NotAHost(String role) {
            super(Refusal.FORBIDDEN, "access_denied", "You may not start meetings here (role " + role + " required).",
                    "missing role " + role);
        }
    }

    /** A room token for the user of an SSO session or access token, if they may host now; recorded. */
    public Issued issueForHost(UserSessionModel userSession, RoomRequest request, JitsiEvents events) throws Refusal {
        events.session(userSession);
        mayHost(userSession.getUser());
        Issued issued = new TokenSigner(session).forUser(settings(), userSession, request, urls().issuer(settings().roomTokens()));
        events.issued(request.room(), issued.claims().moderator(), issued.claims().lifetimeSeconds());
        return issued;
    }

    /**
     * A guest's token for one room, never past {@code endsAt}: not recorded yet, since an invitation
     * counts the use after signing ({@link #recordGuest}), and a token whose use is refused is never sent.
     */
    public Issued issueForGuest(String inviteId, long endsAt, RoomRequest request, String name) throws Refusal {
        return new TokenSigner(session).forGuest(settings(), inviteId, endsAt, request, name, urls().issuer(settings().roomTokens()));
    }

    /**
     * Why room tokens cannot be signed now (the HS256 secret missing from the vault or too short, no
     * active RS256 key), as discovery tells the admin; empty when they can. Never the secret itself.
     */
    public Optional<String> whyRoomTokensCannotBeSigned(JitsiSettings settings) {
        try {
            new TokenSigner(session).canSign(settings.roomTokens());
            return Optional.empty();
        } catch (Refusal refusal) {
            return Optional.of(refusal.getMessage());
        }
    }

    public void recordGuest(Issued issued, JitsiEvents events) {
        events.issued(issued.request().room(), issued.claims().moderator(), issued.claims().lifetimeSeconds());
    }

    /** The SSO session of the browser's identity cookie, or null. */
    public SignedIn ssoSession() {
        return SignedIn.of(AuthenticationManager.authenticateIdentityCookie(session, realm, true));
    }

    /** What an entry point for bearer tokens does once the caller is known. */
    public interface BearerStep {
        Response.ResponseBuilder run(SignedIn caller) throws Refusal;
    }

    /**
     * An endpoint for the bearer of an access token of one of the Jitsi clients: the caller is
     * authenticated and the origin checked before anything else; refusals carry CORS headers for
     * any origin until the caller is known (so a web app can read why), none for a foreign origin;
     * each refusal is recorded.
     */
    public Response withBearer(JitsiEvents events, String method, BearerStep step) {
        Cors cors = Cors.builder().allowAllOrigins().allowedMethods(method);
        try {
            SignedIn caller;
            try {
                caller = Bearer.authenticate(session, settings().roomTokens().clients());
            } catch (Bearer.NotAJitsiClient refusal) {
                events.session(refusal.caller().session()).client(refusal.caller().client());
                throw refusal;
            }
            events.session(caller.session()).client(caller.client());
            cors = Bearer.cors(session, caller, method);
            return cors.add(step.run(caller));
        } catch (Bearer.InvalidOrigin refusal) {
            events.refused(refusal.error(), refusal.reason());
            return Answers.refusal(refusal).build();
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            return cors.add(Answers.refusal(refusal));
        }
    }

    /** The guest page for a room of a browser request (/join), with the way back to it as a guest, in the browser or the app that asked. */
    public Response guestPage(RoomRequest request, Optional<JitsiApp> app) {
        return GuestPage.render(forms(), guestLink(request, app));
    }

    /** The address of a meeting for someone without a token ({@link Delivery#guestLink}); empty when Jitsi is not set up here. */
    public Optional<String> guestLink(RoomRequest request, Optional<JitsiApp> app) {
        return settingsIfOn().map(jitsi -> new Delivery(jitsi.roomTokens()).guestLink(request, app));
    }

    /** The admin's switch for signing in from one of Jitsi's apps; nothing to check for a browser. */
    public void mayUse(Optional<JitsiApp> app) throws Refusal {
        if (app.isPresent() && !settings().roomTokens().apps().contains(app.get())) {
            throw new Refusal(Refusal.FORBIDDEN, "app_not_allowed", "Signing in from Jitsi's " + app.get().label()
                    + " app is switched off in this realm: join the meeting from a web browser.", "app " + app.get().stateKey() + " switched off");
        }
    }

    /**
     * A host's room token to where it was asked for: the meeting in the browser (302, the token in
     * the fragment), or the page whose button opens the meeting in the Jitsi app that asked.
     */
    public Response.ResponseBuilder deliver(Issued issued, Optional<JitsiApp> app) throws Refusal {
        Delivery delivery = delivery();
        if (app.isEmpty()) {
            return delivery.toMeeting(issued);
        }
        Response page;
        try {
            page = AppPage.render(forms(), delivery.toApp(issued, app.get()), app.get(), issued);
        } catch (RuntimeException unreadableHeaders) {
            // Keycloak cannot pick a language from headers it cannot read: no page, and the token is never sent.
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_request", "The request's headers could not be read.",
                    "page not rendered: " + unreadableHeaders);
        }
        return Response.fromResponse(noStore(page));
    }

    /**
     * A refusal for the caller: a page of the login theme, in the user's language, for a browser
     * that asked for one (a person followed a link), else the JSON answer scripts read.
     */
    public Response refusal(Refusal refusal) {
        if (!wantsPage()) {
            return Answers.refusal(refusal).build();
        }
        try {
            // The theme's message by its key (Keycloak formats it in the user's language), else the refusal's own sentence.
            String key = REFUSAL_MESSAGE_PREFIX + refusal.error();
            String message = message(null, key, null) != null ? key : refusal.getMessage();
            return noStore(forms().setError(message).createErrorPage(Response.Status.fromStatusCode(refusal.status())));
        } catch (RuntimeException unreadableHeaders) {
            // Keycloak cannot pick a language from headers it cannot read (a malformed Accept-Language): the plain answer.
            return Answers.refusal(refusal).build();
        }
    }

    /** Whether the caller is a browser asking for a page (HTML first in Accept); a malformed Accept asks for none. */
    private boolean wantsPage() {
        try {
            List<MediaType> accepted = session.getContext().getHttpRequest().getHttpHeaders().getAcceptableMediaTypes();
            return !accepted.isEmpty() && accepted.get(0).isCompatible(MediaType.TEXT_HTML_TYPE) && !accepted.get(0).isWildcardType();
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** A page that must not be kept by the browser or a proxy (a token, or a person's situation). */
    static Response noStore(Response page) {
        return Response.fromResponse(page).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    /** The login theme's messages for refusals shown as pages: this prefix and the refusal's error code. */
    public static final String REFUSAL_MESSAGE_PREFIX = "jitsiRefusal_";

    /**
     * The end of a login of someone who may not start meetings (the login gate). The full-page
     * login of /jitsi/join (client jitsi-join) ends on the guest page, with the way back to its
     * meeting as a guest, in the browser or the Jitsi app the login was for. Any other client's login
     * (Jitsi's sso.html, in the popup Jitsi opens) goes back to the client's redirect URI with
     * OAuth's {@code error=access_denied} and a sentence in the user's language, and no code:
     * sso.html hands that to the Jitsi page, which tells the person, who stays in the meeting as a
     * guest. A page shown inside the popup would never reach it.
     */
    public Response notAHostAtLogin(LoginFormsProvider forms, AuthenticationSessionModel login, UserModel user, EventBuilder event) {
        if (JoinState.CLIENT_ID.equals(login.getClient().getClientId())) {
            Optional<JoinState> join = GuestPage.joinOfLogin(session, login);
            RoomRequest room = join.flatMap(GuestPage::room).orElse(null);
            Optional<JitsiApp> app = join.flatMap(GuestPage::app);
            return GuestPage.render(forms, settingsIfOn().map(jitsi -> new Delivery(jitsi.roomTokens()).guestLink(room, app)));
        }
        LoginProtocol protocol = session.getProvider(LoginProtocol.class, login.getProtocol());
        protocol.setRealm(realm).setHttpHeaders(session.getContext().getHttpRequest().getHttpHeaders())
                .setUriInfo(session.getContext().getUri()).setEventBuilder(event);
        return protocol.sendError(login, LoginProtocol.Error.CONSENT_DENIED, message(user, NOT_A_HOST_MESSAGE, NOT_A_HOST_MESSAGE));
    }

    /** The login theme's message for the sso.html popup: why the login ended, and that joining as a guest still works. */
    public static final String NOT_A_HOST_MESSAGE = "jitsiHostRequiredError";

    /** A message of the login theme (the jar's theme resources included) in the user's language (the request's for null), else {@code otherwise}. */
    private String message(UserModel user, String key, String otherwise) {
        try {
            Locale locale = session.getContext().resolveLocale(user);
            return session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, locale).getProperty(key, otherwise);
        } catch (IOException e) {
            return otherwise;
        }
    }

    private LoginFormsProvider forms() {
        return session.getProvider(LoginFormsProvider.class);
    }
}
