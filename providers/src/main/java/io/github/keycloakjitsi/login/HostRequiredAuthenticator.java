package io.github.keycloakjitsi.login;

import io.github.keycloakjitsi.service.JitsiService;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The last step of the login gate: ends the login of someone who may not start meetings, with
 * the guest page or, in Jitsi's popup, an OAuth error for Jitsi to show ({@link JitsiService#notAHostAtLogin}). Who that is, Keycloak's own "Condition - user role"
 * decides before this step runs (role jitsi-host, negated), in the flow the realm export ships.
 * Keycloak's "Deny access" would end the login much the same way, but its error page knows nothing
 * of the meeting the person came from, and it counts as a failed login for brute-force protection.
 */
public class HostRequiredAuthenticator implements Authenticator {

    /**
     * A challenge, not a failure: the password was right, so this must not count as a failed login
     * for brute-force protection (a failure would lock the account, for every client of the realm,
     * after a few visits to Jitsi). The login stays on this page; "Restart login" signs in as someone else.
     */
    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (context.getUser() != null) {
            context.getEvent().user(context.getUser());
        }
        context.getEvent().detail("reason", "not a host: the login gate of the Jitsi client").error(Errors.ACCESS_DENIED);
        context.challenge(new JitsiService(context.getSession()).notAHostAtLogin(context.form(), context.getAuthenticationSession(),
                context.getUser(), context.getEvent()));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
