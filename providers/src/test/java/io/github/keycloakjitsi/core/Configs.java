package io.github.keycloakjitsi.core;

import java.util.HashMap;
import java.util.Map;

/** Mapper config maps for unit tests, written as setting, value, setting, value... */
final class Configs {

    private Configs() {
    }

    static Map<String, String> config(Object... settingsAndValues) {
        Map<String, String> config = new HashMap<>();
        for (int i = 0; i < settingsAndValues.length; i += 2) {
            config.put(((Setting) settingsAndValues[i]).key(), (String) settingsAndValues[i + 1]);
        }
        return config;
    }
}
