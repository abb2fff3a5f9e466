package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiApp;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.web.Answers;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a room token goes, and the one place that builds a meeting's address: always under the
 * realm's Jitsi URL (the mapper's setting), never from a scheme, host or path of the request. A
 * token travels only in a response body, in the fragment of the meeting URL (which browsers
 * never send to a server), or in a link that opens one of Jitsi's apps ({@link JitsiApp#link}),
 * never in the query of a URL a browser loads.
 */
public final class Delivery {

    private final RoomTokenSettings tokens;

    Delivery(RoomTokenSettings tokens) {
        this.tokens = tokens;
    }

    /** 302 to the meeting with the token in the fragment, which replaces any fragment the browser carried. */
    public Response.ResponseBuilder toMeeting(Issued issued) {
        return Answers.redirect(URI.create(tokens.meetingUrl(issued.request(), issued.token())));
    }

    /** The link that opens the meeting with the token in one of Jitsi's apps. */
    public String toApp(Issued issued, JitsiApp app) {
        return tokens.appLink(app, issued.request(), issued.token());
    }

    /** {@code POST /jitsi/token}'s answer: the token and the meeting URL that carries it. */
    public Map<String, Object> asJson(Issued issued) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        body.put("room", issued.request().room());
        body.put("tenant", issued.request().tenant() == null ? "" : issued.request().tenant());
        body.put("expires_in", issued.claims().lifetimeSeconds());
        body.put("moderator", issued.claims().moderator());
        body.put("url", tokens.meetingUrl(issued.request(), issued.token()));
        return body;
    }

    /**
     * The meeting for someone who joins without a token (a guest), in the browser or in the app that
     * asked; the Jitsi URL itself for {@code *} or no room.
     */
    public String guestLink(RoomRequest request, Optional<JitsiApp> app) {
        if (request == null || RoomRequest.WILDCARD.equals(request.room())) {
            return tokens.jitsiUrl().toString();
        }
        return app.map(a -> tokens.appLink(a, request, null)).orElseGet(() -> tokens.meetingLink(request));
    }
}
