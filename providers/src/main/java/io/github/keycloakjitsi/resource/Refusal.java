package io.github.keycloakjitsi.resource;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a Jitsi endpoint refuses a request: the status and JSON error the caller gets, and the
 * reason the event records. Thrown by each check, answered in one place per endpoint.
 */
final class Refusal extends Exception {

    private final Response.Status status;
    private final String error;
    private final String reason;

    Refusal(Response.Status status, String error, String description, String reason) {
        super(description);
        this.status = status;
        this.error = error;
        this.reason = reason;
    }

    Refusal(Response.Status status, String error, String description) {
        this(status, error, description, description);
    }

    static Refusal notConfigured(String description) {
        return new Refusal(Response.Status.NOT_FOUND, "not_configured", description);
    }

    String error() {
        return error;
    }

    String reason() {
        return reason;
    }

    /** {@code {"error", "error_description"}}, never cached. */
    Response.ResponseBuilder response() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", getMessage());
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).header("Cache-Control", "no-store");
    }
}
