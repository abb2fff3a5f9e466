package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiApp;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.keycloak.JoinState;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.Optional;

/**
 * The page for someone who signed in but may not start meetings here: themed like the login page
 * (template {@value #TEMPLATE}, shipped in the jar's theme-resources, so every login theme has
 * it), saying they can still join as a guest, with the way back to the meeting they came from
 * ({@link Delivery#guestLink}), in the browser or in the Jitsi app they came from. The room, tenant
 * and app of that way back are read from the signed state of /join's login and checked like any
 * room name; nothing else from the request goes into it.
 */
final class GuestPage {

    public static final String TEMPLATE = "jitsi-host-required.ftl";
    /** The template's attribute for the way back, absent when there is none. */
    public static final String LINK = "jitsiMeetingUrl";
    /** A state far longer than Jitsi's or /join's is not worth reading. */
    private static final int MAX_STATE_LENGTH = 8192;

    private GuestPage() {
    }

    /** The page, 403, with the way back when there is one. */
    static Response render(LoginFormsProvider forms, Optional<String> link) {
        link.ifPresent(l -> forms.setAttribute(LINK, l));
        return JitsiService.noStore(forms.setStatus(Response.Status.FORBIDDEN).createForm(TEMPLATE));
    }

    /** Where a login of /jitsi/join (client jitsi-join) set out for, read from its signed state; empty when there is none. */
    static Optional<JoinState> joinOfLogin(KeycloakSession session, AuthenticationSessionModel login) {
        String state = login.getClientNote(OIDCLoginProtocol.STATE_PARAM);
        if (state == null || state.length() > MAX_STATE_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(session.tokens().decode(state, JoinState.class));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A join's room, checked once more as a way back; empty when it has none or it is not one. */
    static Optional<RoomRequest> room(JoinState join) {
        return join.getRoom() == null ? Optional.empty() : RoomRequest.forLink(join.getRoom(), join.getTenant());
    }

    /** The app a join was for; empty for a browser. */
    static Optional<JitsiApp> app(JoinState join) {
        return join.getApp() == null ? Optional.empty() : JitsiApp.ofStateKey(join.getApp());
    }
}
