package io.github.keycloakjitsi.core;

/**
 * One page of a list (invitations), asked for as Keycloak's admin API does: {@code first} (from 0)
 * and {@code max} (at most {@value #MAX}).
 */
public record Page(int first, int max) {

    public static final int MAX = 100;

    /** Absent values: the first page of {@value #MAX}. */
    public static Page parse(String first, String max) throws Refusal {
        return new Page(number(first, "first", 0, Integer.MAX_VALUE, 0), number(max, "max", 1, MAX, MAX));
    }

    private static int number(String value, String what, int min, int max, int absent) throws Refusal {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        return WholeNumber.inRange(value, min, max).orElseThrow(() -> new Refusal(Refusal.BAD_REQUEST, "invalid_request",
                what + " must be a whole number from " + min + " to " + max + "."));
    }
}
