package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.RoomTokenSettings;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;

import java.net.URI;

/**
 * The addresses of a realm's /jitsi endpoints as the caller sees them (frontend URL and proxy
 * headers included), and the issuer room tokens carry: spelled out here only.
 *
 * @param realm       the realm's base URL, {@code .../realms/<realm>}
 * @param realmIssuer the realm's issuer (what Keycloak's own tokens carry as {@code iss})
 */
public record JitsiUrls(String realm, String realmIssuer) {

    public static JitsiUrls of(KeycloakSession session, RealmModel realmModel) {
        URI base = session.getContext().getUri().getBaseUri();
        return new JitsiUrls(Urls.realmBase(base).path(realmModel.getName()).build().toString(),
                Urls.realmIssuer(base, realmModel.getName()));
    }

    /** {@code iss} of room tokens: {@link RoomTokenSettings#issuerOr} the realm's. */
    public String issuer(RoomTokenSettings tokens) {
        return tokens.issuerOr(realmIssuer);
    }

    public String jitsi() {
        return realm + "/jitsi";
    }

    public String token() {
        return jitsi() + "/token";
    }

    public String join() {
        return jitsi() + "/join";
    }

    public String joinCallback() {
        return join() + "/callback";
    }

    public String invites() {
        return jitsi() + "/invites";
    }

    /** The page an invitation's link opens; the key is a path segment of random letters and digits. */
    public String invitePage(String key) {
        return jitsi() + "/invite/" + key;
    }

    /** The hosts' and admins' page. */
    public String meetings() {
        return jitsi() + "/meetings";
    }

    /** Where the page's login (client jitsi-meetings) comes back to. */
    public String meetingsCallback() {
        return meetings() + "/callback";
    }

    public String meetingsInvites() {
        return meetings() + "/invites";
    }

    public String meetingsRevoke() {
        return meetings() + "/revoke";
    }

    public String meetingsAdmin() {
        return meetings() + "/admin";
    }

    public String meetingsAdminRevoke() {
        return meetingsAdmin() + "/revoke";
    }

    public String keys() {
        return jitsi() + "/keys";
    }

    public String certs() {
        return realm + "/protocol/openid-connect/certs";
    }
}
