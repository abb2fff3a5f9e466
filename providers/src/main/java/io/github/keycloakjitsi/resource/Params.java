package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.Refusal;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.List;

/** Request parameters as the /jitsi endpoints take them: each at most once. */
final class Params {

    private Params() {
    }

    /** The parameter's one value; null when absent; a refusal when it is given more than once. */
    static String single(MultivaluedMap<String, String> params, String name) throws Refusal {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_request", "Give " + name + " at most once.");
        }
        return values.get(0);
    }
}
