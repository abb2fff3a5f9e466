package io.github.keycloakjitsi.web;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.github.keycloakjitsi.core.JitsiState;
import io.github.keycloakjitsi.core.Refusal;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.models.KeycloakSession;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A request's parameters as the Jitsi entry points take them: decoded, each at most once. */
public final class Requests {

    private Requests() {
    }

    /** The parameter's one value; null when absent; a refusal when it is given more than once. */
    public static String single(MultivaluedMap<String, String> params, String name) throws Refusal {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_request", "Give " + name + " at most once.");
        }
        return values.get(0);
    }

    /**
     * The query, decoded. A URL's query is ASCII: raw spaces, controls or non-ASCII bytes (which
     * browsers always percent-encode) would be read in whatever charset the server guesses, so they
     * are refused rather than read.
     */
    public static MultivaluedMap<String, String> query(KeycloakSession session) throws Refusal {
        String raw = session.getContext().getUri().getRequestUri().getRawQuery();
        if (raw != null && raw.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_request",
                    "The query holds raw spaces, control or non-ASCII characters: percent-encode it.");
        }
        return session.getContext().getUri().getQueryParameters();
    }

    /** Keycloak has parsed the form before the endpoint runs (see README, "Known limits"). */
    public static MultivaluedMap<String, String> form(KeycloakSession session) throws Refusal {
        MediaType type = session.getContext().getHttpRequest().getHttpHeaders().getMediaType();
        if (type != null && !type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            throw new Refusal(Refusal.UNSUPPORTED_MEDIA_TYPE, "invalid_request",
                    "Send the form as application/x-www-form-urlencoded.", "content type " + type);
        }
        return session.getContext().getHttpRequest().getDecodedFormParameters();
    }

    /**
     * jitsi-meet's {@code {state}} (a JSON object, already URL-decoded as a query value), or null
     * when the request has none.
     */
    public static JitsiState jitsiState(String raw) throws Refusal {
        if (raw == null) {
            return null;
        }
        if (raw.length() > JitsiState.MAX_LENGTH) {
            throw JitsiState.invalid("The sign-in state is longer than jitsi-meet makes it.");
        }
        Map<String, Object> json;
        try {
            // Strict: one JSON object and nothing after it, as JSON.parse in sso.html reads it.
            json = JsonSerialization.mapper.readerFor(new TypeReference<Map<String, Object>>() { })
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(raw);
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        if (json == null) {
            throw JitsiState.invalid("The sign-in state is not jitsi-meet's: a JSON object is expected.");
        }
        return JitsiState.of(json);
    }
}
