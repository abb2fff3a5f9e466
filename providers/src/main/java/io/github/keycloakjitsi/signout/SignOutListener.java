package io.github.keycloakjitsi.signout;

import io.github.keycloakjitsi.service.JitsiService;
import io.github.keycloakjitsi.service.MeetingSignOut;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keycloak's decisions that Keycloak sends no back-channel logout for, turned into one
 * ({@link JitsiService#signOutOfMeetings}): a user disabled (or otherwise changed so that they may
 * no longer host) or deleted, by an admin or by deleting their own account; the host role taken
 * away directly, by leaving a group, from a group, from a composite or the default roles, with
 * a role deleted or renamed, or by changing or removing a protocol mapper (the Jitsi Meet mapper's
 * Host role); and an admin's "Sign out" of a user once more for all their sessions. Keycloak's
 * own logouts (a user's, an admin's "Sign out" of a user or a session) already send one per session. Invitations revoked are signed out where they are revoked (invites/).
 *
 * <p>It reads only the event (its type, resource and path) on the request; whether the user may
 * still host is decided after the change has committed.
 */
final class SignOutListener implements EventListenerProvider {

    private static final Pattern USER = Pattern.compile("users/([^/]+)");
    private static final Pattern USER_PART = Pattern.compile("users/([^/]+)/.+");
    private static final Pattern USER_LOGOUT = Pattern.compile("users/([^/]+)/logout");

    private final KeycloakSession session;

    SignOutListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getType() == EventType.DELETE_ACCOUNT && event.getUserId() != null) {
            signOut(event.getRealmId(), new MeetingSignOut.User(event.getUserId(), false));
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        target(event.getResourceType(), event.getOperationType(), event.getResourcePath())
                .ifPresent(target -> signOut(event.getRealmId(), target));
    }

    /** Whom an admin's change may take out of meetings; empty for changes that take no one. */
    static Optional<MeetingSignOut.Target> target(ResourceType type, OperationType operation, String path) {
        if (type == null || operation == null || path == null) {
            return Optional.empty();
        }
        Matcher user = USER.matcher(path);
        Matcher userPart = USER_PART.matcher(path);
        Matcher userLogout = USER_LOGOUT.matcher(path);
        return switch (type) {
            // An admin's "Sign out" of the user: Keycloak sends a back-channel logout per session, but
            // Keycloak 26.4.7 sent one only for the first of several (seen in MeetingSignOutIT): so all of them.
            case USER -> operation == OperationType.ACTION && userLogout.matches()
                    ? Optional.of(new MeetingSignOut.User(userLogout.group(1), false))
                    : !user.matches() ? Optional.empty() : switch (operation) {
                        case DELETE -> Optional.of(new MeetingSignOut.User(user.group(1), false));
                        case UPDATE -> Optional.of(new MeetingSignOut.User(user.group(1), true));
                        default -> Optional.empty();
                    };
            case REALM_ROLE_MAPPING, CLIENT_ROLE_MAPPING, GROUP_MEMBERSHIP -> operation != OperationType.DELETE ? Optional.empty()
                    : userPart.matches() ? Optional.of(new MeetingSignOut.User(userPart.group(1), true))
                    : path.startsWith("groups/") ? Optional.of(new MeetingSignOut.SignedInNonHosts())
                    : Optional.empty();
            case GROUP -> operation == OperationType.ACTION ? Optional.empty() : Optional.of(new MeetingSignOut.SignedInNonHosts());
            // a role deleted or renamed (the Host role names it), a composite losing a role
            case REALM_ROLE, CLIENT_ROLE -> operation == OperationType.DELETE || operation == OperationType.UPDATE
                    ? Optional.of(new MeetingSignOut.SignedInNonHosts()) : Optional.empty();
            // a mapper's settings changed or the mapper removed: the Jitsi Meet mapper's Host role, Jitsi clients, ...
            case PROTOCOL_MAPPER -> operation == OperationType.DELETE || operation == OperationType.UPDATE
                    ? Optional.of(new MeetingSignOut.SignedInNonHosts()) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private void signOut(String realmId, MeetingSignOut.Target target) {
        RealmModel realm = realmId == null ? null : session.realms().getRealm(realmId);
        if (realm != null) {
            new JitsiService(session, realm).signOutOfMeetings(target);
        }
    }

    @Override
    public void close() {
    }
}
