package io.github.keycloakjitsi.core;

/**
 * How a token rides in the fragment of a meeting's URL. jitsi-meet reads {@code jwt} from the
 * fragment first ({@code parseJWTFromURLParams} in {@code react/features/base/jwt/functions.ts}),
 * and it parses every fragment value as JSON ({@code parseURLParams}: {@code decodeURIComponent},
 * then {@code JSON.parse}); a value that is not JSON is dropped. A bare token is not JSON, so it is
 * sent as a JSON string: {@code #jwt=%22<token>%22} (the quotes percent-encoded, as a URL's
 * fragment has them). A fragment never reaches a server, a proxy's log or a Referer header.
 */
final class MeetingFragment {

    private MeetingFragment() {
    }

    static String jwt(String token) {
        return "#jwt=%22" + token + "%22";
    }
}
