package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.core.Page;
import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.service.JitsiService;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import java.util.List;
import java.util.Map;

/**
 * What the realm's admins do with every invitation of the realm, whatever the front end (the admin
 * REST API of {@link InvitesAdminResource}, the admins' view of the hosts' page): list them, newest
 * first, until they are deleted 30 days after their end, and revoke any of them, as an admin event
 * (resource type {@value InvitesAdminResource#RESOURCE_TYPE}). Whether the caller may is checked by
 * each front end with Keycloak's admin permissions (view-realm to list, manage-realm to revoke).
 */
public final class RealmInvitations {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final InviteStore store;

    public RealmInvitations(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.store = new InviteStore(session, realm);
    }

    /** A page as the admin REST API answers it. */
    public List<Map<String, Object>> json(Page page) {
        long now = Now.seconds();
        return store.all(page).stream().map(invite -> InviteRules.adminView(invite, now)).toList();
    }

    /** A page as the admins' view shows it. */
    public List<InviteSummary> summaries(Page page) {
        long now = Now.seconds();
        return store.all(page).stream().map(invite -> InviteRules.summary(invite, now)).toList();
    }

    /** Whether the realm has an invitation of this id (not yet deleted). */
    public boolean exists(String id) {
        return store.byId(id).isPresent();
    }

    /**
     * Revokes the invitation at once, on every node, records the admin event and signs its guests
     * out of the meeting (once committed; {@link Invitations#signOutGuests}); revoking one that ended already changes nothing and
     * records nothing. Whether there was one to revoke.
     */
    public boolean revoke(String id, AdminEventBuilder adminEvent) {
        InviteStore.Revoked revoked = store.revoke(id, null);
        if (revoked != InviteStore.Revoked.NOTHING) {
            adminEvent.resource(InvitesAdminResource.RESOURCE_TYPE).operation(OperationType.DELETE)
                    .resourcePath(InvitesAdminResourceProviderFactory.ID, id).success();
            Invitations.signOutGuests(new JitsiService(session, realm), id, revoked);
            return true;
        }
        return false;
    }
}
