package io.github.keycloakjitsi.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * The features Jitsi Meet reads from {@code context.features}: the ones Prosody enforces and the
 * ones the web client knows. Once a token carries {@code context.features}, Jitsi denies every
 * feature whose key is missing, moderators included, so the claim lists all of them.
 */
public enum JitsiFeature {
    // Enforced server side by Prosody modules.
    RECORDING("recording"),
    LIVESTREAMING("livestreaming"),
    TRANSCRIPTION("transcription"),
    OUTBOUND_CALL("outbound-call"),
    FILE_UPLOAD("file-upload"),
    CREATE_POLLS("create-polls"),
    SEND_GROUPCHAT("send-groupchat"),
    FLIP("flip"),
    LIVE_TRANSLATION("live-translation"),
    LIVE_TRANSLATION_SUBSCRIBE("live-translation-subscribe"),
    NAME_READONLY("name-readonly"),
    // Known to the web client.
    BRANDING("branding"),
    CALENDAR("calendar"),
    INBOUND_CALL("inbound-call"),
    LOBBY("lobby"),
    MODERATION("moderation"),
    ROOM("room"),
    SCREEN_SHARING("screen-sharing"),
    LIST_VISITORS("list-visitors"),
    SIP_INBOUND_CALL("sip-inbound-call"),
    SIP_OUTBOUND_CALL("sip-outbound-call");

    private final String key;

    JitsiFeature(String key) {
        this.key = key;
    }

    /** The key as written in {@code context.features}. */
    public String key() {
        return key;
    }

    public static Optional<JitsiFeature> fromKey(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst();
    }
}
