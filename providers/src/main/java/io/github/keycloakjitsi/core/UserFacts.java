package io.github.keycloakjitsi.core;

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

    /** The paths of the groups the user is a member of, e.g. {@code /meetings/Weekly Sync}. */
    Stream<String> groupPaths();
}
