package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.core.RealmDirectory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

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
}
