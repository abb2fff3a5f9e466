package io.github.keycloakjitsi.core;

import java.util.OptionalInt;
import java.util.regex.Pattern;

/** The one reading of a whole number in a range, for settings and request parameters alike. */
final class WholeNumber {

    private static final Pattern ASCII_INTEGER = Pattern.compile("-?[0-9]{1,10}");

    private WholeNumber() {
    }

    /** {@code value}, digits only (a request's parameter is not tidied up), as a number from {@code min} to {@code max}; empty otherwise. */
    static OptionalInt inRange(String value, int min, int max) {
        // ASCII digits only: Integer.parseInt would also read other scripts' digits (full-width ５, Arabic-Indic ٥).
        if (value == null || !ASCII_INTEGER.matcher(value).matches()) {
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
