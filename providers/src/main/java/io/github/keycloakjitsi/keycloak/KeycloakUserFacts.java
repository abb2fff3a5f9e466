package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.core.UserFacts;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.RoleUtils;

import java.util.LinkedList;
import java.util.List;
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
    public boolean enabled() {
        return user.isEnabled();
    }

    /** Walks up from each of the user's groups by parent id until the parent group itself (by id, not by name). */
    @Override
    public Stream<List<String>> groupsBelow(String parentPath) {
        GroupModel parent = KeycloakModelUtils.findGroupByPath(session, realm, parentPath);
        if (parent == null) {
            return Stream.empty();
        }
        return user.getGroupsStream().map(group -> namesBelow(parent.getId(), group)).filter(names -> !names.isEmpty());
    }

    /** The names from just below the parent down to {@code group}; empty when {@code group} is not below it. */
    private static List<String> namesBelow(String parentId, GroupModel group) {
        LinkedList<String> names = new LinkedList<>();
        for (GroupModel at = group; at != null; at = at.getParent()) {
            if (at.getId().equals(parentId)) {
                return names;
            }
            names.addFirst(at.getName());
        }
        return List.of();
    }

    /** {@code RoleUtils.isMember} walks up from the user's groups, so subgroup members count. */
    @Override
    public boolean isMemberOf(String groupPath) {
        GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, groupPath);
        return group != null && RoleUtils.isMember(user.getGroupsStream(), group);
    }
}
