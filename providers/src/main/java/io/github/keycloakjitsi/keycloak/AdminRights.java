package io.github.keycloakjitsi.keycloak;

import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.RealmManager;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * What a user of the realm, signed in by its SSO session, may do as one of its admins: the rights
 * the invitations' admin REST API checks ({@code requireViewRealm}, {@code requireManageRealm}).
 * Keycloak's {@code RealmPermissions.canViewRealm()} and {@code canManageRealm()} decide them by the
 * admin roles alone (view-realm or manage-realm, manage-realm; fine-grained admin permissions, v1
 * or v2, do not change realm rights), held on the realm's admin client ({@code realm-management},
 * {@code master-realm} in the master realm), through groups and composites too; the same rule here.
 * Keycloak's evaluator is not asked directly: on 26.4 with fine-grained permissions v2 (the
 * default) {@code AdminPermissions.evaluator(session, realm, realm, user)} loses the realm and
 * grants a realm's own admin nothing (26.4.7's MgmtPermissionsV2 has no constructor that keeps it;
 * 26.7 added one).
 *
 * @param canView   may list every invitation (view-realm or manage-realm)
 * @param canManage may revoke any invitation (manage-realm)
 */
public record AdminRights(boolean canView, boolean canManage) {

    public static AdminRights of(RealmModel realm, UserModel user) {
        ClientModel admin = RealmManager.isAdministrationRealm(realm) ? realm.getMasterAdminClient()
                : realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID);
        boolean manage = holds(user, admin, AdminRoles.MANAGE_REALM);
        return new AdminRights(manage || holds(user, admin, AdminRoles.VIEW_REALM), manage);
    }

    private static boolean holds(UserModel user, ClientModel client, String roleName) {
        RoleModel role = client == null ? null : client.getRole(roleName);
        return role != null && user.hasRole(role);
    }

    /** Keycloak's admin events for what this admin does, by way of {@code client} (the page's own). */
    public static AdminEventBuilder events(KeycloakSession session, RealmModel realm, UserModel admin, ClientModel client,
                                           AccessToken token) {
        return new AdminEventBuilder(realm, new AdminAuth(realm, token, admin, client), session, session.getContext().getConnection());
    }
}
