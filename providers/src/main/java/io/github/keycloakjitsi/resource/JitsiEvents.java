package io.github.keycloakjitsi.resource;

import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * Keycloak events for the Jitsi endpoints, shown in the admin console when events are on.
 * Issuing a Jitsi token for a Keycloak session is a token exchange, so tokens are
 * {@code TOKEN_EXCHANGE} events and refusals {@code TOKEN_EXCHANGE_ERROR}, with details
 * {@code jitsi_endpoint}, {@code jitsi_room}, {@code jitsi_tenant}, {@code jitsi_moderator} and {@code reason}.
 * Invitations are events of the same type: {@code jitsi_endpoint} "invites" with {@code jitsi_invite_action}
 * "create" or "revoke", or "invite" (a guest's use, with {@code jitsi_guest_name}), and {@code jitsi_invite_id}.
 */
final class JitsiEvents {

    /** Event details are stored in the database: keep what a caller typed short. */
    private static final int MAX_DETAIL = 200;

    private final EventBuilder event;

    JitsiEvents(KeycloakSession session, RealmModel realm, String endpoint) {
        this.event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.TOKEN_EXCHANGE)
                .detail("jitsi_endpoint", endpoint);
    }

    JitsiEvents room(String room, String tenant) {
        detail("jitsi_room", room);
        detail("jitsi_tenant", tenant);
        return this;
    }

    JitsiEvents session(UserSessionModel userSession) {
        event.user(userSession.getUser()).session(userSession);
        return this;
    }

    /** The client whose token the caller presented. */
    JitsiEvents client(ClientModel client) {
        if (client != null) {
            event.client(client);
        }
        return this;
    }

    JitsiEvents invite(String id, String action) {
        detail("jitsi_invite_id", id);
        detail("jitsi_invite_action", action);
        return this;
    }

    JitsiEvents guest(String name, String invitedBy) {
        detail("jitsi_guest_name", name);
        detail("jitsi_invited_by", invitedBy);
        return this;
    }

    void succeeded() {
        event.success();
    }

    void issued(String room, boolean moderator, long expiresIn) {
        detail("jitsi_room", room);
        event.detail("jitsi_moderator", String.valueOf(moderator))
                .detail("jitsi_expires_in", String.valueOf(expiresIn))
                .success();
    }

    void refused(String error, String reason) {
        detail("reason", reason);
        event.error(error);
    }

    private void detail(String key, String value) {
        if (value != null) {
            event.detail(key, value.length() > MAX_DETAIL ? value.substring(0, MAX_DETAIL) + "..." : value);
        }
    }
}
