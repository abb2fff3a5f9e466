package io.github.keycloakjitsi.core;

/**
 * One page of a list (invitations), asked for as Keycloak's admin API does: {@code first} (from 0)
 * and {@code max} (at most {@value #MAX}).
 */
public record Page(int first, int max) {

    public static final int MAX = 100;

    /** Absent values: the first page of {@value #MAX}. */
    public static Page parse(String first, String max) throws Refusal {
        return new Page(WholeNumber.parameter(first, "first", 0, Integer.MAX_VALUE, 0),
                WholeNumber.parameter(max, "max", 1, MAX, MAX));
    }
}
