package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.core.InviteRequest;
import io.github.keycloakjitsi.core.Page;
import io.github.keycloakjitsi.service.JitsiEvents;
import io.github.keycloakjitsi.service.JitsiService;
import io.github.keycloakjitsi.web.Answers;
import io.github.keycloakjitsi.web.Requests;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * {@code /realms/{realm}/jitsi/invites}: a host's invitations of guests into one meeting, for the
 * bearer of an access token as {@code POST /jitsi/token} takes it (a client the admin names, an
 * enabled user who may start meetings). The use cases are {@link Invitations}'.
 * <ul>
 *   <li>{@code POST} room, tenant, valid_for, max_uses, name: a new invitation and its link, shown
 *       this once (only a hash of the link's key is kept);</li>
 *   <li>{@code GET} a page of the caller's live invitations ({@code first}, {@code max});</li>
 *   <li>{@code DELETE /{id}} revokes one of the caller's, at once on every node (again: the same 204).</li>
 * </ul>
 */
public class InvitesResource {

    private final JitsiService jitsi;

    public InvitesResource(JitsiService jitsi) {
        this.jitsi = jitsi;
    }

    @OPTIONS
    public Response preflight() {
        return Answers.preflight("GET", "POST", "OPTIONS");
    }

    @OPTIONS
    @Path("{id}")
    public Response preflightOne() {
        return Answers.preflight("DELETE", "OPTIONS");
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response create() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.INVITE_CREATE);
        return jitsi.withBearer(events, "POST", caller -> {
            MultivaluedMap<String, String> form = Requests.form(jitsi.session());
            String room = Requests.single(form, "room");
            String tenant = Requests.single(form, "tenant");
            events.room(room, tenant).roomName(room);
            InviteRequest request = InviteRequest.parse(room, tenant, Requests.single(form, "valid_for"),
                    Requests.single(form, "max_uses"), Requests.single(form, "name"), jitsi.settings());
            return Answers.json(Response.Status.CREATED, new Invitations(jitsi).create(caller.user(), request, events));
        });
    }

    /** A page of the caller's live invitations, oldest first: {@code ?first=0&max=100} as in Keycloak's admin API. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.INVITE_LIST);
        return jitsi.withBearer(events, "GET", caller -> {
            MultivaluedMap<String, String> query = Requests.query(jitsi.session());
            Page page = Page.parse(Requests.single(query, "first"), Requests.single(query, "max"));
            return Answers.json(Response.Status.OK, new Invitations(jitsi).liveOf(caller.user(), page));
        });
    }

    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@PathParam("id") String id) {
        JitsiEvents events = jitsi.events(JitsiEvents.Action.INVITE_REVOKE);
        return jitsi.withBearer(events, "DELETE", caller -> {
            new Invitations(jitsi).revoke(caller.user(), id, events);
            return Answers.noContent();
        });
    }
}
