package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiSettings;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;

import java.util.HashMap;
import java.util.IdentityHashMap;
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
    private static final String THIS_REQUEST = "jitsi.mapper-settings";

    private MapperSettings() {
    }

    /**
     * {@link #of(ProtocolMapperModel)}, found once per request and config: a token request asks for
     * the same mapper's settings for each token it writes, and finding a config among the parsed
     * ones compares all its entries. Within one request Keycloak hands out the same config object.
     */
    public static Optional<JitsiSettings> of(KeycloakSession session, ProtocolMapperModel mapper) {
        @SuppressWarnings("unchecked")
        Map<Map<String, String>, Optional<JitsiSettings>> seen = session.getAttribute(THIS_REQUEST, Map.class);
        if (seen == null) {
            seen = new IdentityHashMap<>();
            session.setAttribute(THIS_REQUEST, seen);
        }
        Optional<JitsiSettings> settings = seen.get(mapper.getConfig());
        if (settings == null) {
            settings = of(mapper);
            seen.put(mapper.getConfig(), settings);
        }
        return settings;
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
