package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.RoomTokenSettings;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;

import java.net.URI;

/**
 * The addresses of a realm's /jitsi endpoints, and the issuer room tokens carry: spelled out here
 * only. Two views: {@link #of} as this request reached the realm (frontend URL and proxy headers
 * included), for redirects and tokens; {@link #published} as Jitsi and browsers are to be told
 * (discovery's snippets), which never depends on the address the request came through.
 *
 * @param realm       the realm's base URL, {@code .../realms/<realm>}
 * @param realmIssuer the realm's issuer (what Keycloak's own tokens carry as {@code iss})
 * @param source      where the address comes from
 */
public record JitsiUrls(String realm, String realmIssuer, Source source) {

    /** Where a realm's address comes from. */
    public enum Source {
        /** The address this request reached Keycloak at. */
        REQUEST,
        /** The realm's Frontend URL (realm settings). */
        FRONTEND_URL,
        /** Keycloak's {@code hostname} option. */
        HOSTNAME,
        /** Neither is set: the Jitsi URL's host, where Jitsi's guide has its nginx pass /realms/ to Keycloak. */
        JITSI_URL
    }

    /** The realm as this request reached it. */
    public static JitsiUrls of(KeycloakSession session, RealmModel realmModel) {
        return at(session.getContext().getUri().getBaseUri(), realmModel, Source.REQUEST);
    }

    /**
     * The realm as Jitsi and the browsers of its users reach it, built from settings alone, never
     * from the request (its Host, X-Forwarded-* or prefix headers): the realm's Frontend URL when
     * set; else Keycloak's {@code hostname} option (a URL as it is, a bare host name as
     * {@code https://<host>}); else the Jitsi URL's scheme and host, where Jitsi's guide has its
     * nginx pass /realms/ to Keycloak. The last two take Keycloak to serve at the root path.
     */
    public static JitsiUrls published(RealmModel realmModel, URI jitsiUrl) {
        String frontendUrl = realmModel.getAttribute("frontendUrl");
        if (hasText(frontendUrl)) {
            return at(URI.create(frontendUrl.strip()), realmModel, Source.FRONTEND_URL);
        }
        String hostname = Config.scope("hostname", "v2").get("hostname");
        if (hasText(hostname)) {
            hostname = hostname.strip();
            return at(URI.create(hostname.contains("://") ? hostname : "https://" + hostname), realmModel, Source.HOSTNAME);
        }
        return at(URI.create(jitsiUrl.getScheme() + "://" + jitsiUrl.getRawAuthority()), realmModel, Source.JITSI_URL);
    }

    private static JitsiUrls at(URI base, RealmModel realmModel, Source source) {
        return new JitsiUrls(Urls.realmBase(base).path(realmModel.getName()).build().toString(),
                Urls.realmIssuer(base, realmModel.getName()), source);
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
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

    /** {@code config.tokenAuthUrl} of the guide's setup, for browsers and Jitsi's apps alike. */
    public String signIn() {
        return jitsi() + "/signin";
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
