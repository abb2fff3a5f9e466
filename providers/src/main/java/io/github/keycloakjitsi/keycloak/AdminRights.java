package io.github.keycloakjitsi.keycloak;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;
import org.keycloak.services.resources.admin.fgap.RealmPermissionEvaluator;

/**
 * What a user of the realm may do as one of its admins, asked the way Keycloak's admin REST API
 * asks (its permission evaluator: the realm-management roles view-realm and manage-realm, or
 * fine-grained admin permissions where the realm uses them): the rights the invitations' admin API
 * checks, for a user signed in to this realm by its SSO session.
 *
 * @param canView   may list every invitation (view-realm)
 * @param canManage may revoke any invitation (manage-realm)
 */
public record AdminRights(boolean canView, boolean canManage) {

    public static AdminRights of(KeycloakSession session, RealmModel realm, UserModel user) {
        RealmPermissionEvaluator rights = AdminPermissions.evaluator(session, realm, realm, user).realm();
        return new AdminRights(rights.canViewRealm(), rights.canManageRealm());
    }

    /** Keycloak's admin events for what this admin does, by way of {@code client} (the page's own). */
    public static AdminEventBuilder events(KeycloakSession session, RealmModel realm, UserModel admin, ClientModel client,
                                           AccessToken token) {
        return new AdminEventBuilder(realm, new AdminAuth(realm, token, admin, client), session, session.getContext().getConnection());
    }
}
