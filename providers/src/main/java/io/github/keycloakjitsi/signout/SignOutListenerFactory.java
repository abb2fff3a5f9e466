package io.github.keycloakjitsi.signout;

import io.github.keycloakjitsi.service.SignOutDelivery;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * The listener of {@link SignOutListener}, for every realm (a global listener: nothing to add to a
 * realm's event listeners). It acts only in a realm whose client {@code jitsi} has a "Backchannel
 * logout URL": emptying that field switches Keycloak's own back-channel logouts and these off together.
 */
public final class SignOutListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "jitsi-meeting-sign-out";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new SignOutListener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public void init(Config.Scope config) {
    }

    /** Starts the pool that posts the bundle's sign-outs (with timeouts, tried again while needed). */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        SignOutDelivery.start();
    }

    /** Keycloak stopping: stops that pool. */
    @Override
    public void close() {
        SignOutDelivery.stop();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
