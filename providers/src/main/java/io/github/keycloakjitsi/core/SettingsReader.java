package io.github.keycloakjitsi.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads one mapper config map by its {@link Setting}s, collecting every problem before they are
 * reported together. Values are strings as Keycloak stores them, multi-values joined by {@code ##};
 * an absent or empty value takes the setting's default.
 */
final class SettingsReader {

    /** How Keycloak joins the values of a multi-valued setting. */
    static final String MULTI_VALUE_DELIMITER = "##";
    static final int MAX_LENGTH = 255;
    /**
     * What a value that discovery writes into Prosody's, config.js's and docker-jitsi-meet's
     * settings may hold: ASCII letters, digits and {@code . _ - : /} (an audience, an issuer URL
     * without query), never a quote, comma, backslash, space or anything unseen.
     */
    static final java.util.regex.Pattern SNIPPET_SAFE = java.util.regex.Pattern.compile("[A-Za-z0-9._:/-]+");

    private final Map<String, String> config;
    private final List<String> problems = new ArrayList<>();

    SettingsReader(Map<String, String> config) {
        this.config = config == null ? Map.of() : config;
    }

    void problem(String sentence) {
        problems.add(sentence);
    }

    void throwIfAny() throws InvalidSettingsException {
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
    }

    /** Whether the admin stored a value for the setting (rather than leaving its default). */
    boolean isSet(Setting setting) {
        String value = config.get(setting.key());
        return value != null && !value.isEmpty();
    }

    /** The stored value, else the default; null when neither is there. */
    String raw(Setting setting) {
        String value = config.get(setting.key());
        return value == null || value.isEmpty() ? setting.defaultValue() : value;
    }

    /** A switch; the console stores "true" or "false". */
    boolean bool(Setting setting) {
        String value = raw(setting);
        if (value == null) {
            return false;
        }
        if (!value.equals("true") && !value.equals("false")) {
            problem(quote(setting) + " must be true or false, not \"" + value + "\".");
            return Boolean.parseBoolean(setting.defaultValue());
        }
        return Boolean.parseBoolean(value);
    }

    /** A single name-like value (a role, an attribute, an audience...), or null when not set. */
    String name(Setting setting) {
        String value = raw(setting);
        return value == null || isName(setting, value) ? value : null;
    }

    /** The values of a multi-valued setting, each a name, stripped, empties dropped. */
    List<String> names(Setting setting) {
        return values(setting).stream().filter(v -> isName(setting, v)).toList();
    }

    /** The values of a multi-valued setting, stripped, empties dropped. */
    List<String> values(Setting setting) {
        String value = raw(setting);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(MULTI_VALUE_DELIMITER)).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private boolean isName(Setting setting, String value) {
        if (value.length() > MAX_LENGTH) {
            problem(quote(setting) + " is longer than " + MAX_LENGTH + " characters.");
            return false;
        }
        if (!value.equals(value.strip()) || value.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            problem(quote(setting) + " must not contain spaces or control characters: \"" + value + "\".");
            return false;
        }
        return true;
    }

    /** Whether {@code value} is {@link #SNIPPET_SAFE}; a problem of {@code setting} when not. */
    boolean snippetSafe(Setting setting, String value) {
        if (SNIPPET_SAFE.matcher(value).matches()) {
            return true;
        }
        problem(quote(setting) + " takes letters, digits and . _ - : / only (it goes into Prosody's and "
                + "docker-jitsi-meet's settings as it is), not \"" + value + "\".");
        return false;
    }

    static String quote(Setting setting) {
        return "\"" + setting.label() + "\"";
    }
}
