package io.github.keycloakjitsi.core;

import java.util.List;

/**
 * One setting of the "Jitsi Meet" mapper, described once: the admin console's form is built from
 * it (label, help, type, the value a new mapper starts with) and the parser reads it by it (key,
 * label in its messages, the value that applies when the setting is absent).
 *
 * @param key          the key in the mapper's config map
 * @param label        the label in the admin console, and the name problems are reported under
 * @param help         the help text in the admin console
 * @param type         how the console shows it and how it is read
 * @param defaultValue the value that applies when the setting is absent (Keycloak drops empty
 *                     values when it stores a mapper), or null when absent means "not set"
 * @param suggestion   what the console fills in for a new mapper when that differs from the
 *                     default (e.g. the moderator role), or null
 * @param options      the choices of a list setting
 */
public record Setting(String key, String label, String help, Type type, String defaultValue, String suggestion,
                      List<String> options) {

    /** How the admin console shows a setting (Keycloak's ProviderConfigProperty types). */
    public enum Type { STRING, BOOLEAN, ROLE, GROUP, LIST, MULTIVALUED_LIST, MULTIVALUED_STRING }

    public Setting {
        options = options == null ? List.of() : List.copyOf(options);
    }

    static Setting of(String key, String label, Type type, String help) {
        return new Setting(key, label, help, type, null, null, List.of());
    }

    Setting withDefault(String value) {
        return new Setting(key, label, help, type, value, suggestion, options);
    }

    Setting suggesting(String value) {
        return new Setting(key, label, help, type, defaultValue, value, options);
    }

    Setting withOptions(List<String> choices) {
        return new Setting(key, label, help, type, defaultValue, suggestion, choices);
    }

    /** What a new mapper starts with in the admin console. */
    public String initialValue() {
        return suggestion != null ? suggestion : defaultValue;
    }
}
