package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.core.Refusal;

/**
 * A refused use of an invitation link that names the invitation it opened, when there was one:
 * the guest page then shows the way forward, the meeting's address included.
 */
public final class InviteRefusal extends Refusal {

    private final transient InviteEntity invite;

    InviteRefusal(Refusal refusal, InviteEntity invite) {
        super(refusal.status(), refusal.error(), refusal.getMessage(), refusal.reason());
        this.invite = invite;
    }

    /** The invitation the link opened; null when the link opens none. */
    InviteEntity invite() {
        return invite;
    }
}
