package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiApp;
import io.github.keycloakjitsi.core.RoomName;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * Keycloak events of the realm's Jitsi entry points, shown in the admin console (Events) when
 * events are on. Keycloak's event types are a fixed list; none is Jitsi's, so all of these are
 * {@code OAUTH2_EXTENSION_GRANT} (refusals {@code OAUTH2_EXTENSION_GRANT_ERROR}), the type of
 * grants OAuth 2 itself does not define, and never {@code TOKEN_EXCHANGE}, so they do not mix
 * into the audit of real token exchanges. Each carries {@code grant_type} {@value #GRANT_TYPE}
 * and {@code jitsi_action}, one of {@link Action}, for an auditor to filter on; then as they
 * apply {@code jitsi_room} (Jitsi's form), {@code jitsi_room_name} (as typed), {@code jitsi_tenant}, {@code jitsi_app}, {@code jitsi_moderator}, {@code jitsi_expires_in},
 * {@code jitsi_invite_id}, {@code jitsi_guest_name}, {@code jitsi_invited_by} and, on a refusal, {@code reason}.
 */
public final class JitsiEvents {

    /** The {@code grant_type} detail of every Jitsi event. */
    public static final String GRANT_TYPE = "urn:keycloak-jitsi:jitsi";

    /** What was asked: the {@code jitsi_action} detail. */
    public enum Action {
        /** {@code POST /jitsi/token}: a room token for a host's access token. */
        ROOM_TOKEN,
        /** {@code /jitsi/join}: to the meeting with a room token, through the login page when needed. */
        JOIN,
        /** A host creates an invitation. */
        INVITE_CREATE,
        /** A host lists their invitations. */
        INVITE_LIST,
        /** A host revokes one of their invitations. */
        INVITE_REVOKE,
        /** A guest opens an invitation: a guest token. */
        INVITE_USE;

        public String detail() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final EventType TYPE = EventType.OAUTH2_EXTENSION_GRANT;

    /** Event details are stored in the database: keep what a caller typed short. */
    private static final int MAX_DETAIL = 200;

    private final EventBuilder event;

    JitsiEvents(KeycloakSession session, RealmModel realm, Action action) {
        this.event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(TYPE)
                .detail("grant_type", GRANT_TYPE)
                .detail("jitsi_action", action.detail());
    }

    public JitsiEvents room(String room, String tenant) {
        detail("jitsi_room", room);
        detail("jitsi_tenant", tenant);
        return this;
    }

    /**
     * The room as people read it ({@code jitsi_room_name}: as typed, every encoding undone, see
     * {@link RoomName#asTyped}), beside {@code jitsi_room} in Jitsi's form; nothing when it cannot be shown.
     */
    public JitsiEvents roomName(String typed) {
        detail("jitsi_room_name", RoomName.asTyped(typed));
        return this;
    }

    public JitsiEvents session(UserSessionModel userSession) {
        event.user(userSession.getUser()).session(userSession);
        return this;
    }

    /** The client whose token the caller presented. */
    public JitsiEvents client(ClientModel client) {
        if (client != null) {
            event.client(client);
        }
        return this;
    }

    /** The Jitsi app a join is for ({@code jitsi_app}: ios, android or electron). */
    public JitsiEvents app(JitsiApp app) {
        detail("jitsi_app", app.stateKey());
        return this;
    }

    public JitsiEvents invite(String id) {
        detail("jitsi_invite_id", id);
        return this;
    }

    public JitsiEvents guest(String name, String invitedBy) {
        detail("jitsi_guest_name", name);
        detail("jitsi_invited_by", invitedBy);
        return this;
    }

    public void succeeded() {
        event.success();
    }

    void issued(String room, boolean moderator, long expiresIn) {
        detail("jitsi_room", room);
        event.detail("jitsi_moderator", String.valueOf(moderator))
                .detail("jitsi_expires_in", String.valueOf(expiresIn))
                .success();
    }

    public void refused(String error, String reason) {
        detail("reason", reason);
        event.error(error);
    }

    /**
     * What a caller typed, shortened, and with every control, formatting or invisible character
     * written out as {@code U+XXXX}: an auditor sees what was sent, and no bidi override or line
     * break can rearrange the events list or the log.
     */
    private void detail(String key, String value) {
        if (value != null) {
            String shown = value.length() > MAX_DETAIL ? value.substring(0, MAX_DETAIL) + "..." : value;
            StringBuilder visible = new StringBuilder(shown.length());
            shown.codePoints().forEach(c -> {
                if (RoomName.isHidden(c)) {
                    visible.append(String.format("U+%04X", c));
                } else {
                    visible.appendCodePoint(c);
                }
            });
            event.detail(key, visible.toString());
        }
    }
}
