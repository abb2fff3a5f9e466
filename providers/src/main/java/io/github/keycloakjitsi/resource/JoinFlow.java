package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.RoomRequest;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * The login round trip of {@code /jitsi/join} for someone without an SSO session: to the realm's
 * login page through client {@code jitsi-join}, back to {@code /jitsi/join/callback}. The room
 * travels in a {@link JoinState} signed with the realm's internal key, bound to the browser by a
 * nonce cookie (against CSRF), valid ten minutes and accepted once (against replay). The code the
 * login returns is never redeemed: the callback reads the SSO session the login created.
 */
final class JoinFlow {

    static final String CLIENT_ID = "jitsi-join";
    static final String COOKIE = "KC_JITSI_JOIN";
    static final int LIFETIME = 600;
    /** A state far longer than any this flow makes is not worth decoding. */
    private static final int MAX_STATE_LENGTH = 8192;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final String realmUrl;

    JoinFlow(KeycloakSession session, String realmUrl) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.realmUrl = realmUrl;
    }

    Response toLogin(RoomRequest request) throws Refusal {
        if (realm.getClientByClientId(CLIENT_ID) == null) {
            throw Refusal.notConfigured("The realm has no client " + CLIENT_ID + " for the login.");
        }
        String nonce = UUID.randomUUID().toString();
        JoinState state = new JoinState(request.room(), request.tenant(), nonce);
        state.id(UUID.randomUUID().toString());
        state.iat((long) Time.currentTime());
        state.exp((long) Time.currentTime() + LIFETIME);
        URI login = OIDCLoginProtocolService.authUrl(UriBuilder.fromUri(session.getContext().getUri().getBaseUri()))
                .queryParam(OIDCLoginProtocol.CLIENT_ID_PARAM, CLIENT_ID)
                .queryParam(OIDCLoginProtocol.RESPONSE_TYPE_PARAM, "code")
                .queryParam(OIDCLoginProtocol.SCOPE_PARAM, "openid")
                .queryParam(OIDCLoginProtocol.REDIRECT_URI_PARAM, realmUrl + "/jitsi/join/callback")
                .queryParam(OIDCLoginProtocol.STATE_PARAM, session.tokens().encode(state))
                .build(realm.getName());
        return Response.status(Response.Status.FOUND).location(login)
                .cookie(cookie(nonce, LIFETIME))
                .header("Cache-Control", "no-store")
                .build();
    }

    /** The room the state carries, once the state is shown genuine, fresh, this browser's and unused. */
    RoomRequest returnFromLogin(MultivaluedMap<String, String> query, JitsiEvents events) throws Refusal {
        String error = JitsiResource.single(query, "error");
        if (error != null) {
            throw new Refusal(Response.Status.BAD_REQUEST, "login_failed", "The login did not complete.", error);
        }
        JoinState state = state(JitsiResource.single(query, "state"));
        if (state == null) {
            throw new Refusal(Response.Status.BAD_REQUEST, "invalid_state", "This join link is invalid or expired: open the meeting link again.",
                    "state missing, forged, expired or from another browser");
        }
        events.room(state.getRoom(), state.getTenant());
        if (!session.singleUseObjects().putIfAbsent("jitsi-join:" + state.getId(), LIFETIME)) {
            throw new Refusal(Response.Status.BAD_REQUEST, "invalid_state", "This join link was used already: open the meeting link again.",
                    "state used before");
        }
        return new RoomRequest(state.getRoom(), state.getTenant());
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
        if (state == null || !state.isActive() || state.getId() == null || state.getNonce() == null || state.getRoom() == null) {
            return null;
        }
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(COOKIE);
        boolean sameBrowser = cookie != null && MessageDigest.isEqual(cookie.getValue().getBytes(StandardCharsets.UTF_8),
                state.getNonce().getBytes(StandardCharsets.UTF_8));
        return sameBrowser ? state : null;
    }

    /** Only the /join paths see it. */
    private NewCookie cookie(String value, int maxAge) {
        return new NewCookie.Builder(COOKIE)
                .value(value)
                .path(URI.create(realmUrl).getRawPath() + "/jitsi/join")
                .maxAge(maxAge)
                .httpOnly(true)
                .secure("https".equals(session.getContext().getUri().getBaseUri().getScheme()))
                .sameSite(NewCookie.SameSite.LAX)
                .build();
    }
}
