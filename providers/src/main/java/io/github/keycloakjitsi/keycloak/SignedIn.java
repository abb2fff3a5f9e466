package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.keycloak.AcrossVersions.Form;
import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

import java.lang.invoke.MethodHandle;

/**
 * Who Keycloak authenticated (a bearer token or the SSO cookie), read from Keycloak's
 * {@link AuthResult}. Keycloak 26.5 made it a record and marked its getters for removal; 26.4 has
 * only the getters. The accessors the running Keycloak has are found once: the record's where they
 * exist, the getters only on 26.4.
 *
 * @param token  the access token, or the identity cookie's token
 * @param client the client the access token was issued to; null for the SSO cookie
 */
public record SignedIn(UserModel user, UserSessionModel session, AccessToken token, ClientModel client) {

    private static final MethodHandle USER = accessor("user", "getUser", UserModel.class);
    private static final MethodHandle SESSION = accessor("session", "getSession", UserSessionModel.class);
    private static final MethodHandle TOKEN = accessor("token", "getToken", AccessToken.class);
    private static final MethodHandle CLIENT = accessor("client", "getClient", ClientModel.class);

    public static SignedIn of(AuthResult result) {
        if (result == null) {
            return null;
        }
        return new SignedIn((UserModel) AcrossVersions.call(USER, result), (UserSessionModel) AcrossVersions.call(SESSION, result),
                (AccessToken) AcrossVersions.call(TOKEN, result), (ClientModel) AcrossVersions.call(CLIENT, result));
    }

    private static MethodHandle accessor(String recordName, String getterName, Class<?> type) {
        return AcrossVersions.first(AuthResult.class, Form.of(recordName, type), Form.of(getterName, type));
    }
}
