package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.core.JitsiApp;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.keycloak.JoinState;
import io.github.keycloakjitsi.service.JitsiUrls;
import io.github.keycloakjitsi.web.Answers;
import io.github.keycloakjitsi.web.Requests;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;
import org.keycloak.protocol.oidc.utils.PkceUtils;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;

/**
 * The login round trip of {@code /jitsi/join} for someone without an SSO session: to the realm's
 * login page through client {@code jitsi-join} (PKCE S256, as the client requires), back to
 * {@code /jitsi/join/callback}. The room travels in a {@link JoinState} signed with the realm's
 * internal key, bound to the browser by a nonce cookie (against CSRF), valid ten minutes and
 * accepted once (against replay). The code the login returns is never redeemed: the callback
 * reads the SSO session the login created.
 *
 * <p>Nothing is written on the server until the caller has both a genuine state and an SSO
 * session: the state lives in the browser, and only its use is recorded, in Keycloak's
 * cluster-wide single-use store.
 */
final class JoinFlow {

    static final String CLIENT_ID = JoinState.CLIENT_ID;
    static final String COOKIE = "KC_JITSI_JOIN";
    static final int LIFETIME = 600;
    /** A state far longer than any this flow makes is not worth decoding. */
    private static final int MAX_STATE_LENGTH = 8192;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final JitsiUrls urls;

    JoinFlow(KeycloakSession session, JitsiUrls urls) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.urls = urls;
    }

    /**
     * To the login page, for the room and, when one asked, the Jitsi app the token is to reach
     * afterwards; {@code roomName} is the room as typed, for the events (null: Jitsi's form read back).
     */
    Response toLogin(RoomRequest request, String roomName, Optional<JitsiApp> app) throws Refusal {
        if (realm.getClientByClientId(CLIENT_ID) == null) {
            throw Refusal.notConfigured("The realm has no client " + CLIENT_ID + " for the login.");
        }
        String nonce = UUID.randomUUID().toString();
        JoinState state = new JoinState(request.room(), request.tenant(), nonce, roomName, app.map(JitsiApp::stateKey).orElse(null));
        state.id(UUID.randomUUID().toString());
        state.iat(Now.seconds());
        state.exp(Now.seconds() + LIFETIME);
        URI login = OIDCLoginProtocolService.authUrl(UriBuilder.fromUri(session.getContext().getUri().getBaseUri()))
                .queryParam(OIDCLoginProtocol.CLIENT_ID_PARAM, CLIENT_ID)
                .queryParam(OIDCLoginProtocol.RESPONSE_TYPE_PARAM, "code")
                .queryParam(OIDCLoginProtocol.SCOPE_PARAM, "openid")
                .queryParam(OIDCLoginProtocol.REDIRECT_URI_PARAM, urls.joinCallback())
                .queryParam(OIDCLoginProtocol.STATE_PARAM, session.tokens().encode(state))
                .queryParam(OIDCLoginProtocol.CODE_CHALLENGE_PARAM, codeChallengeNobodyRedeems())
                .queryParam(OIDCLoginProtocol.CODE_CHALLENGE_METHOD_PARAM, OIDCLoginProtocol.PKCE_METHOD_S256)
                .build(realm.getName());
        return Answers.redirect(login).cookie(cookie(nonce, LIFETIME)).build();
    }

    /**
     * The state the login came back with, once shown genuine, fresh and this browser's. Nothing is
     * recorded yet: see {@link #markUsed}.
     */
    JoinState returnedState(MultivaluedMap<String, String> query) throws Refusal {
        String error = Requests.single(query, "error");
        if (error != null) {
            throw new Refusal(Refusal.BAD_REQUEST, "login_failed", "The login did not complete.", "login error " + error);
        }
        JoinState state = state(Requests.single(query, "state"));
        if (state == null) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_state", "This join link is invalid or expired: open the meeting link again.",
                    "state missing, forged, expired or from another browser");
        }
        return state;
    }

    /** Records the state's one use in Keycloak's single-use store (shared by every node); a second use is refused. */
    void markUsed(JoinState state) throws Refusal {
        long remaining = Math.max(1, state.getExp() - Now.seconds());
        if (!session.singleUseObjects().putIfAbsent("jitsi-join:" + state.getId(), remaining)) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_state", "This join link was used already: open the meeting link again.",
                    "state used before");
        }
    }

    NewCookie clearedCookie() {
        return cookie("", 0);
    }

    private JoinState state(String encoded) {
        if (encoded == null || encoded.length() > MAX_STATE_LENGTH) {
            return null;
        }
        JoinState state;
        try {
            state = session.tokens().decode(encoded, JoinState.class);
        } catch (RuntimeException e) {
            return null;
        }
        if (state == null || !state.isActive() || state.getId() == null || state.getExp() == null
                || state.getNonce() == null || state.getRoom() == null
                || (state.getApp() != null && JitsiApp.ofStateKey(state.getApp()).isEmpty())) {
            return null;
        }
        Cookie cookie = session.getContext().getHttpRequest().getHttpHeaders().getCookies().get(COOKIE);
        boolean sameBrowser = cookie != null && MessageDigest.isEqual(cookie.getValue().getBytes(StandardCharsets.UTF_8),
                state.getNonce().getBytes(StandardCharsets.UTF_8));
        return sameBrowser ? state : null;
    }

    /**
     * Client jitsi-join requires PKCE S256 like client jitsi. Its codes are never exchanged (the
     * callback reads the SSO session), so the verifier is dropped at once: nobody can redeem them.
     */
    private static String codeChallengeNobodyRedeems() {
        return PkceUtils.generateS256CodeChallenge(PkceUtils.generateCodeVerifier());
    }

    /** Only the /join paths see it. */
    private NewCookie cookie(String value, int maxAge) {
        return new NewCookie.Builder(COOKIE)
                .value(value)
                .path(URI.create(urls.join()).getRawPath())
                .maxAge(maxAge)
                .httpOnly(true)
                .secure("https".equals(session.getContext().getUri().getBaseUri().getScheme()))
                .sameSite(NewCookie.SameSite.LAX)
                .build();
    }
}
