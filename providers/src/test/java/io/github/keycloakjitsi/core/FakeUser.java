package io.github.keycloakjitsi.core;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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

    FakeUser group(String path) {
        groups.add(path);
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
    @Override public java.util.stream.Stream<String> groupPaths() { return groups.stream(); }
}
