package io.github.keycloakjitsi.core;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * Jitsi's own apps, and the one way each takes a meeting with a token back from a login in the
 * system browser (read from jitsi-meet's {@code react/features/authentication/functions.native.ts},
 * {@code base/util/uri.ts}, {@code base/jwt/functions.ts} and jitsi-meet-electron's {@code main.ts}
 * and {@code Conference.tsx}):
 * <ul>
 *   <li>iOS: {@code org.jitsi.meet://<host>/<room>}; the app turns its scheme into https and reads
 *       {@code jwt} from the fragment, whose values it parses as JSON, so the token is quoted;</li>
 *   <li>Android: an {@code intent://} URL naming the app's package, so only Jitsi's app (package
 *       {@code org.jitsi.meet}) can receive it; its fragment is the intent syntax, so the token
 *       travels in the URL's query, which the app reads when the fragment has none;</li>
 *   <li>desktop (jitsi-meet-electron): {@code jitsi-meet://<host>/<room>}, token in the fragment,
 *       quoted as for iOS.</li>
 * </ul>
 * The apps fill {@code {state}} of {@code config.tokenAuthUrl} and add {@code ios: true},
 * {@code android: true} or (the web code in the desktop app) {@code electron: true} to it: that key
 * is {@link #stateKey}. None of these links is ever sent to a server: the browser hands it to the
 * operating system, which opens the app.
 */
public enum JitsiApp {

    IOS("ios", "iOS"),
    ANDROID("android", "Android"),
    DESKTOP("electron", "desktop");

    /** The scheme Jitsi's iOS and Android apps register. */
    static final String MOBILE_SCHEME = "org.jitsi.meet";
    /** The Android package of Jitsi's app: an intent naming it reaches no other app. */
    static final String ANDROID_PACKAGE = "org.jitsi.meet";
    /** The scheme jitsi-meet-electron registers. */
    static final String DESKTOP_SCHEME = "jitsi-meet";

    private final String stateKey;
    private final String label;
    private final Setting setting;

    JitsiApp(String stateKey, String label) {
        this.stateKey = stateKey;
        this.label = label;
        this.setting = Setting.of("jitsi.apps." + name().toLowerCase(java.util.Locale.ROOT), "Jitsi apps: " + label,
                        Setting.Type.BOOLEAN, "Hosts may sign in from Jitsi's " + label + " app: its login opens "
                                + "/jitsi/signin or /jitsi/join in the system browser, and a page there hands the app a "
                                + "short-lived token for the one meeting (" + handOver() + "). On by default.")
                .withDefault("true");
    }

    /** The key jitsi-meet adds to the login's {@code {state}} when this app asks. */
    public String stateKey() {
        return stateKey;
    }

    /** How people and the admin console name it: iOS, Android, desktop. */
    public String label() {
        return label;
    }

    /** The admin's switch for this app. */
    public Setting setting() {
        return setting;
    }

    /** The app whose key a login's state carries. */
    public static Optional<JitsiApp> ofStateKey(String key) {
        return Arrays.stream(values()).filter(a -> a.stateKey.equals(key)).findFirst();
    }

    /**
     * The link that opens the meeting in this app: {@code path} ({@code <tenant/>room}, already
     * backend-safe) under the Jitsi URL's host and path, with {@code token}, or none for a guest.
     * Only the configured Jitsi URL goes into it, never anything a request chose.
     */
    public String link(URI jitsiUrl, String path, String token) {
        String where = jitsiUrl.getRawAuthority() + (jitsiUrl.getRawPath() == null ? "" : jitsiUrl.getRawPath()) + "/" + path;
        return switch (this) {
            case IOS -> MOBILE_SCHEME + "://" + where + (token == null ? "" : MeetingFragment.jwt(token));
            case DESKTOP -> DESKTOP_SCHEME + "://" + where + (token == null ? "" : MeetingFragment.jwt(token));
            case ANDROID -> "intent://" + where + (token == null ? "" : "?jwt=" + token)
                    + "#Intent;scheme=" + MOBILE_SCHEME + ";package=" + ANDROID_PACKAGE + ";end";
        };
    }

    private String handOver() {
        return switch (this) {
            case IOS -> "a link org.jitsi.meet://<host>/<room>";
            case ANDROID -> "an intent:// link only Jitsi's app, package org.jitsi.meet, can take";
            case DESKTOP -> "a link jitsi-meet://<host>/<room>";
        };
    }
}
