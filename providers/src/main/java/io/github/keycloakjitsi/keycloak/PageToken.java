package io.github.keycloakjitsi.keycloak;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.TokenCategory;
import org.keycloak.representations.JsonWebToken;

/**
 * What every form of the meetings page carries against cross-site requests (the synchronizer
 * token of Keycloak's own cookie-signed pages): bound to the SSO session the page was shown to,
 * signed with the realm's internal key (nobody outside Keycloak can make one), short-lived, of its
 * own type so that no other token of the realm passes for one.
 */
public class PageToken extends JsonWebToken {

    public static final String TYPE = "jitsi-page-form";

    @JsonProperty("sid")
    private String sessionId;

    public PageToken() {
    }

    public PageToken(String sessionId) {
        this.sessionId = sessionId;
        type(TYPE);
    }

    public String getSessionId() {
        return sessionId;
    }

    @Override
    public TokenCategory getCategory() {
        return TokenCategory.INTERNAL;
    }
}
