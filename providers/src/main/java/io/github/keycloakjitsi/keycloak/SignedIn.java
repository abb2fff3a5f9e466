package io.github.keycloakjitsi.keycloak;

import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * Who Keycloak authenticated (a bearer token or the SSO cookie): Keycloak's {@link AuthResult},
 * read through the getters every Keycloak 26.x has (it became a record with accessors only in 26.5).
 *
 * @param token  the access token, or the identity cookie's token
 * @param client the client the access token was issued to; null for the SSO cookie
 */
public record SignedIn(UserModel user, UserSessionModel session, AccessToken token, ClientModel client) {

    @SuppressWarnings({"deprecation", "removal"})
    public static SignedIn of(AuthResult result) {
        return result == null ? null : new SignedIn(result.getUser(), result.getSession(), result.getToken(), result.getClient());
    }
}
