package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.core.GuestName;
import io.github.keycloakjitsi.core.InviteRequest;
import io.github.keycloakjitsi.core.Page;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.service.Issued;
import io.github.keycloakjitsi.service.JitsiEvents;
import io.github.keycloakjitsi.service.JitsiService;
import io.github.keycloakjitsi.service.MeetingSignOut;
import org.keycloak.models.UserModel;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What hosts and guests do with invitations, whatever the front end (the JSON API of
 * {@link InvitesResource}, the guest page of {@link InvitePage}, the hosts' page): create, list and
 * revoke one's own, open a link, and use it for a guest token. Each step refuses with a
 * {@link Refusal}; the settings, the host rule and the tokens are {@link JitsiService}'s. The JSON
 * API and the pages run the same steps; only what they show differs (JSON maps, {@link InviteSummary}).
 */
public final class Invitations {

    private final JitsiService jitsi;
    private final InviteStore store;

    public Invitations(JitsiService jitsi) {
        this.jitsi = jitsi;
        this.store = new InviteStore(jitsi.session(), jitsi.realm());
    }

    /** A new invitation and its link, which the host sees this once: only a hash of the link's key is kept. */
    public record Made(InviteSummary invite, String url) {
    }

    /** A new invitation as the JSON API answers it, its link included this once. */
    public Map<String, Object> create(UserModel host, InviteRequest request, JitsiEvents events) throws Refusal {
        InviteStore.Created created = made(host, request, events);
        Map<String, Object> view = InviteRules.view(created.invite());
        view.put("url", jitsi.urls().invitePage(created.key()));
        return view;
    }

    /** A new invitation as the hosts' page shows it, its link included this once. */
    public Made make(UserModel host, InviteRequest request, JitsiEvents events) throws Refusal {
        InviteStore.Created created = made(host, request, events);
        return new Made(InviteRules.summary(created.invite(), Now.seconds()), jitsi.urls().invitePage(created.key()));
    }

    private InviteStore.Created made(UserModel host, InviteRequest request, JitsiEvents events) throws Refusal {
        jitsi.mayHost(host);
        int maxLive = jitsi.settings().invites().maxLivePerHost();
        InviteStore.Created created;
        try {
            created = store.create(host.getId(), request, maxLive);
        } catch (InviteStore.TooManyLive e) {
            throw new TooManyLive(maxLive);
        }
        events.invite(created.invite().getId()).room(request.room().room(), request.room().tenant()).roomName(request.roomName())
                .succeeded();
        return created;
    }

    /** The host has as many live invitations as the realm allows. */
    public static final class TooManyLive extends Refusal {
        private final int limit;

        TooManyLive(int limit) {
            super(Refusal.CONFLICT, "too_many_invites", "You have " + limit + " live invitations, the most this realm allows: "
                    + "revoke one (DELETE /jitsi/invites/{id}) or wait until one ends.", "live invitations at the limit");
            this.limit = limit;
        }

        /** How many live invitations a host may have. */
        public int limit() {
            return limit;
        }
    }

    /** A page of the host's live invitations, oldest first. A host may see theirs even after losing the host role. */
    public List<Map<String, Object>> liveOf(UserModel host, Page page) {
        return store.liveOf(host.getId(), page).stream().map(InviteRules::view).toList();
    }

    /** The same page, as the hosts' page shows it. */
    public List<InviteSummary> liveSummariesOf(UserModel host, Page page) {
        long now = Now.seconds();
        return store.liveOf(host.getId(), page).stream().map(invite -> InviteRules.summary(invite, now)).toList();
    }

    /**
     * Revokes one of the host's invitations at once, on every node, and signs its guests out of the
     * meeting (once committed; {@link #signOutGuests}); revoking again changes nothing and records nothing. A host may revoke theirs even after losing the right to make new ones.
     */
    public void revoke(UserModel host, String id, JitsiEvents events) throws Refusal {
        InviteEntity invite = store.byId(id).filter(i -> i.getCreatedBy().equals(host.getId()))
                .orElseThrow(() -> new Refusal(Refusal.NOT_FOUND, "invite_not_found", "You have no invitation with this id."));
        events.invite(invite.getId()).room(invite.getRoom(), invite.getTenant()).roomName(invite.getRoomName());
        InviteStore.Revoked revoked = store.revoke(invite.getId(), host.getId());
        if (revoked != InviteStore.Revoked.NOTHING) {
            events.succeeded();
            signOutGuests(jitsi, invite.getId(), revoked);
        }
    }

    /**
     * Signs the guests of a revoked invitation out of their meetings, if a guest token was ever
     * issued for it: for an unused one Prosody is sent nothing, so revoking unused invitations over
     * and over queues no sign-outs in front of anyone else's.
     */
    static void signOutGuests(JitsiService jitsi, String inviteId, InviteStore.Revoked revoked) {
        if (revoked == InviteStore.Revoked.USED) {
            jitsi.signOutOfMeetings(new MeetingSignOut.Guests(inviteId));
        }
    }

    /**
     * The invitation a link's key opens, if it can be used now as far as its row says (a use checks
     * again, atomically). A refusal names the invitation when the key opened one.
     */
    public InviteEntity open(String key, JitsiEvents events) throws Refusal {
        if (!jitsi.settings().invites().enabled()) {
            throw new Refusal(Refusal.NOT_FOUND, "invitations_disabled", "Invitations are not enabled in this realm.");
        }
        InviteEntity invite = store.byKey(key).orElseThrow(() -> InviteRules.refusal(InviteRules.Refused.UNKNOWN, null));
        events.invite(invite.getId()).room(invite.getRoom(), invite.getTenant()).roomName(invite.getRoomName());
        Optional<InviteRules.Refused> refused = InviteRules.whyNot(invite, Now.seconds(), jitsi.settings().invites().joinsPerMinute());
        if (refused.isPresent()) {
            throw InviteRules.refusal(refused.get(), invite);
        }
        return invite;
    }

    /**
     * One use of an open invitation, for a guest of this name (the host's, when the host fixed it):
     * a guest token for its room, if the host may still invite and a use is left.
     */
    public Issued use(InviteEntity invite, String typedName, JitsiEvents events) throws Refusal {
        String name = GuestName.check(invite.getGuestName() != null ? invite.getGuestName() : typedName);
        events.guest(name, invite.getCreatedBy());
        RoomRequest room = RoomRequest.parse(invite.getRoom(), invite.getTenant(), jitsi.settings().roomTokens());
        hostMayStillInvite(invite);
        // Signed before the use is counted: the use locks the invitation's row until the request
        // ends, so the lock is held for as little as possible. A token whose use is refused is never sent.
        Issued issued = jitsi.issueForGuest(invite.getId(), invite.getExpiresAt(), room, name);
        Optional<InviteRules.Refused> refused = store.use(invite, jitsi.settings().invites().joinsPerMinute());
        if (refused.isPresent()) {
            throw InviteRules.refusal(refused.get(), refused.get() == InviteRules.Refused.UNKNOWN ? null : invite);
        }
        jitsi.recordGuest(issued, events);
        return issued;
    }

    /**
     * The host's invitation is theirs to give only while they may start meetings: disabled, or
     * without the host role, their invitations let nobody in (a removed user's are deleted).
     */
    private void hostMayStillInvite(InviteEntity invite) throws Refusal {
        UserModel host = jitsi.session().users().getUserById(jitsi.realm(), invite.getCreatedBy());
        try {
            if (host == null) {
                throw new Refusal(Refusal.FORBIDDEN, "access_denied", "", "the user was removed");
            }
            jitsi.mayHost(host);
        } catch (Refusal hostRefused) {
            throw new InviteRefusal(new Refusal(Refusal.GONE, "invite_ended", "This invitation is no longer valid.",
                    "the inviting host may no longer start meetings: " + hostRefused.reason()), invite);
        }
    }
}
