package io.github.keycloakjitsi.core;

import java.util.List;

/** Settings an admin cannot save: each problem is a sentence the admin can act on. */
public class InvalidSettingsException extends Exception {

    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super(String.join(" ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
