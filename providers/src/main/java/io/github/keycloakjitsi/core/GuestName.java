package io.github.keycloakjitsi.core;

import java.text.Normalizer;

/**
 * The display name an invited guest types (or the host fixes): what every participant sees, and
 * what Jitsi locks for the guest (muc_displayname with feature name-readonly).
 */
public final class GuestName {

    public static final int MAX_LENGTH = 64;
    /** The error of every refused name. */
    public static final String INVALID = "invalid_name";

    private GuestName() {
    }

    /** The name as it will be shown: NFC, trimmed; refused when it holds hidden characters (anywhere), is empty or too long. */
    public static String check(String typed) throws Refusal {
        String nfc = typed == null ? "" : Normalizer.normalize(typed, Normalizer.Form.NFC);
        // Before trimming: a tab or line break is refused, not quietly dropped.
        if (nfc.codePoints().anyMatch(RoomName::isHidden)) {
            throw new Refusal(Refusal.BAD_REQUEST, INVALID, "A name cannot hold control, formatting or invisible characters.");
        }
        String name = nfc.strip();
        if (name.isEmpty()) {
            throw new Refusal(Refusal.BAD_REQUEST, INVALID, "Type the name the others will see.");
        }
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            throw new Refusal(Refusal.BAD_REQUEST, INVALID, "A name has at most " + MAX_LENGTH + " characters.");
        }
        return name;
    }
}
