package io.github.keycloakjitsi.keycloak;

import org.keycloak.crypto.Algorithm;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;

/**
 * The algorithm Keycloak signs a client's tokens with, by Keycloak's own rule
 * ({@code DefaultTokenManager.signatureAlgorithm}): the client's setting (Clients > client >
 * Advanced > Fine grain OpenID Connect configuration), else the realm's "Default signature
 * algorithm" (Realm settings > Tokens), else RS256. Keycloak's back-channel logout tokens are
 * signed as the client's ID tokens are.
 */
public final class SignatureAlgorithms {

    private SignatureAlgorithms() {
    }

    /** What signs the access tokens of {@code client}: the tokens Prosody checks. */
    public static String accessToken(RealmModel realm, ClientModel client) {
        return orRealms(realm, client.getAttribute(OIDCConfigAttributes.ACCESS_TOKEN_SIGNED_RESPONSE_ALG));
    }

    /** What signs the ID tokens of {@code client}, and the logout tokens Keycloak sends for its sessions. */
    public static String idAndLogoutTokens(RealmModel realm, ClientModel client) {
        return orRealms(realm, client.getAttribute(OIDCConfigAttributes.ID_TOKEN_SIGNED_RESPONSE_ALG));
    }

    private static String orRealms(RealmModel realm, String clients) {
        if (clients != null && !clients.isEmpty()) {
            return clients;
        }
        String realms = realm.getDefaultSignatureAlgorithm();
        return realms != null && !realms.isEmpty() ? realms : Algorithm.RS256;
    }
}
