package io.github.keycloakjitsi.core;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Room names in the form Jitsi's web client sends them to the backend, so a {@code room} claim
 * matches the room the user actually joins. The client strips the characters it never allows in a
 * room path, then applies NFKC, lowercase, {@code encodeURIComponent} and lowercase again
 * ({@code Café} becomes {@code caf%c3%a9}). Java's URLEncoder differs (space becomes {@code +}),
 * so the encoding is done here byte by byte.
 */
public final class RoomName {

    /** Characters the web client removes from a room name before it joins. */
    static final String STRIPPED = ":?#[]@!$&'()*+,;=></\"";

    /** Characters {@code encodeURIComponent} leaves as they are, besides letters and digits. */
    private static final String URI_COMPONENT_UNRESERVED = "-_.!~*'()";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RoomName() {
    }

    /** The backend-safe form of a room name as a user typed it; may be empty. */
    public static String normalize(String room) {
        StringBuilder kept = new StringBuilder(room.length());
        room.codePoints()
                .filter(c -> STRIPPED.indexOf(c) < 0)
                .forEach(kept::appendCodePoint);
        String folded = Normalizer.normalize(kept, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return encodeUriComponent(folded).toLowerCase(Locale.ROOT);
    }

    /** Whether the name is already in backend-safe form (normalizing it changes nothing). */
    public static boolean isNormalized(String room) {
        return !room.isEmpty() && normalize(room).equals(room);
    }

    private static String encodeUriComponent(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || URI_COMPONENT_UNRESERVED.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }
}
