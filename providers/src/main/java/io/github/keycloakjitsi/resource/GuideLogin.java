package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
import io.github.keycloakjitsi.web.Answers;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The login of Jitsi's guide, for a browser: Keycloak's authorization endpoint for client
 * {@code jitsi} with PKCE, back to Jitsi's {@code static/sso.html}, which exchanges the code for
 * Keycloak's access token (the Jitsi token) and hands it to the Jitsi page. Exactly the request
 * the guide's {@code config.tokenAuthUrl} makes, so the browser flow stays as it is; what the
 * request brings is only passed on after a check of its form: jitsi-meet's state (sso.html reads it
 * back), the web client's S256 code challenge (its verifier stays in the Jitsi page) and the
 * popup's nonce. Client, scope and the address of sso.html come from the realm's settings, never
 * from the request.
 */
final class GuideLogin {

    /** An S256 challenge: the base64url SHA-256 of the verifier, without padding. */
    private static final Pattern CODE_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** The popup's nonce (64 hex digits from jitsi-meet), or any reasonable OIDC nonce. */
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9._~-]{1,255}");

    private GuideLogin() {
    }

    static Response toLogin(KeycloakSession session, URI jitsiUrl, String state, String codeChallenge, String nonce)
            throws Refusal {
        if (codeChallenge == null || !CODE_CHALLENGE.matcher(codeChallenge).matches()) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_request", "A browser signs in with PKCE: config.tokenAuthUrl must "
                    + "carry code_challenge={code_challenge}, which Jitsi's web client fills in.", "no S256 code challenge");
        }
        if (nonce != null && !NONCE.matcher(nonce).matches()) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_request", "The nonce is not one Jitsi's web client makes.", "bad nonce");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put(OIDCLoginProtocol.CLIENT_ID_PARAM, RealmJitsiMapper.CLIENT_ID);
        query.put(OIDCLoginProtocol.RESPONSE_TYPE_PARAM, "code");
        query.put(OIDCLoginProtocol.SCOPE_PARAM, "openid");
        query.put(OIDCLoginProtocol.STATE_PARAM, state);
        query.put(OIDCLoginProtocol.REDIRECT_URI_PARAM, jitsiUrl + "/static/sso.html");
        query.put(OIDCLoginProtocol.CODE_CHALLENGE_PARAM, codeChallenge);
        query.put(OIDCLoginProtocol.CODE_CHALLENGE_METHOD_PARAM, OIDCLoginProtocol.PKCE_METHOD_S256);
        if (nonce != null) {
            query.put(OIDCLoginProtocol.NONCE_PARAM, nonce);
        }
        URI authorize = OIDCLoginProtocolService.authUrl(UriBuilder.fromUri(session.getContext().getUri().getBaseUri()))
                .build(session.getContext().getRealm().getName());
        // Built by hand: UriBuilder would read the braces of jitsi-meet's JSON state as templates.
        return Answers.redirect(URI.create(authorize + "?" + query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&")))).build();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
