package io.github.keycloakjitsi.core;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The ways an attacker spells what no room or tenant may be: {@code *}, {@code /}, {@code \},
 * {@code .} and {@code ..}, control, bidi and invisible characters. Each in percent-, double- and
 * triple-percent encoding (upper, lower and mixed-case hex), full-width and other NFKC
 * equivalents, with leading and trailing spaces, and inside a name. The values are what a
 * request parameter holds once HTTP's own form or query decoding is done; the sweep puts them on
 * the wire both percent-encoded and raw.
 */
public final class Spellings {

    /** One spelling: the value, and what it spells. */
    public record Spelling(String value, String spells) {
    }

    /** Characters that spell one of the ASCII dangers once NFKC is applied. */
    private static final String[][] COMPATIBLE = {
            {"*", "\uFF0A", "\uFE61"},                 // full-width asterisk, small asterisk
            {"/", "\uFF0F"},                           // full-width solidus
            {"\\", "\uFF3C", "\uFE68"},                // full-width and small reverse solidus
            {".", "\uFF0E", "\uFE52", "\u2024"},       // full-width, small full stop, one dot leader
            {"..", "\u2025", "\uFF0E\uFF0E"},          // two dot leader, two full-width stops
    };

    /** Controls (C0, DEL, C1), bidi overrides, embeddings, isolates and marks, zero-width and other invisible characters. */
    public static final int[] HIDDEN = {
            0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9B, 0x9F,
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C,
            0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x3164, 0x115F, 0xFE0F, 0xE0041, 0x2028, 0x2029,
            0xFFFD, 0xFFFF, 0xE000};

    private Spellings() {
    }

    /** Every spelling of every danger: none of them may name a room or tenant. */
    public static List<Spelling> all() {
        List<Spelling> all = new ArrayList<>();
        for (String[] forms : COMPATIBLE) {
            String danger = forms[0];
            Set<String> values = new LinkedHashSet<>();
            for (String form : forms) {
                values.addAll(encodings(form));
            }
            for (String value : values) {
                all.add(new Spelling(value, danger));
                all.add(new Spelling(" " + value + " ", danger));
                all.add(new Spelling("%20" + value + "%20", danger));
                if (!danger.startsWith(".")) {
                    // "a..b" is a fine room; "a*b", "a/b" and "a\b" are not.
                    all.add(new Spelling("Team" + value + "Room", danger));
                }
            }
        }
        for (int c : HIDDEN) {
            String hidden = Character.toString(c);
            String name = String.format(Locale.ROOT, "U+%04X", c);
            for (String value : encodings(hidden)) {
                all.add(new Spelling(value, name));
                all.add(new Spelling("Team" + value + "Room", name));
                all.add(new Spelling(value + "Room", name));
                all.add(new Spelling("Room" + value, name));
            }
        }
        return all;
    }

    /** The value raw, and percent-encoded once, twice and three times, in upper, lower and mixed-case hex. */
    static Set<String> encodings(String value) {
        Set<String> out = new LinkedHashSet<>();
        out.add(value);
        for (String once : List.of(percent(value, true), percent(value, false), mixedCase(percent(value, true)))) {
            out.add(once);
            String twice = once.replace("%", "%25");
            out.add(twice);
            out.add(twice.replace("%", "%25"));
        }
        return out;
    }

    /** Every UTF-8 byte as %XX. */
    public static String percent(String value, boolean upper) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            out.append(String.format(upper ? "%%%02X" : "%%%02x", b & 0xff));
        }
        return out.toString();
    }

    private static String mixedCase(String hex) {
        StringBuilder out = new StringBuilder(hex.length());
        boolean lower = false;
        for (char c : hex.toCharArray()) {
            if (Character.isLetter(c)) {
                out.append(lower ? Character.toLowerCase(c) : c);
                lower = !lower;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Sanity check of the generator itself: every compatible form really is its danger under NFKC. */
    static boolean compatibleFormsAreNfkcEquivalents() {
        for (String[] forms : COMPATIBLE) {
            for (String form : forms) {
                if (!Normalizer.normalize(form, Normalizer.Form.NFKC).equals(forms[0])) {
                    return false;
                }
            }
        }
        return true;
    }
}
