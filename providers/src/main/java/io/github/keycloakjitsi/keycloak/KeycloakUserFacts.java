package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.core.UserFacts;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.RoleUtils;

import java.util.stream.Stream;

/** {@link UserFacts} read from Keycloak's user model. */
public final class KeycloakUserFacts implements UserFacts {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final UserModel user;

    public KeycloakUserFacts(KeycloakSession session, RealmModel realm, UserModel user) {
        this.session = session;
        this.realm = realm;
        this.user = user;
    }

    @Override
    public String id() {
        return user.getId();
    }

    @Override
    public String username() {
        return user.getUsername();
    }

    @Override
    public String firstName() {
        return user.getFirstName();
    }

    @Override
    public String lastName() {
        return user.getLastName();
    }

    @Override
    public String email() {
        return user.getEmail();
    }

    @Override
    public String attribute(String name) {
        return user.getFirstAttribute(name);
    }

    /** Keycloak's {@code hasRole} counts group role mappings and composite roles. */
    @Override
    public boolean hasRole(String roleName) {
        RoleModel role = Roles.find(realm, roleName);
        return role != null && user.hasRole(role);
    }

    @Override
    public Stream<String> groupPaths() {
        return user.getGroupsStream().map(KeycloakModelUtils::buildGroupPath);
    }

    /** {@code RoleUtils.isMember} walks up from the user's groups, so subgroup members count. */
    @Override
    public boolean isMemberOf(String groupPath) {
        GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, groupPath);
        return group != null && RoleUtils.isMember(user.getGroupsStream(), group);
    }
}
