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
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link UserFacts} read from Keycloak's user model, one per user and request ({@link #of}): a
 * token asks about several roles (moderator, host, hidden from the recorder, features by role),
 * and Keycloak works out the user's roles once for all of them.
 */
public final class KeycloakUserFacts implements UserFacts {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final UserModel user;
    /** The ids of every role the user holds; worked out on the first question about a role. */
    private Set<String> roleIds;

    private KeycloakUserFacts(KeycloakSession session, RealmModel realm, UserModel user) {
        this.session = session;
        this.realm = realm;
        this.user = user;
    }

    /**
     * The facts of {@code user} for this request (Keycloak's session lives as long as the request),
     * shared by every rule that asks during it: the protocol mapper for the access and the ID
     * token, the host check, the room token.
     */
    public static KeycloakUserFacts of(KeycloakSession session, RealmModel realm, UserModel user) {
        String key = KeycloakUserFacts.class.getName() + "." + realm.getId() + "." + user.getId();
        KeycloakUserFacts facts = session.getAttribute(key, KeycloakUserFacts.class);
        if (facts == null) {
            facts = new KeycloakUserFacts(session, realm, user);
            session.setAttribute(key, facts);
        }
        return facts;
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

    /**
     * Whether the role is among the user's roles as Keycloak counts them for tokens
     * ({@link RoleUtils#getDeepUserRoleMappings}: the user's role mappings and those of the user's
     * groups and their parent groups, with every composite expanded), which is what
     * {@code UserModel.hasRole} answers one role at a time. Worked out once per request: a role
     * the user does not hold costs {@code hasRole} that whole walk each time it is asked.
     */
    @Override
    public boolean hasRole(String roleName) {
        RoleModel role = Roles.find(realm, roleName);
        if (role == null) {
            return false;
        }
        if (roleIds == null) {
            roleIds = RoleUtils.getDeepUserRoleMappings(user).stream().map(RoleModel::getId).collect(Collectors.toUnmodifiableSet());
        }
        return roleIds.contains(role.getId());
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
