package io.github.keycloakjitsi.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Room names in the form Jitsi's web client sends them to the backend, so a {@code room} claim
 * matches the room the user actually joins. The client strips the characters it never allows in a
 * room path, then ({@code getBackendSafeRoomName}) tries {@code decodeURIComponent} (keeping the
 * name as it is when that fails), applies NFKC, lowercase, {@code encodeURIComponent} and lowercase
 * again ({@code Café} becomes {@code caf%c3%a9}, and stays so when normalized again). Java's
 * URLEncoder/URLDecoder differ (space and {@code +}), so both directions are done here byte by byte.
 */
public final class RoomName {

    /** Characters the web client removes from a room name before it joins. */
    static final String STRIPPED = ":?#[]@!$&'()*+,;=></\"";

    /** Characters {@code encodeURIComponent} leaves as they are, besides letters and digits. */
    private static final String URI_COMPONENT_UNRESERVED = "-_.!~*'()";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** More layers of encoding than any honest name has. */
    static final int MAX_DECODINGS = 8;

    private RoomName() {
    }

    /** The backend-safe form of a room name as a user typed it; may be empty. */
    public static String normalize(String room) {
        StringBuilder kept = new StringBuilder(room.length());
        room.codePoints()
                .filter(c -> STRIPPED.indexOf(c) < 0)
                .forEach(kept::appendCodePoint);
        String decoded = decodeUriComponent(kept.toString());
        String folded = Normalizer.normalize(decoded, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return encodeUriComponent(folded).toLowerCase(Locale.ROOT);
    }

    /**
     * What a name reads as once every layer is undone: percent-decoding and NFKC applied again and
     * again until nothing changes ({@code %252a}, {@code %2a}, {@code ＊} and {@code *} all read
     * {@code *}). Checks run on this, so no spelling, however many times encoded, slips past them
     * to whatever decodes the name once more. Null when it takes more than {@value #MAX_DECODINGS} rounds.
     */
    public static String decoded(String name) {
        String current = name;
        for (int round = 0; round < MAX_DECODINGS; round++) {
            String next = Normalizer.normalize(decodeUriComponent(current), Normalizer.Form.NFKC);
            if (next.equals(current)) {
                return current;
            }
            current = next;
        }
        return null;
    }

    /**
     * Characters no room or tenant may hold: controls (C0, C1, DEL), format characters (bidi
     * overrides, embeddings and isolates, marks, zero-width spaces and joiners, BOM, soft hyphen),
     * line and paragraph separators, surrogates, private use, non-characters, everything Unicode
     * calls default-ignorable (invisible: variation selectors, Hangul fillers, tags...), and the
     * replacement character that stands for bytes which were not UTF-8.
     */
    public static boolean isHidden(int c) {
        switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE:
                return true;
            default:
                break;
        }
        return c == 0xFFFD || isNonCharacter(c) || isDefaultIgnorable(c);
    }

    private static boolean isNonCharacter(int c) {
        return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
    }

    /** Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), beyond the format characters. */
    private static boolean isDefaultIgnorable(int c) {
        return c == 0x00AD || c == 0x034F || c == 0x061C || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5
                || (c >= 0x180B && c <= 0x180F) || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2060 && c <= 0x206F) || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF
                || c == 0xFFA0 || (c >= 0xFFF0 && c <= 0xFFF8) || (c >= 0x1BCA0 && c <= 0x1BCA3)
                || (c >= 0x1D173 && c <= 0x1D17A) || (c >= 0xE0000 && c <= 0xE0FFF);
    }

    /** The longest room name kept as typed, for people to read (the column that keeps it holds no more). */
    public static final int MAX_TYPED_LENGTH = 255;

    /**
     * A room name as the person typed it, for people to read (pages, lists, events), while tokens
     * keep the backend-safe form of {@link #normalize}: what it reads as once every layer of
     * encoding is undone ({@link #decoded}; {@code caf%c3%a9%20team} reads {@code café team},
     * {@code Board Meeting} stays {@code Board Meeting}), trimmed. Null when there is nothing to
     * show, when it never settles, holds a hidden character ({@link #isHidden}) or is longer than
     * {@value #MAX_TYPED_LENGTH} characters: whoever shows it then falls back to the Jitsi form, decoded.
     */
    public static String asTyped(String typed) {
        String read = typed == null ? null : decoded(typed);
        if (read == null) {
            return null;
        }
        read = read.strip();
        if (read.isEmpty() || read.length() > MAX_TYPED_LENGTH || read.codePoints().anyMatch(RoomName::isHidden)) {
            return null;
        }
        return read;
    }

    /**
     * What people read for a room: the name as typed when it was kept, else the Jitsi form read
     * back ({@code caf%c3%a9%20team} reads {@code café team}).
     */
    public static String forPeople(String typed, String room) {
        if (typed != null) {
            return typed;
        }
        String read = decoded(room);
        return read == null ? room : read;
    }

    /** Whether the name is already in backend-safe form (normalizing it changes nothing). */
    public static boolean isNormalized(String room) {
        return !room.isEmpty() && normalize(room).equals(room);
    }

    /** JavaScript's {@code decodeURIComponent}, returning the input unchanged where JavaScript throws. */
    private static String decodeUriComponent(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
                if (lo < 0) {
                    return s;
                }
                bytes.write(hi << 4 | lo);
                i += 3;
            } else {
                bytes.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return s;
        }
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
