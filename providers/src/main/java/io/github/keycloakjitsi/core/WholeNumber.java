package io.github.keycloakjitsi.core;

import java.util.OptionalInt;

/** The one reading of a whole number in a range, for settings and request parameters alike. */
final class WholeNumber {

    private WholeNumber() {
    }

    /** {@code value}, digits only (a request's parameter is not tidied up), as a number from {@code min} to {@code max}; empty otherwise. */
    static OptionalInt inRange(String value, int min, int max) {
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(value);
            return n >= min && n <= max ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
