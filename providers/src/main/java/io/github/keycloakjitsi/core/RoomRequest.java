package io.github.keycloakjitsi.core;

/**
 * A room (and optional tenant) someone asks a token for, checked and put in the backend-safe form
 * Jitsi's web client uses ({@link RoomName}), so the token's {@code room} matches the room joined
 * and the meeting link cannot point anywhere but a room under the configured Jitsi URL.
 *
 * @param room   backend-safe room name, or {@code *} for every room
 * @param tenant tenant (lower case), or null
 */
public record RoomRequest(String room, String tenant) {

    /** Prosody's room address is an XMPP JID: its local part holds at most 1023 bytes. */
    public static final int MAX_ROOM_LENGTH = 1023;
    public static final int MAX_TENANT_LENGTH = 63;
    public static final String WILDCARD = "*";

    /** Why a request is refused: an error code for the JSON answer and a sentence for people. */
    public static final class Refused extends Exception {
        private final String error;

        Refused(String error, String description) {
            super(description);
            this.error = error;
        }

        public String error() {
            return error;
        }
    }

    public static RoomRequest parse(String room, String tenant, boolean wildcardAllowed) throws Refused {
        return new RoomRequest(room(room, wildcardAllowed), tenant(tenant));
    }

    private static String room(String room, boolean wildcardAllowed) throws Refused {
        if (room == null || room.isBlank()) {
            throw new Refused("invalid_room", "A room is required.");
        }
        if (room.equals(WILDCARD)) {
            if (!wildcardAllowed) {
                throw new Refused("wildcard_not_allowed", "Tokens for every room (*) are not enabled in this realm.");
            }
            return WILDCARD;
        }
        if (room.codePoints().anyMatch(RoomRequest::isControl)) {
            throw new Refused("invalid_room", "The room name contains control characters.");
        }
        if (room.contains("/") || room.contains("\\")) {
            throw new Refused("invalid_room", "A room is a single name, without / or \\.");
        }
        String safe = RoomName.normalize(room);
        if (safe.contains("%2f") || safe.contains("%5c")) {
            throw new Refused("invalid_room", "A room is a single name, without / or \\ (encoded or not).");
        }
        if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
            throw new Refused("invalid_room", "Nothing usable is left of the room name once Jitsi's characters are removed.");
        }
        if (safe.length() > MAX_ROOM_LENGTH) {
            throw new Refused("invalid_room", "The room name is longer than Jitsi allows (" + MAX_ROOM_LENGTH + " bytes once encoded).");
        }
        return safe;
    }

    /** Tenants are path segments and Prosody domains: letters, digits, '-', '_' and '.' only. */
    private static String tenant(String tenant) throws Refused {
        if (tenant == null || tenant.isEmpty()) {
            return null;
        }
        if (tenant.length() > MAX_TENANT_LENGTH || !tenant.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || tenant.contains("..")) {
            throw new Refused("invalid_tenant", "A tenant is up to " + MAX_TENANT_LENGTH
                    + " letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }
        return tenant.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isControl(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR;
    }
}
