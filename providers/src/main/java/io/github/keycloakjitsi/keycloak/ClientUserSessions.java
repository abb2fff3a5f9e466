package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.keycloak.AcrossVersions.Form;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.UserSessionProvider;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.stream.Stream;

/**
 * The online user sessions with a client session of one client, alike on every Keycloak 26.x.
 * Keycloak 26.6 added {@code readOnlyStreamUserSessions(realm, client, skip, maxResults)} and
 * marked {@code getUserSessionsStream(realm, client)} for removal; 26.4 and 26.5 have only the
 * latter.
 */
public final class ClientUserSessions {

    private static final MethodHandle STREAM = stream();

    private ClientUserSessions() {
    }

    /** All of them, read only (for reading who they belong to). */
    @SuppressWarnings("unchecked")
    public static Stream<UserSessionModel> of(KeycloakSession session, RealmModel realm, ClientModel client) {
        return (Stream<UserSessionModel>) AcrossVersions.call(STREAM, session.sessions(), realm, client);
    }

    private static MethodHandle stream() {
        MethodHandle found = AcrossVersions.first(UserSessionProvider.class,
                Form.of("readOnlyStreamUserSessions", Stream.class, RealmModel.class, ClientModel.class, int.class, int.class),
                Form.of("getUserSessionsStream", Stream.class, RealmModel.class, ClientModel.class));
        // readOnlyStreamUserSessions also takes skip and maxResults: a negative value means none
        return found.type().parameterCount() == 5 ? MethodHandles.insertArguments(found, 3, -1, -1) : found;
    }
}
