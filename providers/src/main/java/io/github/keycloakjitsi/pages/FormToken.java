package io.github.keycloakjitsi.pages;

import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.keycloak.SignedIn;
import io.github.keycloakjitsi.web.Requests;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.common.util.UriUtils;
import org.keycloak.models.KeycloakSession;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * The protection of the meetings page's forms against cross-site requests, Keycloak's own for its
 * cookie-signed pages: the SSO cookie (SameSite=None, so a browser sends it along with a form
 * another site posts) is not enough to change anything. Keycloak puts a random state checker into
 * the SSO session's identity cookie (HttpOnly: no script reads it; the claim {@value #CLAIM}, which
 * its account pages compared with their forms' {@value #FIELD}); every form of the page carries it,
 * and a post whose {@value #FIELD} is missing or another changes nothing, nor does one the browser
 * says comes from elsewhere (its Origin and Sec-Fetch-Site headers). Creating an invitation also uses up a form id (a resubmitted or
 * double-clicked form makes one invitation, not two).
 */
final class FormToken {

    /** The form field, Keycloak's own name for this check. */
    static final String FIELD = "stateChecker";
    /** The claim of Keycloak's identity cookie that holds the SSO session's state checker. */
    static final String CLAIM = "state_checker";
    /** The field of a form that may be sent once. */
    static final String FORM_ID = "form_id";
    /** How long a form id is remembered as used. */
    private static final long FORM_ID_LIFETIME = 12 * 3600;

    private FormToken() {
    }

    /** The state checker of the SSO session the page is shown to; null when its cookie has none (then no form is offered). */
    static String of(SignedIn user) {
        Object checker = user.token() == null ? null : user.token().getOtherClaims().get(CLAIM);
        return checker instanceof String value && !value.isEmpty() ? value : null;
    }

    /** A new id for a form that may be sent once. */
    static String newFormId() {
        return UUID.randomUUID().toString();
    }

    /** The posted form; anything else (JSON, a form field given twice...) did not come from the page. */
    static MultivaluedMap<String, String> formOf(KeycloakSession session) throws Refusal {
        try {
            MultivaluedMap<String, String> form = Requests.form(session);
            Requests.single(form, FIELD);
            return form;
        } catch (Refusal notTheForm) {
            throw forged("not the page's form: " + notTheForm.reason());
        }
    }

    /** The form came from a page shown to this SSO session, on this origin; else a refusal, and nothing changes. */
    static void check(KeycloakSession session, MultivaluedMap<String, String> form, SignedIn user) throws Refusal {
        fromThisOrigin(session);
        String expected = of(user);
        String sent = Requests.single(form, FIELD);
        if (expected == null || sent == null
                || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
            throw forged(sent == null ? "no state checker" : "state checker of another SSO session");
        }
    }

    /**
     * What the browser says of where the form comes from, when it says it: {@code Sec-Fetch-Site}
     * {@code same-origin}, and an {@code Origin} that is this page's. Under Keycloak's
     * {@code Referrer-Policy: no-referrer} (the realm's header, on every page) browsers send the
     * page's own forms with {@code Origin: null}: that passes only with {@code Sec-Fetch-Site:
     * same-origin}, so a sandboxed frame of another site (also {@code null}) does not. Clients that
     * send neither header (not browsers) still need the state checker.
     */
    private static void fromThisOrigin(KeycloakSession session) throws Refusal {
        jakarta.ws.rs.core.HttpHeaders headers = session.getContext().getHttpRequest().getHttpHeaders();
        String site = headers.getHeaderString("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            throw forged("Sec-Fetch-Site " + site);
        }
        String origin = headers.getHeaderString("Origin");
        boolean ours = origin == null || origin.equals(UriUtils.getOrigin(session.getContext().getUri().getRequestUri()))
                || (origin.equals("null") && "same-origin".equals(site));
        if (!ours) {
            throw forged("origin " + origin);
        }
    }

    /** Uses the form's id up: a second post of the same form is refused (Keycloak's single-use store, shared by every node). */
    static void useUp(KeycloakSession session, MultivaluedMap<String, String> form) throws Refusal {
        String id = Requests.single(form, FORM_ID);
        if (id == null || id.length() != 36) {
            throw forged("no form id");
        }
        if (!session.singleUseObjects().putIfAbsent("jitsi-page-form:" + id, FORM_ID_LIFETIME)) {
            throw new Refusal(Refusal.CONFLICT, "form_used", "This form was sent already.", "form sent before");
        }
    }

    private static Refusal forged(String reason) {
        return new Refusal(Refusal.FORBIDDEN, "invalid_form", "This form did not come from this page: nothing was changed.", reason);
    }
}
