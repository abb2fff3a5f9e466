package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.InviteRequest;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Page;
import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.invites.InviteEntity;
import io.github.keycloakjitsi.invites.InviteStore;
import io.github.keycloakjitsi.keycloak.SignedIn;
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
import org.keycloak.services.cors.Cors;

import java.util.List;
import java.util.Map;

/**
 * {@code /realms/{realm}/jitsi/invites}: a host's invitations of guests into one meeting, for the
 * bearer of an access token as {@code POST /jitsi/token} takes it (a client the admin names, an
 * enabled user who may start meetings).
 * <ul>
 *   <li>{@code POST} room, tenant, valid_for, max_uses, name: a new invitation and its link, shown
 *       this once (only a hash of the link's key is kept);</li>
 *   <li>{@code GET} a page of the caller's live invitations ({@code first}, {@code max});</li>
 *   <li>{@code DELETE /{id}} revokes one of the caller's, at once on every node (again: the same 204).</li>
 * </ul>
 */
public class InvitesResource {

    private final Caller caller;

    InvitesResource(Caller caller) {
        this.caller = caller;
    }

    @OPTIONS
    public Response preflight() {
        return Cors.builder().auth().preflight().allowedMethods("GET", "POST", "OPTIONS")
                .add(Response.ok().header("Referrer-Policy", "no-referrer"));
    }

    @OPTIONS
    @Path("{id}")
    public Response preflightOne() {
        return Cors.builder().auth().preflight().allowedMethods("DELETE", "OPTIONS")
                .add(Response.ok().header("Referrer-Policy", "no-referrer"));
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response create() {
        JitsiEvents events = events("create");
        return answer(events, "POST", (settings, auth) -> {
            MultivaluedMap<String, String> form = caller.form();
            String room = Params.single(form, "room");
            String tenant = Params.single(form, "tenant");
            events.room(room, tenant);
            InviteRequest request = InviteRequest.parse(room, tenant, Params.single(form, "valid_for"),
                    Params.single(form, "max_uses"), Params.single(form, "name"), settings);
            caller.mayHost(settings, auth.user());
            int maxLive = settings.invites().maxLivePerHost();
            InviteStore.Created created;
            try {
                created = store().create(auth.user().getId(), request, maxLive);
            } catch (InviteStore.TooManyLive e) {
                throw new Refusal(Refusal.CONFLICT, "too_many_invites", "You have " + maxLive + " live invitations, the most this "
                        + "realm allows: revoke one (DELETE /jitsi/invites/{id}) or wait until one ends.", "live invitations at the limit");
            }
            events.invite(created.invite().getId(), "create").room(request.room().room(), request.room().tenant()).succeeded();

            Map<String, Object> body = InviteStore.view(created.invite());
            body.put("url", caller.urls().invitePage(created.key()));
            return JitsiResponses.json(Response.Status.CREATED, body);
        });
    }

    /** A page of the caller's live invitations, oldest first: {@code ?first=0&max=100} as in Keycloak's admin API. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        return answer(null, "GET", (settings, auth) -> {
            MultivaluedMap<String, String> query = caller.query();
            Page page = Page.parse(Params.single(query, "first"), Params.single(query, "max"));
            List<Map<String, Object>> live = store().liveOf(auth.user().getId(), page).stream().map(InviteStore::view).toList();
            return JitsiResponses.json(Response.Status.OK, live);
        });
    }

    /** A host may revoke their own invitations even after losing the right to make new ones. */
    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@PathParam("id") String id) {
        JitsiEvents events = events("revoke");
        return answer(events, "DELETE", (settings, auth) -> {
            InviteEntity invite = store().byId(id).filter(i -> i.getCreatedBy().equals(auth.user().getId()))
                    .orElseThrow(() -> new Refusal(Refusal.NOT_FOUND, "invite_not_found", "You have no invitation with this id."));
            // Revoking again changes nothing: the same answer, no second event.
            if (store().revoke(invite.getId(), auth.user().getId())) {
                events.invite(invite.getId(), "revoke").room(invite.getRoom(), invite.getTenant()).succeeded();
            }
            return Response.noContent().header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
        });
    }

    private interface Step {
        Response.ResponseBuilder run(JitsiSettings settings, SignedIn auth) throws Refusal;
    }

    /**
     * The caller is authenticated and the origin checked before anything else; refusals carry CORS
     * headers for any origin until the caller is known, so a web app can read why.
     */
    private Response answer(JitsiEvents events, String method, Step step) {
        JitsiEvents recorded = events != null ? events : events("list");
        Cors cors = Cors.builder().allowAllOrigins().allowedMethods(method);
        try {
            JitsiSettings settings = caller.settings();
            SignedIn auth = caller.bearer(settings, recorded);
            cors = caller.cors(auth, method);
            return cors.add(step.run(settings, auth));
        } catch (Caller.InvalidOrigin refusal) {
            if (events != null) {
                events.refused(refusal.error(), refusal.reason());
            }
            return JitsiResponses.refusal(refusal).build();
        } catch (Refusal refusal) {
            if (events != null) {
                events.refused(refusal.error(), refusal.reason());
            }
            return cors.add(JitsiResponses.refusal(refusal));
        }
    }

    private JitsiEvents events(String action) {
        return new JitsiEvents(caller.session(), caller.realm(), "invites").invite(null, action);
    }

    private InviteStore store() {
        return new InviteStore(caller.session(), caller.realm());
    }
}
