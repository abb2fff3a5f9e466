package io.github.keycloakjitsi.pages;

import io.github.keycloakjitsi.core.InviteRequest;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Page;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.invites.InviteSummary;
import io.github.keycloakjitsi.invites.Invitations;
import io.github.keycloakjitsi.invites.RealmInvitations;
import io.github.keycloakjitsi.keycloak.AdminRights;
import io.github.keycloakjitsi.keycloak.SignedIn;
import io.github.keycloakjitsi.service.JitsiEvents;
import io.github.keycloakjitsi.service.JitsiService;
import io.github.keycloakjitsi.service.JitsiUrls;
import io.github.keycloakjitsi.web.Answers;
import io.github.keycloakjitsi.web.Requests;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.locale.LocaleUpdaterProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.util.LocaleUtil;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /realms/{realm}/jitsi/meetings}: the page where hosts start meetings and manage their
 * invitations, and admins see and revoke every invitation of the realm, themed like the login
 * page. Signed in by the realm's SSO session (someone without one goes through the login of the
 * page's own client {@value PageLogin#CLIENT_ID} first, see {@link PageLogin}); every change is a
 * form carrying a {@link FormToken} of that session. The rules and limits are the JSON API's own:
 * {@link InviteRequest}, {@link Invitations} and {@link RealmInvitations}, through {@link JitsiService};
 * the admin's rights are Keycloak's admin permissions ({@link AdminRights}), as the admin REST API checks them.
 * <ul>
 *   <li>{@code GET /} the host's page: start a meeting (into /jitsi/join), invite a guest, the live
 *       invitations with their rooms as typed, times, uses left, and revoke; someone who may not host
 *       reads why;</li>
 *   <li>{@code POST /invites} a new invitation, its link shown this once with a copy button;</li>
 *   <li>{@code POST /revoke} revokes one of the host's;</li>
 *   <li>{@code GET /admin}, {@code POST /admin/revoke} every invitation of the realm, for its admins.</li>
 * </ul>
 * Every answer is {@code no-store}: a link, once shown, is in no cache and no history entry to come back to.
 */
public class MeetingsPage {

    static final String TEMPLATE = "jitsi-meetings.ftl";
    static final String ADMIN_TEMPLATE = "jitsi-meetings-admin.ftl";
    /** How many invitations of the realm the admins' view shows at once. */
    static final int ADMIN_PAGE_SIZE = 50;
    /** A host sees their first this many live invitations. */
    static final int HOST_PAGE_SIZE = 100;

    /** Refusals the page words; any other is "unavailable". */
    private static final Set<String> WORDED = Set.of("invalid_room", "wildcard_not_allowed", "invalid_tenant", "tenant_not_allowed",
            "invalid_request", "invalid_name", "too_many_invites", "invitations_disabled", "access_denied", "not_configured",
            "invite_not_found", "invalid_form", "form_used", "login_required", "login_failed", "not_an_admin");
    /** Refusals after which the page shows nothing but what happened and the way back. */
    private static final Set<String> STOPPING = Set.of("invalid_form", "login_required", "login_failed", "not_configured", "not_an_admin");

    private final JitsiService jitsi;
    private final KeycloakSession session;
    private final RealmModel realm;

    public MeetingsPage(JitsiService jitsi) {
        this.jitsi = jitsi;
        this.session = jitsi.session();
        this.realm = jitsi.realm();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response show() {
        return signedInView(user -> afterRevoke(hostPage(user, Map.of())).createForm(TEMPLATE));
    }

    /** Back from the page's login: on to the page, or why not (no loop back into the login). */
    @GET
    @Path("callback")
    @Produces(MediaType.TEXT_HTML)
    public Response callback() {
        try {
            pageClient();
        } catch (Refusal refusal) {
            return stopped(refusal);
        }
        if (session.getContext().getUri().getQueryParameters().containsKey("error") || jitsi.ssoSession() == null) {
            return stopped(new Refusal(Refusal.UNAUTHORIZED, "login_failed", "The sign-in did not complete."));
        }
        return Answers.seeOther(URI.create(jitsi.urls().meetings())).build();
    }

    /** A new invitation: the page again, with its link this once. */
    @POST
    @Path("invites")
    @Produces(MediaType.TEXT_HTML)
    public Response create() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.INVITE_CREATE);
        Map<String, String> typed = new HashMap<>();
        SignedIn user = null;
        try {
            user = signedInFor(events);
            MultivaluedMap<String, String> form = FormToken.formOf(session);
            FormToken.check(session, form, user);
            for (String field : List.of("room", "tenant", "valid_for", "max_uses", "name")) {
                String value = Requests.single(form, field);
                if (value != null) {
                    typed.put(field, value);
                }
            }
            FormToken.useUp(session, form);
            events.room(typed.get("room"), typed.get("tenant")).roomName(typed.get("room"));
            InviteRequest request = InviteRequest.parse(typed.get("room"), typed.get("tenant"), typed.get("valid_for"),
                    typed.get("max_uses"), typed.get("name"), jitsi.settings());
            Invitations.Made made = new Invitations(jitsi).make(user.user(), request, events);
            Map<String, Object> shown = new HashMap<>();
            shown.put("url", made.url());
            shown.put("room", made.invite().roomName());
            return hostPage(user, Map.of()).setAttribute("jitsiMade", shown).setSuccess("jitsiMeetingsMade").createForm(TEMPLATE);
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            if (user == null || STOPPING.contains(refusal.error())) {
                return stopped(refusal);
            }
            return withError(hostPage(user, typed), refusal).createForm(TEMPLATE);
        }
    }

    /** Revokes one of the host's invitations, then the page again. */
    @POST
    @Path("revoke")
    @Produces(MediaType.TEXT_HTML)
    public Response revoke() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.INVITE_REVOKE);
        SignedIn user = null;
        try {
            user = signedInFor(events);
            MultivaluedMap<String, String> form = FormToken.formOf(session);
            FormToken.check(session, form, user);
            new Invitations(jitsi).revoke(user.user(), Requests.single(form, "id"), events);
            return Answers.seeOther(URI.create(jitsi.urls().meetings() + "?done=revoked")).build();
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            if (user == null || STOPPING.contains(refusal.error())) {
                return stopped(refusal);
            }
            return withError(hostPage(user, Map.of()), refusal).createForm(TEMPLATE);
        }
    }

    /** Someone who opens a form's address (a reload, a language link): to the page. */
    @GET
    @Path("invites")
    public Response createByGet() {
        return Answers.seeOther(URI.create(jitsi.urls().meetings())).build();
    }

    @GET
    @Path("revoke")
    public Response revokeByGet() {
        return Answers.seeOther(URI.create(jitsi.urls().meetings())).build();
    }

    /** Every invitation of the realm, newest first, for its admins (view-realm). */
    @GET
    @Path("admin")
    @Produces(MediaType.TEXT_HTML)
    public Response admin() {
        return signedInView(user -> {
            AdminRights rights = AdminRights.of(realm, user.user());
            if (!rights.canView()) {
                return stopped(notAnAdmin());
            }
            return afterRevoke(adminPage(user, rights, first())).createForm(ADMIN_TEMPLATE);
        });
    }

    /** Revokes any invitation of the realm (manage-realm), as an admin event; then the admins' view again. */
    @POST
    @Path("admin/revoke")
    @Produces(MediaType.TEXT_HTML)
    public Response adminRevoke() {
        SignedIn user = null;
        AdminRights rights = null;
        try {
            ClientModel client = pageClient();
            user = jitsi.ssoSession();
            if (user == null) {
                throw signedOut();
            }
            rights = AdminRights.of(realm, user.user());
            if (!rights.canManage()) {
                throw notAnAdmin();
            }
            MultivaluedMap<String, String> form = FormToken.formOf(session);
            FormToken.check(session, form, user);
            String id = Requests.single(form, "id");
            RealmInvitations invitations = new RealmInvitations(session, realm);
            if (id == null || !invitations.exists(id)) {
                throw new Refusal(Refusal.NOT_FOUND, "invite_not_found", "No invitation of this realm has this id.");
            }
            invitations.revoke(id, AdminRights.events(session, realm, user.user(), client, user.token()));
            return Answers.seeOther(URI.create(jitsi.urls().meetingsAdmin() + "?done=revoked")).build();
        } catch (Refusal refusal) {
            if (user == null || rights == null || !rights.canView() || STOPPING.contains(refusal.error())) {
                return stopped(refusal);
            }
            return withError(adminPage(user, rights, 0), refusal).createForm(ADMIN_TEMPLATE);
        }
    }

    @GET
    @Path("admin/revoke")
    public Response adminRevokeByGet() {
        return Answers.seeOther(URI.create(jitsi.urls().meetingsAdmin())).build();
    }

    /** The page's own client, made the client of this request (its events, its login page); a refusal when the realm has none. */
    private ClientModel pageClient() throws Refusal {
        ClientModel client = PageLogin.client(realm);
        session.getContext().setClient(client);
        return client;
    }

    /**
     * A page for the SSO session's user, in the language they chose; someone without a session goes
     * through the page's login first, a realm without the page's client reads why.
     */
    private Response signedInView(Function<SignedIn, Response> page) {
        SignedIn user;
        try {
            pageClient();
            user = jitsi.ssoSession();
            if (user == null) {
                return PageLogin.toLogin(session, realm, jitsi.urls());
            }
        } catch (Refusal refusal) {
            return stopped(refusal);
        }
        language(user);
        return page.apply(user);
    }

    /** Back from a revocation ({@code ?done=revoked}, where the revoke's redirect lands): says it is done. */
    private LoginFormsProvider afterRevoke(LoginFormsProvider page) {
        if ("revoked".equals(session.getContext().getUri().getQueryParameters().getFirst("done"))) {
            page.setSuccess("jitsiMeetingsRevoked");
        }
        return page;
    }

    /** The SSO session's user, for a change; the events name them and the page's client. */
    private SignedIn signedInFor(JitsiEvents events) throws Refusal {
        ClientModel client = pageClient();
        SignedIn user = jitsi.ssoSession();
        if (user == null) {
            throw signedOut();
        }
        events.session(user.session()).client(client);
        return user;
    }

    private static Refusal signedOut() {
        return new Refusal(Refusal.UNAUTHORIZED, "login_required", "You are signed out: open the page again to sign in.");
    }

    private static Refusal notAnAdmin() {
        return new Refusal(Refusal.FORBIDDEN, "not_an_admin", "Only admins of this realm see every invitation.",
                "no view-realm (or manage-realm to revoke)");
    }

    /**
     * A language the person chose from the page's list: for this page and, as Keycloak's login does,
     * for their account. A link from another site (the browser says {@code Sec-Fetch-Site:
     * cross-site} or {@code same-site}) changes nothing: the page keeps the language it had.
     */
    private void language(SignedIn user) {
        String tag = session.getContext().getUri().getQueryParameters().getFirst("kc_locale");
        String site = session.getContext().getHttpRequest().getHttpHeaders().getHeaderString("Sec-Fetch-Site");
        boolean fromElsewhere = "cross-site".equals(site) || "same-site".equals(site);
        if (tag != null && !fromElsewhere && realm.isInternationalizationEnabled() && realm.getSupportedLocalesStream().anyMatch(tag::equals)) {
            LocaleUtil.processLocaleParam(session, realm, null);
            session.getProvider(LocaleUpdaterProvider.class).updateUsersLocale(user.user(), tag);
        }
    }

    /** The page's frame: the user, the language links back to {@code self}, never stored by a browser or a proxy. */
    private LoginFormsProvider frame(SignedIn user, String self) {
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class)
                .setActionUri(URI.create(self))
                .setResponseHeader("Cache-Control", "no-store");
        if (user != null) {
            forms.setUser(user.user());
            forms.setAttribute("jitsiUser", PageView.nameOf(user.user()));
            String checker = FormToken.of(user);
            if (checker != null) {
                forms.setAttribute("jitsiFormToken", checker);
            }
            forms.setAttribute("jitsiFormId", FormToken.newFormId());
        }
        forms.setAttribute("jitsiPageUrl", jitsi.urls().meetings());
        return forms;
    }

    /** The host's page: whether they may host (and why not), the forms, their live invitations. */
    private LoginFormsProvider hostPage(SignedIn user, Map<String, String> typed) {
        JitsiUrls urls = jitsi.urls();
        UserModel person = user.user();
        Locale locale = session.getContext().resolveLocale(person);
        LoginFormsProvider page = frame(user, urls.meetings());
        Optional<JitsiSettings> settings = jitsi.settingsIfOn();
        boolean host = false;
        try {
            jitsi.mayHost(person);
            host = true;
        } catch (JitsiService.NotAHost notAHost) {
            page.setAttribute("jitsiNotAHost", "role");
            settings.ifPresent(s -> page.setAttribute("jitsiHostRole", s.roomTokens().requiredRole()));
        } catch (Refusal refusal) {
            page.setAttribute("jitsiNotAHost", "setup");
        }
        page.setAttribute("jitsiHost", host);
        page.setAttribute("jitsiJoinUrl", urls.join());
        page.setAttribute("jitsiCreateUrl", urls.meetingsInvites());
        page.setAttribute("jitsiRevokeUrl", urls.meetingsRevoke());
        boolean invitesOn = settings.map(s -> s.invites().enabled()).orElse(false);
        page.setAttribute("jitsiInvitesOn", invitesOn);
        if (settings.isPresent()) {
            int longest = settings.get().invites().maxValiditySeconds();
            int chosen = Math.min(InviteRequest.DEFAULT_VALIDITY, longest);
            try {
                chosen = typed.containsKey("valid_for") ? Integer.parseInt(typed.get("valid_for")) : chosen;
            } catch (NumberFormatException e) {
                // what the host sent is not one of the choices; the default stays chosen
            }
            page.setAttribute("jitsiValidities", PageView.validities(longest, chosen));
            page.setAttribute("jitsiTenants", settings.get().roomTokens().tenants());
        }
        page.setAttribute("jitsiTyped", typed);
        List<Map<String, Object>> rows = new Invitations(jitsi).liveSummariesOf(person, new Page(0, HOST_PAGE_SIZE)).stream()
                .map(invite -> {
                    Map<String, Object> row = PageView.row(invite, locale);
                    row.put("meetingUrl", PageView.joinLink(urls, invite.roomName(), invite.tenant()));
                    return row;
                }).toList();
        page.setAttribute("jitsiInvites", rows);
        page.setAttribute("jitsiInvitesMore", rows.size() == HOST_PAGE_SIZE);
        AdminRights rights = AdminRights.of(realm, person);
        if (rights.canView()) {
            page.setAttribute("jitsiAdminUrl", urls.meetingsAdmin());
        }
        return page;
    }

    /** The admins' view: a page of every invitation of the realm, with the host's name. */
    private LoginFormsProvider adminPage(SignedIn user, AdminRights rights, int first) {
        JitsiUrls urls = jitsi.urls();
        Locale locale = session.getContext().resolveLocale(user.user());
        LoginFormsProvider page = frame(user, urls.meetingsAdmin());
        List<InviteSummary> invites = new RealmInvitations(session, realm).summaries(new Page(first, ADMIN_PAGE_SIZE));
        Map<String, UserModel> hosts = new HashMap<>();
        List<Map<String, Object>> rows = invites.stream().map(invite -> {
            Map<String, Object> row = PageView.row(invite, locale);
            UserModel host = hosts.computeIfAbsent(invite.hostId(), id -> session.users().getUserById(realm, id));
            row.put("host", host == null ? invite.hostId() : PageView.nameOf(host));
            if (host != null) {
                row.put("hostUsername", host.getUsername());
            }
            return row;
        }).toList();
        page.setAttribute("jitsiAdminRows", rows);
        page.setAttribute("jitsiCanRevoke", rights.canManage());
        page.setAttribute("jitsiAdminRevokeUrl", urls.meetingsAdminRevoke());
        if (first > 0) {
            page.setAttribute("jitsiNewerUrl", urls.meetingsAdmin() + "?first=" + Math.max(0, first - ADMIN_PAGE_SIZE));
        }
        if (rows.size() == ADMIN_PAGE_SIZE) {
            page.setAttribute("jitsiOlderUrl", urls.meetingsAdmin() + "?first=" + (first + ADMIN_PAGE_SIZE));
        }
        return page;
    }

    /** Where the admins' view starts: the query's {@code first}, or the newest. */
    private int first() {
        try {
            return Page.parse(session.getContext().getUri().getQueryParameters().getFirst("first"), null).first();
        } catch (Refusal refusal) {
            return 0;
        }
    }

    /** The refusal in the page's words (the REST API's sentences are English). */
    private static LoginFormsProvider withError(LoginFormsProvider page, Refusal refusal) {
        String key = "jitsiMeetings_" + (WORDED.contains(refusal.error()) ? refusal.error() : "unavailable");
        if (refusal instanceof Invitations.TooManyLive tooMany) {
            page.setError(key, String.valueOf(tooMany.limit()));
        } else {
            page.setError(key);
        }
        return page.setStatus(Response.Status.fromStatusCode(refusal.status()));
    }

    /** Only what happened and the way back to the page: no data, no forms (a cross-site post, a signed-out browser, a missing setup). */
    private Response stopped(Refusal refusal) {
        String kind = WORDED.contains(refusal.error()) ? refusal.error() : "unavailable";
        return withError(frame(null, jitsi.urls().meetings()), refusal)
                .setAttribute("jitsiStopped", kind)
                .createForm(TEMPLATE);
    }
}
