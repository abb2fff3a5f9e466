package io.github.keycloakjitsi.core;

import java.util.List;
import java.util.stream.Stream;

/**
 * What the Jitsi rules need to know about a user. Implemented over Keycloak's user model by the
 * glue code, and by plain objects in unit tests.
 */
public interface UserFacts {

    String id();

    String username();

    /** May be null or blank. */
    String firstName();

    /** May be null or blank. */
    String lastName();

    /** May be null or blank. */
    String email();

    /** The first value of a user attribute, or null. */
    String attribute(String name);

    /**
     * Whether the user holds the role, effectively (directly, through a group or through a
     * composite). {@code roleName} is a realm role name or {@code clientId.roleName}.
     */
    boolean hasRole(String roleName);

    /** Whether the user belongs to the group given by its path, or to one of its subgroups. */
    boolean isMemberOf(String groupPath);

    /** Whether the account is enabled: a disabled user may do nothing in Jitsi. */
    boolean enabled();

    /**
     * The user's groups that lie below the group at {@code parentPath} in the group tree (its
     * subgroups, theirs, ...), each as the list of group names from just below that group down to
     * the user's group: {@code [acme, board]} for a member of {@code /meetings/acme/board} with
     * {@code parentPath} {@code /meetings}. Worked out from the groups themselves (parent links),
     * never from a path string: a top-level group named {@code meetings/standup} is not below
     * {@code /meetings}. Empty when no such group exists.
     */
    Stream<List<String>> groupsBelow(String parentPath);
}
