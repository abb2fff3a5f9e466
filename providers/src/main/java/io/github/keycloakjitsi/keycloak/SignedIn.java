package io.github.keycloakjitsi.keycloak;

import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

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
        try {
            return new SignedIn((UserModel) USER.invoke(result), (UserSessionModel) SESSION.invoke(result),
                    (AccessToken) TOKEN.invoke(result), (ClientModel) CLIENT.invoke(result));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle accessor(String recordName, String getterName, Class<?> type) {
        MethodType getter = MethodType.methodType(type);
        try {
            return MethodHandles.publicLookup().findVirtual(AuthResult.class, recordName, getter);
        } catch (NoSuchMethodException | IllegalAccessException onlyGetters) {
            try {
                return MethodHandles.publicLookup().findVirtual(AuthResult.class, getterName, getter);
            } catch (NoSuchMethodException | IllegalAccessException e) {
                throw new IllegalStateException("This Keycloak's AuthResult has neither " + recordName + "() nor " + getterName + "()", e);
            }
        }
    }
}
