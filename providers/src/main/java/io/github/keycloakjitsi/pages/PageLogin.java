package io.github.keycloakjitsi.pages;

import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.service.JitsiUrls;
import io.github.keycloakjitsi.web.Answers;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;
import org.keycloak.protocol.oidc.utils.PkceUtils;

import java.net.URI;
import java.util.UUID;

/**
 * The login round trip of the meetings page for someone without an SSO session: to the realm's
 * login page through the page's own client {@value #CLIENT_ID} (the realm's usual browser login,
 * without the host gate, so that people who may not host learn why on the page, and admins who do
 * not host get in), back to {@code /jitsi/meetings/callback}, which sends the browser on to the page.
 * As with /jitsi/join, the code the login returns is never redeemed: the page reads the SSO session
 * the login created, and the PKCE verifier is dropped at once.
 */
final class PageLogin {

    /** The page's own client: its login, its link in the account console (Applications), its events. */
    static final String CLIENT_ID = "jitsi-meetings";

    private PageLogin() {
    }

    /** The page's client, or a refusal when the realm has none. */
    static ClientModel client(RealmModel realm) throws Refusal {
        ClientModel client = realm.getClientByClientId(CLIENT_ID);
        if (client == null || !client.isEnabled()) {
            throw Refusal.notConfigured("The realm has no enabled client " + CLIENT_ID + " for the meetings page.");
        }
        return client;
    }

    static Response toLogin(KeycloakSession session, RealmModel realm, JitsiUrls urls) throws Refusal {
        client(realm);
        URI login = OIDCLoginProtocolService.authUrl(UriBuilder.fromUri(session.getContext().getUri().getBaseUri()))
                .queryParam(OIDCLoginProtocol.CLIENT_ID_PARAM, CLIENT_ID)
                .queryParam(OIDCLoginProtocol.RESPONSE_TYPE_PARAM, "code")
                .queryParam(OIDCLoginProtocol.SCOPE_PARAM, "openid")
                .queryParam(OIDCLoginProtocol.REDIRECT_URI_PARAM, urls.meetingsCallback())
                .queryParam(OIDCLoginProtocol.STATE_PARAM, UUID.randomUUID().toString())
                .queryParam(OIDCLoginProtocol.CODE_CHALLENGE_PARAM, PkceUtils.generateS256CodeChallenge(PkceUtils.generateCodeVerifier()))
                .queryParam(OIDCLoginProtocol.CODE_CHALLENGE_METHOD_PARAM, OIDCLoginProtocol.PKCE_METHOD_S256)
                .build(realm.getName());
        return Answers.redirect(login).build();
    }
}
