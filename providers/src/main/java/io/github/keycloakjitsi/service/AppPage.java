package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiApp;
import io.github.keycloakjitsi.core.RoomName;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;

/**
 * The page that hands a signed-in host's token to one of Jitsi's apps: themed like the login
 * page (template {@value #TEMPLATE}, in the jar's theme-resources), with one button, "Open in the
 * Jitsi app", whose link ({@link Delivery#toApp}) the browser passes to the operating system.
 * A button, not a redirect: the person sees where they are going, the browser opens an app only
 * on their click, and the token (one room, minutes) is in this page alone, which is never cached.
 */
final class AppPage {

    static final String TEMPLATE = "jitsi-open-app.ftl";

    private AppPage() {
    }

    static Response render(LoginFormsProvider forms, String link, JitsiApp app, Issued issued) {
        long seconds = issued.claims().lifetimeSeconds();
        return forms.setAttribute("jitsiAppLink", link)
                .setAttribute("jitsiApp", app.stateKey())
                .setAttribute("jitsiRoom", RoomName.decoded(issued.request().room()))
                .setAttribute("jitsiLinkMinutes", Math.max(1, seconds / 60))
                .setStatus(Response.Status.OK)
                .createForm(TEMPLATE);
    }
}
