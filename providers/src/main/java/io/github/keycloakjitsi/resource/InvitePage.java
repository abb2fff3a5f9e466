package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.GuestName;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomName;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.invites.InviteEntity;
import io.github.keycloakjitsi.invites.InviteStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.UserModel;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /realms/{realm}/jitsi/invite/{key}}: the page an invited guest opens, themed like the
 * login page (template {@value #TEMPLATE}). {@code GET} asks for the guest's display name (unless
 * the host fixed it); {@code POST name=} counts one use of the invitation and sends the guest to
 * the meeting with a guest token in the URL fragment. A link that opens nothing (unknown, ended,
 * used up) gets the same page with the reason and no form; a bad name gets the form again.
 */
public class InvitePage {

    public static final String TEMPLATE = "jitsi-invite.ftl";

    private final Caller caller;
    private final String key;

    InvitePage(Caller caller, String key) {
        this.caller = caller;
        this.key = key;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response show() {
        try {
            JitsiSettings settings = caller.settings();
            InviteEntity invite = live(find(settings), settings.invites().joinsPerMinute());
            return form(invite, null).createForm(TEMPLATE);
        } catch (Refusal refusal) {
            return problem(refusal);
        }
    }

    @POST
    @Produces(MediaType.TEXT_HTML)
    public Response join() {
        JitsiEvents events = new JitsiEvents(caller.session(), caller.realm(), "invite").invite(null, "use");
        InviteEntity invite = null;
        String typed = null;
        try {
            JitsiSettings settings = caller.settings();
            invite = find(settings);
            events.invite(invite.getId(), "use").room(invite.getRoom(), invite.getTenant());
            live(invite, settings.invites().joinsPerMinute());
            typed = Params.single(caller.form(), "name");
            String name = GuestName.check(invite.getGuestName() != null ? invite.getGuestName() : typed);
            events.guest(name, invite.getCreatedBy());
            RoomRequest room = RoomRequest.parse(invite.getRoom(), invite.getTenant(), settings.roomTokens());
            hostMayStillInvite(settings, invite);
            // Signed before the use is counted: the use locks the invitation's row until the
            // request ends, so the lock is held for as little as possible. A token whose use is
            // refused is never sent.
            RoomTokenIssuer.Issued issued = new RoomTokenIssuer(caller.session()).issueGuest(settings, invite.getId(),
                    invite.getExpiresAt(), room, name, caller.urls().issuer(settings.roomTokens()));
            Optional<InviteStore.Refused> refused = store().use(invite, settings.invites().joinsPerMinute());
            if (refused.isPresent()) {
                throw refusal(refused.get());
            }
            events.issued(room.room(), false, issued.claims().lifetimeSeconds());
            return JitsiResponses.redirect(URI.create(settings.roomTokens().meetingUrl(room, issued.token()))).build();
        } catch (Refusal refusal) {
            events.refused(refusal.error(), refusal.reason());
            if (invite != null && "invalid_name".equals(refusal.error())) {
                return form(invite, typed).setError(message(refusal)).setStatus(Response.Status.BAD_REQUEST).createForm(TEMPLATE);
            }
            return problem(refusal);
        }
    }

    /** The invitation of this link, when invitations are on. */
    private InviteEntity find(JitsiSettings settings) throws Refusal {
        if (!settings.invites().enabled()) {
            throw new Refusal(Refusal.NOT_FOUND, "invitations_disabled", "Invitations are not enabled in this realm.");
        }
        return store().byKey(key).orElseThrow(() -> refusal(InviteStore.Refused.UNKNOWN));
    }

    /** The invitation, if it can be used now as far as its row says (the use checks again, atomically). */
    private static InviteEntity live(InviteEntity invite, int joinsPerMinute) throws Refusal {
        Optional<InviteStore.Refused> refused = InviteStore.whyNot(invite, joinsPerMinute);
        if (refused.isPresent()) {
            throw refusal(refused.get());
        }
        return invite;
    }

    /**
     * The host's invitation is theirs to give only while they may start meetings: disabled, or
     * without the host role, their invitations let nobody in (a removed user's are deleted).
     */
    private void hostMayStillInvite(JitsiSettings settings, InviteEntity invite) throws Refusal {
        UserModel host = caller.session().users().getUserById(caller.realm(), invite.getCreatedBy());
        try {
            if (host == null) {
                throw new Refusal(Refusal.FORBIDDEN, "access_denied", "");
            }
            caller.mayHost(settings, host);
        } catch (Refusal hostRefused) {
            throw new Refusal(Refusal.GONE, "invite_ended", "This invitation is no longer valid.",
                    "the inviting host may no longer start meetings: " + hostRefused.reason());
        }
    }

    private static Refusal refusal(InviteStore.Refused why) {
        return switch (why) {
            case UNKNOWN -> new Refusal(Refusal.NOT_FOUND, "invite_not_found", "This invitation link is not valid.",
                    "no invitation has this key");
            case ENDED -> new Refusal(Refusal.GONE, "invite_ended", "This invitation has expired or was revoked.");
            case USED_UP -> new Refusal(Refusal.GONE, "invite_used_up", "This invitation has been used as often as it may be.");
            case TOO_MANY_JOINS -> new Refusal(Refusal.TOO_MANY_REQUESTS, "slow_down",
                    "Too many people joined with this invitation in the last minute; try again in a minute.");
        };
    }

    /** Refusals the theme words; any other (the realm's setup, a changed setting) is "not available". */
    private static final Set<String> WORDED = Set.of("invitations_disabled", "invite_not_found", "invite_ended",
            "invite_used_up", "slow_down", "invalid_name", "invalid_request");

    /** The theme's message key for a refusal: jitsiInvite_ and its error code. */
    private static String message(Refusal refusal) {
        return "jitsiInvite_" + (WORDED.contains(refusal.error()) ? refusal.error() : "unavailable");
    }

    private LoginFormsProvider form(InviteEntity invite, String typed) {
        LoginFormsProvider forms = caller.session().getProvider(LoginFormsProvider.class)
                .setActionUri(URI.create(caller.urls().invitePage(key)))
                .setAttribute("jitsiInviteRoom", RoomName.decoded(invite.getRoom()));
        if (invite.getGuestName() != null) {
            forms.setAttribute("jitsiInviteName", invite.getGuestName());
        } else if (typed != null && typed.length() <= 4 * GuestName.MAX_LENGTH) {
            forms.setAttribute("jitsiInviteTyped", typed);
        }
        return forms;
    }

    /** The page with the reason and no form. */
    private Response problem(Refusal refusal) {
        return caller.session().getProvider(LoginFormsProvider.class)
                .setError(message(refusal))
                .setStatus(Response.Status.fromStatusCode(refusal.status()))
                .createForm(TEMPLATE);
    }

    private InviteStore store() {
        return new InviteStore(caller.session(), caller.realm());
    }
}
