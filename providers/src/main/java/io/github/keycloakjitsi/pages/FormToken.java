package io.github.keycloakjitsi.pages;

import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.keycloak.PageToken;
import io.github.keycloakjitsi.keycloak.SignedIn;
import io.github.keycloakjitsi.web.Requests;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.common.util.UriUtils;
import org.keycloak.models.KeycloakSession;

import java.util.UUID;

/**
 * The protection of the meetings page's forms against cross-site requests, as Keycloak protects
 * its own cookie-signed pages: the SSO cookie (SameSite=None, so a browser sends it with a form
 * another site posts) is not enough to change anything. Every form carries a {@value #FIELD} made
 * for the SSO session that was shown the page ({@link PageToken}, signed by the realm); a post
 * whose token is missing, forged, expired or made for another session changes nothing, and neither
 * does one whose Origin header names another origin. Creating an invitation uses the token up (a
 * resubmitted or double-clicked form makes one invitation, not two).
 */
final class FormToken {

    /** The form field's name, Keycloak's own for this check. */
    static final String FIELD = "stateChecker";
    /** How long a shown page's forms work; a page left open longer is shown again with new ones. */
    static final long LIFETIME = 8 * 3600;
    /** A token far longer than the ones made here is not worth decoding. */
    private static final int MAX_LENGTH = 4096;

    private FormToken() {
    }

    /** A new token for the forms of a page shown to this SSO session. */
    static String issue(KeycloakSession session, SignedIn user) {
        PageToken token = new PageToken(user.session().getId());
        token.id(UUID.randomUUID().toString());
        long now = Now.seconds();
        token.iat(now);
        token.exp(now + LIFETIME);
        return session.tokens().encode(token);
    }

    /** The form came from a page shown to this SSO session, on this origin; else a refusal, and nothing changes. */
    static PageToken check(KeycloakSession session, MultivaluedMap<String, String> form, SignedIn user) throws Refusal {
        String origin = session.getContext().getHttpRequest().getHttpHeaders().getHeaderString("Origin");
        if (origin != null && !origin.equals(UriUtils.getOrigin(session.getContext().getUri().getRequestUri()))) {
            throw forged("origin " + origin);
        }
        String value = Requests.single(form, FIELD);
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            throw forged("no form token");
        }
        PageToken token;
        try {
            token = session.tokens().decode(value, PageToken.class);
        } catch (RuntimeException e) {
            token = null;
        }
        if (token == null || !PageToken.TYPE.equals(token.getType()) || token.getId() == null || token.getExp() == null) {
            throw forged("form token forged or of another kind");
        }
        if (!user.session().getId().equals(token.getSessionId())) {
            throw forged("form token of another SSO session");
        }
        if (!token.isActive()) {
            throw new Refusal(Refusal.FORBIDDEN, "form_expired", "This page was open too long: it is shown again.", "form token expired");
        }
        return token;
    }

    /** Uses the token up: a second post of the same form is refused (Keycloak's single-use store, shared by every node). */
    static void useUp(KeycloakSession session, PageToken token) throws Refusal {
        long remaining = Math.max(1, token.getExp() - Now.seconds());
        if (!session.singleUseObjects().putIfAbsent("jitsi-page-form:" + token.getId(), remaining)) {
            throw new Refusal(Refusal.CONFLICT, "form_used", "This form was sent already.", "form token used before");
        }
    }

    private static Refusal forged(String reason) {
        return new Refusal(Refusal.FORBIDDEN, "invalid_form", "This form did not come from this page: nothing was changed.", reason);
    }
}
