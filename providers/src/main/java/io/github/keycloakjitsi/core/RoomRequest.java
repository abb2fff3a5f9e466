package io.github.keycloakjitsi.core;

import java.util.List;
import java.util.Locale;

/**
 * A room (and optional tenant) someone asks a token for, checked and put in the backend-safe form
 * Jitsi's web client uses ({@link RoomName}), so the token's {@code room} matches the room joined
 * and the meeting link cannot point anywhere but a room under the configured Jitsi URL.
 *
 * <p>Every check runs on what the name reads as once fully decoded ({@link RoomName#decoded}),
 * both as sent and in the form Jitsi uses: a wildcard, a slash, a dot segment or a hidden
 * character is refused however it is spelled (percent- or double-percent-encoded, full-width,
 * any NFKC equivalent).
 *
 * @param room   backend-safe room name, or {@code *} for every room
 * @param tenant tenant (lower case, one of the realm's tenants), or null
 */
public record RoomRequest(String room, String tenant) {

    /** Prosody's room address is an XMPP JID: its local part holds at most 1023 bytes. */
    public static final int MAX_ROOM_LENGTH = 1023;
    public static final String WILDCARD = "*";

    public static RoomRequest parse(String room, String tenant, RoomTokenSettings settings) throws Refusal {
        return parse(room, tenant, settings.wildcardAllowed(), settings.tenants());
    }

    /**
     * @param tenants the tenants the admin allows (lower case); empty: none
     */
    public static RoomRequest parse(String room, String tenant, boolean wildcardAllowed, List<String> tenants) throws Refusal {
        return new RoomRequest(room(room, wildcardAllowed), tenant(tenant, tenants));
    }

    /**
     * The room and tenant of a link back to a meeting (no token: a guest's way in): the same room
     * checks, no wildcard, a tenant that is a plain name. Empty when either is not.
     */
    public static java.util.Optional<RoomRequest> forLink(String room, String tenant) {
        try {
            String name = tenant == null || tenant.isEmpty() ? null : readable(tenant, "tenant").toLowerCase(Locale.ROOT);
            if (name != null && (!RoomTokenSettings.TENANT.matcher(name).matches() || name.contains(".."))) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new RoomRequest(room(room, false), name));
        } catch (Refusal e) {
            return java.util.Optional.empty();
        }
    }

    private static String room(String room, boolean wildcardAllowed) throws Refusal {
        if (room == null || room.isBlank()) {
            throw invalidRoom("A room is required.");
        }
        String asSent = readable(room, "room");
        if (asSent.strip().equals(WILDCARD)) {
            if (!wildcardAllowed) {
                throw new Refusal(Refusal.FORBIDDEN, "wildcard_not_allowed", "Tokens for every room (*) are not enabled in this realm.");
            }
            return WILDCARD;
        }
        String safe = RoomName.normalize(room);
        String used = readable(safe, "room");
        for (String view : List.of(asSent, used)) {
            if (view.indexOf('*') >= 0) {
                throw invalidRoom("A room name cannot contain * (encoded or not).");
            }
            if (view.indexOf('/') >= 0 || view.indexOf('\\') >= 0) {
                throw invalidRoom("A room is a single name, without / or \\ (encoded or not).");
            }
        }
        if (used.isBlank()) {
            throw invalidRoom("Nothing usable is left of the room name once Jitsi's characters are removed.");
        }
        if (!used.equals(used.strip())) {
            throw invalidRoom("A room name cannot start or end with spaces.");
        }
        if (used.equals(".") || used.equals("..")) {
            throw invalidRoom("A room cannot be named . or .. (encoded or not).");
        }
        if (safe.length() > MAX_ROOM_LENGTH) {
            throw invalidRoom("The room name is longer than Jitsi allows (" + MAX_ROOM_LENGTH + " bytes once encoded).");
        }
        return safe;
    }

    /** Tenants are path segments and Prosody domains, and only the ones the admin lists. */
    private static String tenant(String tenant, List<String> tenants) throws Refusal {
        if (tenant == null || tenant.isEmpty()) {
            return null;
        }
        String name = readable(tenant, "tenant").toLowerCase(Locale.ROOT);
        if (!RoomTokenSettings.TENANT.matcher(name).matches() || name.contains("..")) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_tenant", "A tenant is up to " + RoomTokenSettings.MAX_TENANT_LENGTH
                    + " letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }
        if (!tenants.contains(name)) {
            throw new Refusal(Refusal.FORBIDDEN, "tenant_not_allowed", tenants.isEmpty()
                    ? "Tenants are not enabled in this realm: ask without a tenant."
                    : "This tenant is not one of this realm's Jitsi tenants.", "tenant not allowed: " + name);
        }
        return name;
    }

    /** The fully decoded reading of a value, refused when it holds a hidden character or never settles. */
    private static String readable(String value, String what) throws Refusal {
        String decoded = RoomName.decoded(value);
        String error = what.equals("room") ? "invalid_room" : "invalid_" + what;
        if (decoded == null) {
            throw new Refusal(Refusal.BAD_REQUEST, error, "The " + what + " is encoded too many times.");
        }
        if (value.codePoints().anyMatch(RoomName::isHidden) || decoded.codePoints().anyMatch(RoomName::isHidden)) {
            throw new Refusal(Refusal.BAD_REQUEST, error, "The " + what
                    + " contains control, formatting or invisible characters (raw or encoded).");
        }
        return decoded;
    }

    private static Refusal invalidRoom(String description) {
        return new Refusal(Refusal.BAD_REQUEST, "invalid_room", description);
    }
}
