package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.Refusal;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the /jitsi endpoints answer: never cached, and never leaking where the caller came from or
 * goes to ({@code Referrer-Policy: no-referrer}, which Keycloak's security headers also set on
 * every answer with the realm's default).
 */
final class JitsiResponses {

    private JitsiResponses() {
    }

    static Response.ResponseBuilder json(Response.Status status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer");
    }

    static Response.ResponseBuilder redirect(URI location) {
        return Response.status(Response.Status.FOUND).location(location)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer");
    }

    /** {@code {"error", "error_description"}} with the refusal's status. */
    static Response.ResponseBuilder refusal(Refusal refusal) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", refusal.error());
        body.put("error_description", refusal.getMessage());
        return json(Response.Status.fromStatusCode(refusal.status()), body);
    }
}
