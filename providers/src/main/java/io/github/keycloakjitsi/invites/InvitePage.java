package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.core.GuestName;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomName;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.service.Issued;
import io.github.keycloakjitsi.service.JitsiEvents;
import io.github.keycloakjitsi.service.JitsiService;
import io.github.keycloakjitsi.web.Requests;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /realms/{realm}/jitsi/invite/{key}}: the page an invited guest opens, themed like the
 * login page (template {@value #TEMPLATE}). {@code GET} asks for the guest's display name (unless
 * the host fixed it); {@code POST name=} counts one use of the invitation and sends the guest to
 * the meeting with a guest token in the URL fragment. A link that opens nothing (unknown, ended,
 * used up) gets the same page with a heading that says so, the reason and the way forward (ask the
 * host for a new link; the meeting's address when the link opened an invitation), and no form; a
 * bad name gets the form again. The use cases are {@link Invitations}'.
 */
public class InvitePage {

    public static final String TEMPLATE = "jitsi-invite.ftl";

    private final JitsiService jitsi;
    private final String key;

    public InvitePage(JitsiService jitsi, String key) {
        this.jitsi = jitsi;
        this.key = key;
    }

    /** Opening the link is not recorded: it changes nothing, and anyone may try any link. */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response show() {
        try {
            InviteEntity invite = new Invitations(jitsi).open(key, jitsi.events(JitsiEvents.Action.INVITE_USE));
            return form(invite, null).createForm(TEMPLATE);
        } catch (Refusal refusal) {
            return problem(refusal);
        }
    }

    @POST
    @Produces(MediaType.TEXT_HTML)
    public Response join() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.INVITE_USE);
        Invitations invitations = new Invitations(jitsi);
        InviteEntity invite = null;
        String typed = null;
        try {
            invite = invitations.open(key, events);
            typed = Requests.single(Requests.form(jitsi.session()), "name");
            Issued issued = invitations.use(invite, typed, events);
            return jitsi.delivery().toMeeting(issued).build();
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            if (invite != null && GuestName.INVALID.equals(refusal.error())) {
                return form(invite, typed).setError(message(refusal)).setStatus(Response.Status.BAD_REQUEST).createForm(TEMPLATE);
            }
            return problem(refusal);
        }
    }

    /** Refusals the theme words (a heading and a message each); any other (the realm's setup, a changed setting) is "unavailable". */
    private static final Set<String> WORDED = Set.of("invitations_disabled", "invite_not_found", "invite_ended",
            "invite_used_up", "slow_down", GuestName.INVALID, "invalid_request");

    /** The template's attributes of a refusal: its kind (for the heading), and the meeting's address when known. */
    static final String REFUSAL = "jitsiInviteRefusal";
    static final String MEETING = "jitsiInviteMeetingUrl";

    /** What the theme calls a refusal: its error code, or "unavailable". */
    private static String kind(Refusal refusal) {
        return WORDED.contains(refusal.error()) ? refusal.error() : "unavailable";
    }

    /** The theme's message for a refusal: jitsiInvite_ and its kind. */
    private static String message(Refusal refusal) {
        return "jitsiInvite_" + kind(refusal);
    }

    private LoginFormsProvider form(InviteEntity invite, String typed) {
        LoginFormsProvider forms = jitsi.session().getProvider(LoginFormsProvider.class)
                .setActionUri(URI.create(jitsi.urls().invitePage(key)))
                .setAttribute("jitsiInviteRoom", RoomName.forPeople(invite.getRoomName(), invite.getRoom()));
        if (invite.getGuestName() != null) {
            forms.setAttribute("jitsiInviteName", invite.getGuestName());
        } else if (typed != null && typed.length() <= 4 * GuestName.MAX_LENGTH) {
            forms.setAttribute("jitsiInviteTyped", typed);
        }
        return forms;
    }

    /**
     * The page with a heading that says what happened, the reason, the way forward, and no form. An
     * invitation that ended or was used up still knows its meeting: its address is shown (no token:
     * a host decides whether to let the guest in). Many joins at once only need another try.
     */
    private Response problem(Refusal refusal) {
        LoginFormsProvider forms = jitsi.session().getProvider(LoginFormsProvider.class)
                .setAttribute(REFUSAL, kind(refusal))
                .setError(message(refusal))
                .setStatus(Response.Status.fromStatusCode(refusal.status()));
        meetingOf(refusal).ifPresent(url -> forms.setAttribute(MEETING, url));
        if ("slow_down".equals(refusal.error())) {
            forms.setAttribute("jitsiInviteRetryUrl", jitsi.urls().invitePage(key));
        }
        return forms.createForm(TEMPLATE);
    }

    /** The address of the meeting of the invitation the link opened, for a guest without a token; empty when unknown. */
    private Optional<String> meetingOf(Refusal refusal) {
        if (!(refusal instanceof InviteRefusal refused) || refused.invite() == null || "slow_down".equals(refusal.error())) {
            return Optional.empty();
        }
        InviteEntity invite = refused.invite();
        Optional<RoomRequest> room = RoomRequest.forLink(invite.getRoom(), invite.getTenant());
        if (room.isEmpty()) {
            return Optional.empty();
        }
        return jitsi.guestLink(room.get(), Optional.empty());
    }
}
