package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.keycloak.JoinState;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.JsonSerialization;

import java.util.Map;
import java.util.Optional;

/**
 * The page for someone who signed in but may not start meetings here: themed like the login page
 * (template {@value #TEMPLATE}, shipped in the jar's theme-resources, so every login theme has
 * it), saying they can still join as a guest, with the way back to the meeting they came from
 * ({@link Delivery#guestLink}). The room and tenant of that way back are read from the login's
 * state (Jitsi's sso.html state, or /join's signed state) and checked like any room name; nothing
 * else from the request goes into it.
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
        return forms.setStatus(Response.Status.FORBIDDEN).createForm(TEMPLATE);
    }

    /** The room a login of client jitsi or jitsi-join set out for, read from its state; empty when there is none. */
    static Optional<RoomRequest> roomOfLogin(KeycloakSession session, AuthenticationSessionModel login) {
        String state = login.getClientNote(OIDCLoginProtocol.STATE_PARAM);
        if (state == null || state.length() > MAX_STATE_LENGTH) {
            return Optional.empty();
        }
        return JoinState.CLIENT_ID.equals(login.getClient().getClientId()) ? fromJoinState(session, state) : fromJitsiState(state);
    }

    /** Jitsi's {state}: JSON with room, roomSafe (its backend-safe form) and tenant. */
    private static Optional<RoomRequest> fromJitsiState(String state) {
        try {
            Map<?, ?> fields = JsonSerialization.readValue(state, Map.class);
            Object room = fields.get("roomSafe") instanceof String safe && !safe.isEmpty() ? safe : fields.get("room");
            Object tenant = fields.get("tenant");
            return room instanceof String r ? RoomRequest.forLink(r, tenant instanceof String t ? t : null) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** /join's state, signed by the realm: its room, checked once more. */
    private static Optional<RoomRequest> fromJoinState(KeycloakSession session, String state) {
        try {
            JoinState join = session.tokens().decode(state, JoinState.class);
            return join == null || join.getRoom() == null ? Optional.empty() : RoomRequest.forLink(join.getRoom(), join.getTenant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
