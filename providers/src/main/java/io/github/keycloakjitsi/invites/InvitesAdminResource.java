package io.github.keycloakjitsi.invites;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.github.keycloakjitsi.core.Page;
import io.github.keycloakjitsi.core.Refusal;
import org.keycloak.services.ErrorResponse;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.List;
import java.util.Map;

/**
 * {@code /admin/realms/{realm}/jitsi-invites}: every invitation of the realm, for its admins.
 * Listing needs view-realm, revoking manage-realm; a revocation is an admin event (resource type
 * {@value #RESOURCE_TYPE}) and signs the invitation's guests out of the meeting. Keycloak has
 * authenticated the admin's token before this runs; the use cases are {@link RealmInvitations}'.
 */
public class InvitesAdminResource {

    public static final String RESOURCE_TYPE = "JITSI_INVITE";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    InvitesAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    /** A page ({@code first}, {@code max} up to {@value Page#MAX}), newest first, live or not, until they are deleted 30 days after their end. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("first") String first, @QueryParam("max") String max) {
        auth.realm().requireViewRealm();
        Page page;
        try {
            page = Page.parse(first, max);
        } catch (Refusal refusal) {
            return ErrorResponse.error(refusal.getMessage(), Response.Status.BAD_REQUEST).getResponse();
        }
        List<Map<String, Object>> invites = new RealmInvitations(session, realm).json(page);
        return Response.ok(invites).build();
    }

    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        RealmInvitations invitations = new RealmInvitations(session, realm);
        if (!invitations.exists(id)) {
            throw new NotFoundException("No invitation with this id.");
        }
        invitations.revoke(id, adminEvent);
        return Response.noContent().build();
    }
}
