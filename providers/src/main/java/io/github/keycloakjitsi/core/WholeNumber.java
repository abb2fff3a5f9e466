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

    /** A request's parameter {@code name}: {@code absent} when not given, else a number in the range or a 400. */
    static int parameter(String value, String name, int min, int max, int absent) throws Refusal {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        return inRange(value, min, max).orElseThrow(() -> new Refusal(Refusal.BAD_REQUEST, "invalid_request",
                name + " must be a whole number from " + min + " to " + max + "."));
    }

    /** A setting, spaces around it ignored: a number in the range, else its default and a problem saying why. */
    static int setting(SettingsReader reader, Setting setting, int min, int max, String unit) {
        String value = reader.raw(setting);
        return inRange(value == null ? null : value.strip(), min, max).orElseGet(() -> {
            reader.problem(SettingsReader.quote(setting) + " must be a number" + unit + " from " + min + " to " + max
                    + ", not \"" + value + "\".");
            return Integer.parseInt(setting.defaultValue());
        });
    }
}
