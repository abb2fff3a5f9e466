package io.github.keycloakjitsi.keycloak;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.UserSessionProvider;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.stream.Stream;

/**
 * The online user sessions with a client session of one client, alike on every Keycloak 26.x.
 * Keycloak 26.6 added {@code readOnlyStreamUserSessions(realm, client, skip, max)} and marked
 * {@code getUserSessionsStream(realm, client)} for removal; 26.4 and 26.5 have only the latter.
 * The method the running Keycloak has is found once: the new one where it exists.
 */
public final class ClientUserSessions {

    private static final MethodHandle STREAM = stream();

    private ClientUserSessions() {
    }

    /** The sessions, read only (only for reading who they belong to): all of them, no paging. */
    @SuppressWarnings("unchecked")
    public static Stream<UserSessionModel> of(KeycloakSession session, RealmModel realm, ClientModel client) {
        try {
            return (Stream<UserSessionModel>) STREAM.invoke(session.sessions(), realm, client);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle stream() {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            MethodHandle readOnly = lookup.findVirtual(UserSessionProvider.class, "readOnlyStreamUserSessions",
                    MethodType.methodType(Stream.class, RealmModel.class, ClientModel.class, int.class, int.class));
            // skip and maxResults: a negative value means none (no skip, no limit)
            return MethodHandles.insertArguments(readOnly, 3, -1, -1);
        } catch (NoSuchMethodException | IllegalAccessException before26_6) {
            try {
                return lookup.findVirtual(UserSessionProvider.class, "getUserSessionsStream",
                        MethodType.methodType(Stream.class, RealmModel.class, ClientModel.class));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                throw new IllegalStateException("This Keycloak's UserSessionProvider has neither readOnlyStreamUserSessions(realm, client, skip, max) "
                        + "nor getUserSessionsStream(realm, client)", e);
            }
        }
    }
}
