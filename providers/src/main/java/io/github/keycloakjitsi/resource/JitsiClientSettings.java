package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.mapper.JitsiMeetProtocolMapper;
import io.github.keycloakjitsi.mapper.JitsiSettingsCache;
import org.keycloak.models.ClientModel;
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

    /** The settings, or empty when the realm has no {@code jitsi} client with a Jitsi Meet mapper. */
    static Optional<JitsiSettings> of(RealmModel realm) throws InvalidSettingsException {
        ClientModel client = realm.getClientByClientId(JITSI_CLIENT_ID);
        if (client == null) {
            return Optional.empty();
        }
        var mapper = client.getProtocolMappersStream()
                .filter(m -> JitsiMeetProtocolMapper.PROVIDER_ID.equals(m.getProtocolMapper()))
                .findFirst();
        if (mapper.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(JitsiSettingsCache.of(mapper.get())
                .orElseThrow(() -> new InvalidSettingsException(java.util.List.of("The Jitsi Meet mapper of client 'jitsi' has invalid settings."))));
    }
}
