package io.github.keycloakjitsi.web;

import io.github.keycloakjitsi.core.Refusal;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.services.cors.Cors;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the Jitsi entry points answer: never cached, and never leaking where the caller came from or
 * goes to ({@code Referrer-Policy: no-referrer}, which Keycloak's security headers also set on
 * every answer with the realm's default).
 */
public final class Answers {

    private Answers() {
    }

    public static Response.ResponseBuilder json(Response.Status status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer");
    }

    public static Response.ResponseBuilder redirect(URI location) {
        return Response.status(Response.Status.FOUND).location(location)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer");
    }

    /** 303 to a page after a form's change: the browser asks for it with GET, and a reload does not send the form again. */
    public static Response.ResponseBuilder seeOther(URI location) {
        return Response.seeOther(location)
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer");
    }

    /** {@code {"error", "error_description"}} with the refusal's status. */
    public static Response.ResponseBuilder refusal(Refusal refusal) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", refusal.error());
        body.put("error_description", refusal.getMessage());
        return json(Response.Status.fromStatusCode(refusal.status()), body);
    }

    /** 204, for a change that has nothing to say. */
    public static Response.ResponseBuilder noContent() {
        return Response.noContent().header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
    }

    /** A CORS preflight of an endpoint that takes a bearer token: Keycloak's own answer. */
    public static Response preflight(String... methods) {
        return Cors.builder().auth().preflight().allowedMethods(methods)
                .add(Response.ok().header("Referrer-Policy", "no-referrer"));
    }
}
