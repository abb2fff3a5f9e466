package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.core.RealmDirectory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.mappers.AudienceProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link RealmDirectory} over a Keycloak realm. */
public final class KeycloakRealmDirectory implements RealmDirectory {

    private final KeycloakSession session;
    private final RealmModel realm;

    public KeycloakRealmDirectory(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    @Override
    public boolean roleExists(String roleName) {
        return Roles.find(realm, roleName) != null;
    }

    @Override
    public boolean groupExists(String groupPath) {
        return KeycloakModelUtils.findGroupByPath(session, realm, groupPath) != null;
    }

    @Override
    public boolean clientExists(String clientId) {
        return realm.getClientByClientId(clientId) != null;
    }

    /** Mappers of clients and client scopes that write the audience into tokens ({@link #writes}). */
    @Override
    public List<String> audienceWriters(String audience) {
        List<String> writers = new ArrayList<>();
        realm.getClientsStream().forEach(client -> client.getProtocolMappersStream()
                .filter(mapper -> writes(mapper, audience))
                .forEach(mapper -> writers.add("mapper \"" + mapper.getName() + "\" of client \"" + client.getClientId() + "\"")));
        realm.getClientScopesStream().forEach(scope -> scope.getProtocolMappersStream()
                .filter(mapper -> writes(mapper, audience))
                .forEach(mapper -> writers.add("mapper \"" + mapper.getName() + "\" of client scope \"" + scope.getName() + "\"")));
        return writers;
    }

    /**
     * Keycloak's audience mapper naming the audience (a custom audience or a client's), and any
     * mapper that writes a claim {@code aud} whatever its value (hard-coded, from a user attribute
     * or property the user may edit, a script): the value is not the admin's to foresee.
     */
    private static boolean writes(ProtocolMapperModel mapper, String audience) {
        Map<String, String> config = mapper.getConfig() == null ? Map.of() : mapper.getConfig();
        if (AudienceProtocolMapper.PROVIDER_ID.equals(mapper.getProtocolMapper())) {
            return audience.equals(config.get(AudienceProtocolMapper.INCLUDED_CUSTOM_AUDIENCE))
                    || audience.equals(config.get(AudienceProtocolMapper.INCLUDED_CLIENT_AUDIENCE));
        }
        return "aud".equals(config.get(OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME));
    }
}
