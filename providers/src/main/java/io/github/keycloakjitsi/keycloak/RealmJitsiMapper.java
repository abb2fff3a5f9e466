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
        ClientModel client = realm.getClientByClientId(CLIENT_ID);
        if (client == null) {
            return Optional.empty();
        }
        return client.getProtocolMappersStream()
                .filter(m -> PROVIDER_ID.equals(m.getProtocolMapper()))
                .findFirst();
    }
}
