package io.github.keycloakjitsi.core;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How jitsi-meet and its apps read a link they are opened with, restated from their sources (the
 * code is Jitsi's and is not copied here), so that tests check what Jitsi will really find in a
 * link, not what the bundle meant to put there:
 * <ul>
 *   <li>{@link #jwtInPage}: jitsi-meet's {@code parseJWTFromURLParams}
 *       ({@code react/features/base/jwt/functions.ts}): {@code jwt} of the fragment, read by
 *       {@code parseURLParams(url, false, 'hash')} (each value {@code decodeURIComponent}d, then
 *       {@code JSON.parse}d; a value that does not parse is dropped), else {@code jwt} of the query
 *       as it stands ({@code parseURLParams(url, true, 'search')}, no decoding);</li>
 *   <li>{@link #mobileAppOpens}: the iOS and Android apps turn a link of their scheme into the
 *       https URL of the meeting ({@code _fixURIStringScheme} in {@code react/features/base/util/uri.ts});
 *       Android's browser first turns an {@code intent://} URL into the intent it names, which only
 *       the named package receives;</li>
 *   <li>{@link #desktopAppOpens}: jitsi-meet-electron strips {@code jitsi-meet://}
 *       ({@code handleProtocolCall} in {@code main.ts}), splits server and room at the last slash
 *       ({@code createConferenceObjectFromURL}), resolves the room against {@code https://<server>}
 *       and reads the fragment with the same JSON parsing ({@code Conference.tsx}).</li>
 * </ul>
 */
public final class JitsiMeetLinks {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a meeting page of jitsi-meet opened at {@code url} takes as its token, or null. */
    public static String jwtInPage(String url) {
        URI uri = URI.create(url);
        Object fromFragment = hashParams(uri.getRawFragment()).get("jwt");
        if (fromFragment != null && !"".equals(fromFragment) && !Boolean.FALSE.equals(fromFragment)) {
            return String.valueOf(fromFragment);
        }
        return rawParams(uri.getRawQuery()).get("jwt");
    }

    /** A meeting the iOS or Android app opens: its https URL, or an error when the link is not one the app takes. */
    public static String mobileAppOpens(String link) {
        String data = link;
        if (link.startsWith("intent://")) {
            data = androidIntentData(link);
        }
        if (!data.startsWith(JitsiApp.MOBILE_SCHEME + "://")) {
            throw new AssertionError("the mobile apps do not take " + link);
        }
        return "https://" + data.substring((JitsiApp.MOBILE_SCHEME + "://").length());
    }

    /**
     * The data URI of an Android {@code intent://} link as Chrome hands it to the app, which must be
     * Jitsi's package: {@code intent://HOST/PATH?QUERY#Intent;scheme=S;package=P;end} opens
     * {@code S://HOST/PATH?QUERY} in package P only.
     */
    public static String androidIntentData(String link) {
        int hash = link.indexOf("#Intent;");
        if (!link.startsWith("intent://") || hash < 0 || !link.endsWith(";end")) {
            throw new AssertionError("not an Android intent link: " + link);
        }
        Map<String, String> extras = new LinkedHashMap<>();
        for (String part : link.substring(hash + "#Intent;".length(), link.length() - ";end".length()).split(";")) {
            int eq = part.indexOf('=');
            extras.put(part.substring(0, Math.max(eq, 0)), part.substring(eq + 1));
        }
        if (!JitsiApp.ANDROID_PACKAGE.equals(extras.get("package"))) {
            throw new AssertionError("an intent that does not name Jitsi's package can reach any app: " + link);
        }
        return extras.get("scheme") + "://" + link.substring("intent://".length(), hash);
    }

    /** What the desktop app opens for a {@code jitsi-meet://} link: the meeting's https URL, room and server. */
    public record DesktopMeeting(String url, String server, String room) {
    }

    public static DesktopMeeting desktopAppOpens(String link) {
        String prefix = JitsiApp.DESKTOP_SCHEME + "://";
        if (!link.startsWith(prefix)) {
            throw new AssertionError("the desktop app does not take " + link);
        }
        String input = link.substring(prefix.length());
        int slash = input.lastIndexOf('/');
        String room = input.substring(slash + 1);
        String server = "https://" + input.substring(0, slash);
        URI url = URI.create(server + "/").resolve(room);
        String path = url.getRawPath();
        return new DesktopMeeting(url.toString(), server.substring("https://".length()), path.substring(path.lastIndexOf('/') + 1));
    }

    /** {@code parseURLParams(url, false, 'hash')}: values decoded and parsed as JSON; one that does not parse is left out. */
    static Map<String, Object> hashParams(String rawFragment) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (rawFragment == null || rawFragment.isEmpty()) {
            return params;
        }
        String[] parts = rawFragment.split("&", -1);
        if (parts.length == 1 && parts[0].startsWith("/")) {
            return params;
        }
        for (String part : parts) {
            String[] param = part.split("=", -1);
            String key = param[0];
            if (key.isEmpty() || param.length < 2) {
                continue;
            }
            try {
                String decoded = decodeURIComponent(param[1]).replaceFirst("\\\\&", "&");
                params.put(key, decoded.equals("undefined") ? null : JSON.readValue(decoded, Object.class));
            } catch (Exception notJson) {
                // jitsi-meet reports the error and leaves the parameter out
            }
        }
        return params;
    }

    /** {@code parseURLParams(url, true, 'search')}: values as they stand. */
    static Map<String, String> rawParams(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String part : rawQuery.split("&", -1)) {
            String[] param = part.split("=", -1);
            if (!param[0].isEmpty()) {
                params.put(param[0], param.length > 1 ? param[1] : null);
            }
        }
        return params;
    }

    /** JavaScript's decodeURIComponent: '+' stays '+', a malformed escape throws. */
    static String decodeURIComponent(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private JitsiMeetLinks() {
    }
}
