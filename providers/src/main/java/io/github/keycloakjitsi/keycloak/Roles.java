package io.github.keycloakjitsi.keycloak;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * Finds a role named as the admin console writes it: {@code role} for a realm role,
 * {@code clientId.role} for a client role (client ids may contain dots: every split is tried,
 * longest client id first, as Keycloak's own role mappers do). Built only on
 * {@link RealmModel#getClientByClientId} and {@code getRole}, which every Keycloak 26.x has;
 * {@code KeycloakModelUtils.getRoleFromString(KeycloakSession, RealmModel, String)} exists only
 * from 26.6 on and its older form is deprecated for removal.
 */
public final class Roles {

    /** Keycloak stops at the same number of client look-ups. */
    private static final int MAX_CLIENT_LOOKUPS = 25;

    private Roles() {
    }

    /** The role, or null when the realm has none of that name. */
    public static RoleModel find(RealmModel realm, String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        for (int lookups = 0; dot > 0 && lookups < MAX_CLIENT_LOOKUPS; lookups++) {
            ClientModel client = realm.getClientByClientId(name.substring(0, dot));
            if (client != null) {
                return client.getRole(name.substring(dot + 1));
            }
            dot = name.lastIndexOf('.', dot - 1);
        }
        return realm.getRole(name);
    }
}
