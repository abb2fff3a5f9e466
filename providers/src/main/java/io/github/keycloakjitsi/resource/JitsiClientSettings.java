package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.mapper.JitsiMeetProtocolMapper;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;

import java.util.Optional;

/**
 * Where the token endpoint reads its settings: the "Jitsi Meet" mapper of the realm's
 * {@code jitsi} client, the one an admin already edits for the claims, so token endpoint and
 * mapper share one set of settings.
 */
final class JitsiClientSettings {

    static final String JITSI_CLIENT_ID = "jitsi";

    private JitsiClientSettings() {
    }

    /** The Jitsi Meet mapper of client {@code jitsi}, or empty when the realm has none. */
    static Optional<ProtocolMapperModel> mapper(RealmModel realm) {
        ClientModel client = realm.getClientByClientId(JITSI_CLIENT_ID);
        if (client == null) {
            return Optional.empty();
        }
        return client.getProtocolMappersStream()
                .filter(m -> JitsiMeetProtocolMapper.PROVIDER_ID.equals(m.getProtocolMapper()))
                .findFirst();
    }
}
