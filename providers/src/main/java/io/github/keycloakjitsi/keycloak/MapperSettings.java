package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiSettings;
import org.jboss.logging.Logger;
import org.keycloak.models.ProtocolMapperModel;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The typed settings of a Jitsi Meet mapper, parsed once per distinct config and reused: the
 * mapper runs for every token Keycloak issues (access and ID token of each login and refresh),
 * and the token endpoint for every room token. Keyed by the config's content, never by mapper
 * id: a changed mapper (on this node or, through Keycloak's realm cache invalidation, on any node
 * of a cluster) hands out a new config, which is parsed afresh; nothing here can go stale. A
 * config that cannot be parsed is remembered as empty, so its warning is logged once, not for
 * every token.
 */
public final class MapperSettings {

    /** Far more configs than a Keycloak has Jitsi mappers; past it the cache starts over. */
    private static final int MAX_ENTRIES = 256;
    private static final Logger LOG = Logger.getLogger(MapperSettings.class);
    private static final Map<Map<String, String>, Optional<JitsiSettings>> PARSED = new ConcurrentHashMap<>();

    private MapperSettings() {
    }

    /** The mapper's settings, or empty when they are invalid. */
    public static Optional<JitsiSettings> of(ProtocolMapperModel mapper) {
        Map<String, String> config = mapper.getConfig() == null ? Map.of() : mapper.getConfig();
        Optional<JitsiSettings> known = PARSED.get(config);
        if (known != null) {
            return known;
        }
        Optional<JitsiSettings> parsed;
        try {
            parsed = Optional.of(JitsiSettings.parse(config));
        } catch (InvalidSettingsException e) {
            LOG.warnf("Jitsi Meet mapper '%s' has invalid settings, it adds no Jitsi claims and the realm's /jitsi "
                    + "endpoints are off until they are fixed: %s", mapper.getName(), e.getMessage());
            parsed = Optional.empty();
        }
        if (PARSED.size() >= MAX_ENTRIES) {
            PARSED.clear();
        }
        // A copy as the key: Keycloak may change the config map it handed out.
        PARSED.put(new HashMap<>(config), parsed);
        return parsed;
    }
}
