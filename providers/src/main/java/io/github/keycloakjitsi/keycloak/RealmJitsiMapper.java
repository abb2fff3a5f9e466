package io.github.keycloakjitsi.keycloak;

import org.keycloak.models.ClientModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;

import java.util.Optional;

/**
 * The "Jitsi Meet" mapper of the realm's {@code jitsi} client: the one an admin already edits for
 * the claims, and where the realm's /jitsi endpoints read their settings, so both share one set.
 */
public final class RealmJitsiMapper {

    public static final String CLIENT_ID = "jitsi";
    /** The protocol mapper's provider id (also {@code JitsiMeetProtocolMapper.PROVIDER_ID}). */
    public static final String PROVIDER_ID = "oidc-jitsi-meet-mapper";

    private RealmJitsiMapper() {
    }

    /** The Jitsi Meet mapper of client {@code jitsi}, or empty when the realm has none. */
    public static Optional<ProtocolMapperModel> find(RealmModel realm) {
        return find(realm.getClientByClientId(CLIENT_ID));
    }

    /** {@link #find(RealmModel)} for a token of {@code client}: no look-up when that is {@code jitsi} itself. */
    public static Optional<ProtocolMapperModel> find(RealmModel realm, ClientModel client) {
        return CLIENT_ID.equals(client.getClientId()) ? find(client) : find(realm);
    }

    private static Optional<ProtocolMapperModel> find(ClientModel client) {
        if (client == null) {
            return Optional.empty();
        }
        return client.getProtocolMappersStream()
                .filter(m -> PROVIDER_ID.equals(m.getProtocolMapper()))
                .findFirst();
    }
}
