package io.github.keycloakjitsi.keycloak;

import org.keycloak.common.util.Time;

/**
 * Keycloak's clock (its time offset included, as its tests and admin "push not-before" use it), in
 * epoch seconds. {@code Time.currentTime()} is deprecated and {@code Time.currentTimeSeconds()}
 * exists only from 26.5 on; {@code currentTimeMillis()} is on every 26.x.
 */
public final class Now {

    private Now() {
    }

    public static long seconds() {
        return Time.currentTimeMillis() / 1000;
    }
}
