package io.github.keycloakjitsi.core;

import java.util.Map;
import java.util.Optional;

/**
 * What jitsi-meet's {@code {state}} of {@code config.tokenAuthUrl} says, read from its JSON object
 * ({@code _getTokenAuthState} in {@code react/features/authentication/functions.any.ts}): the room
 * as the client names it, the tenant, and which of Jitsi's apps asks ({@code ios: true},
 * {@code android: true} from the mobile apps, {@code electron: true} from the desktop app). Its
 * other keys ({@code roomSafe}, {@code config.*} overrides, a refresh token on renewal) are the web
 * client's own and are not read.
 *
 * @param room   the room as sent, or null (the room is checked later, like any other: {@link RoomRequest})
 * @param tenant the tenant as sent, or null
 * @param app    the app that asks, or empty for a browser
 */
public record JitsiState(String room, String tenant, Optional<JitsiApp> app) {

    /** Far longer than any state jitsi-meet makes (room, overrides, a refresh token). */
    public static final int MAX_LENGTH = 8192;

    /**
     * Reads the state's JSON object (already parsed, values as JSON gives them: String, Boolean,
     * Number, Map, List or null). Only a JSON {@code true} marks an app; two apps at once are refused.
     */
    public static JitsiState of(Map<String, Object> json) throws Refusal {
        JitsiApp asking = null;
        for (JitsiApp app : JitsiApp.values()) {
            if (Boolean.TRUE.equals(json.get(app.stateKey()))) {
                if (asking != null) {
                    throw invalid("The sign-in state names two apps (" + asking.stateKey() + " and " + app.stateKey() + ").");
                }
                asking = app;
            }
        }
        return new JitsiState(text(json, "room"), text(json, "tenant"), Optional.ofNullable(asking));
    }

    private static String text(Map<String, Object> json, String key) throws Refusal {
        Object value = json.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw invalid("The sign-in state's " + key + " is not a text.");
        }
        return text.isEmpty() ? null : text;
    }

    public static Refusal invalid(String description) {
        return new Refusal(Refusal.BAD_REQUEST, "invalid_request", description);
    }
}
