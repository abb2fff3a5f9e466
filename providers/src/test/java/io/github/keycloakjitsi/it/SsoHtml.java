package io.github.keycloakjitsi.it;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What jitsi-meet's {@code static/sso.html}, open in the login popup Jitsi opens
 * ({@code config.tokenAuthInline}), does with the redirect it is loaded from, as far as the
 * identity provider's answer decides it: the steps of its {@code handleAuthorizationCode}, read from
 * jitsi-meet's sources (the file is Jitsi's and is not copied here). It reads the query as
 * {@code URLSearchParams} does; without {@code state} it fails; it parses the state as JSON after
 * {@code decodeURIComponent}; with {@code error} it posts {@code {type: 'oauth-error', error:
 * error_description || error}} to its opener, which is what the Jitsi page shows; with a
 * {@code code} it goes on to exchange it.
 */
final class SsoHtml {

    /** What sso.html posts to the Jitsi page, or that it goes on with a code ({@code type} "code"). */
    record Outcome(String type, String error) {
    }

    private SsoHtml() {
    }

    static Outcome handle(String location) {
        URI uri = URI.create(location);
        Map<String, String> params = searchParams(uri.getRawQuery());
        String state = params.get("state");
        if (state == null) {
            return new Outcome("oauth-error", "No state parameter received");
        }
        try {
            Json.object(URLDecoder.decode(state.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return new Outcome("oauth-error", e.getMessage());
        }
        String error = params.get("error");
        if (error != null) {
            String description = params.get("error_description");
            return new Outcome("oauth-error", description != null && !description.isEmpty() ? description : error);
        }
        if (params.get("code") == null) {
            return new Outcome("oauth-error", "No authorization code received");
        }
        return new Outcome("code", null);
    }

    /** {@code URLSearchParams}: form decoding ('+' is a space), the first value of each name. */
    private static Map<String, String> searchParams(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }
}
