package io.github.keycloakjitsi.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** A plain {@link UserFacts} for unit tests; roles and groups are taken as effective already. */
final class FakeUser implements UserFacts {
    String id = "0b6a0a2e-1111-4c4c-9999-123456789abc";
    String username = "alice";
    String firstName;
    String lastName;
    String email;
    final Map<String, String> attributes = new HashMap<>();
    final Set<String> roles = new HashSet<>();
    final Set<String> groups = new HashSet<>();
    /** The user's groups, each as the names from the top of the tree down (a name may hold a slash). */
    final List<List<String>> groupTree = new ArrayList<>();
    boolean enabled = true;

    FakeUser names(String first, String last) {
        firstName = first;
        lastName = last;
        return this;
    }

    FakeUser email(String value) {
        email = value;
        return this;
    }

    FakeUser attribute(String name, String value) {
        attributes.put(name, value);
        return this;
    }

    FakeUser role(String role) {
        roles.add(role);
        return this;
    }

    /** A member of the group at {@code path}, whose names hold no slash. */
    FakeUser group(String path) {
        groups.add(path);
        groupTree.add(List.of(path.substring(1).split("/")));
        return this;
    }

    /** A member of the group with these names from the top down, e.g. a top-level group named {@code meetings/standup}. */
    FakeUser groupNamed(String... names) {
        groupTree.add(List.of(names));
        return this;
    }

    FakeUser disabled() {
        enabled = false;
        return this;
    }

    @Override public String id() { return id; }
    @Override public String username() { return username; }
    @Override public String firstName() { return firstName; }
    @Override public String lastName() { return lastName; }
    @Override public String email() { return email; }
    @Override public String attribute(String name) { return attributes.get(name); }
    @Override public boolean hasRole(String roleName) { return roles.contains(roleName); }
    @Override public boolean isMemberOf(String groupPath) { return groups.contains(groupPath); }
    @Override public boolean enabled() { return enabled; }

    @Override
    public Stream<List<String>> groupsBelow(String parentPath) {
        List<String> parent = List.of(parentPath.substring(1).split("/"));
        return groupTree.stream().filter(names -> names.size() > parent.size() && names.subList(0, parent.size()).equals(parent))
                .map(names -> names.subList(parent.size(), names.size()));
    }
}
