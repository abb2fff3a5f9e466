package io.github.keycloakjitsi.signout;

import io.github.keycloakjitsi.service.MeetingSignOut;
import org.junit.jupiter.api.Test;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which admin changes sign whom out of meetings, read from the event's type, operation and path only. */
class SignOutListenerTest {

    private static Optional<MeetingSignOut.Target> target(ResourceType type, OperationType operation, String path) {
        return SignOutListener.target(type, operation, path);
    }

    @Test
    void aUserDeletedOrSignedOutGoesAChangedUserOnlyIfNoLongerAHost() {
        assertThat(target(ResourceType.USER, OperationType.DELETE, "users/u1")).contains(new MeetingSignOut.User("u1", false));
        assertThat(target(ResourceType.USER, OperationType.ACTION, "users/u1/logout")).contains(new MeetingSignOut.User("u1", false));
        assertThat(target(ResourceType.USER, OperationType.UPDATE, "users/u1")).contains(new MeetingSignOut.User("u1", true));
        assertThat(target(ResourceType.USER, OperationType.CREATE, "users/u1")).isEmpty();
        assertThat(target(ResourceType.USER, OperationType.ACTION, "users/u1/reset-password")).isEmpty();
        assertThat(target(ResourceType.USER, OperationType.UPDATE, "users/u1/execute-actions-email")).isEmpty();
    }

    @Test
    void rolesOrGroupsTakenFromAUserLookAtThatUser() {
        assertThat(target(ResourceType.REALM_ROLE_MAPPING, OperationType.DELETE, "users/u1/role-mappings/realm"))
                .contains(new MeetingSignOut.User("u1", true));
        assertThat(target(ResourceType.CLIENT_ROLE_MAPPING, OperationType.DELETE, "users/u1/role-mappings/clients/c1"))
                .contains(new MeetingSignOut.User("u1", true));
        assertThat(target(ResourceType.GROUP_MEMBERSHIP, OperationType.DELETE, "users/u1/groups/g1"))
                .contains(new MeetingSignOut.User("u1", true));
        assertThat(target(ResourceType.REALM_ROLE_MAPPING, OperationType.CREATE, "users/u1/role-mappings/realm")).isEmpty();
        assertThat(target(ResourceType.GROUP_MEMBERSHIP, OperationType.CREATE, "users/u1/groups/g1")).isEmpty();
    }

    @Test
    void changesOfManyLookAtEveryoneSignedIn() {
        MeetingSignOut.Target everyone = new MeetingSignOut.SignedInNonHosts();
        assertThat(target(ResourceType.REALM_ROLE_MAPPING, OperationType.DELETE, "groups/g1/role-mappings/realm")).contains(everyone);
        assertThat(target(ResourceType.GROUP, OperationType.DELETE, "groups/g1")).contains(everyone);
        assertThat(target(ResourceType.GROUP, OperationType.UPDATE, "groups/g1")).contains(everyone);
        assertThat(target(ResourceType.REALM_ROLE, OperationType.DELETE, "roles-by-id/r1/composites")).contains(everyone);
        assertThat(target(ResourceType.REALM_ROLE, OperationType.DELETE, "roles/jitsi-host")).contains(everyone);
        assertThat(target(ResourceType.CLIENT_ROLE, OperationType.DELETE, "clients/c1/roles/r/composites")).contains(everyone);
        assertThat(target(ResourceType.REALM_ROLE, OperationType.CREATE, "roles-by-id/r1/composites")).isEmpty();
    }

    @Test
    void aRoleRenamedOrAMapperChangedOrRemovedLooksAtEveryoneSignedIn() {
        MeetingSignOut.Target everyone = new MeetingSignOut.SignedInNonHosts();
        assertThat(target(ResourceType.REALM_ROLE, OperationType.UPDATE, "roles/jitsi-host")).contains(everyone);
        assertThat(target(ResourceType.REALM_ROLE, OperationType.UPDATE, "roles-by-id/r1")).contains(everyone);
        assertThat(target(ResourceType.CLIENT_ROLE, OperationType.UPDATE, "clients/c1/roles/r")).contains(everyone);
        assertThat(target(ResourceType.PROTOCOL_MAPPER, OperationType.UPDATE, "clients/c1/protocol-mappers/models/m1")).contains(everyone);
        assertThat(target(ResourceType.PROTOCOL_MAPPER, OperationType.DELETE, "clients/c1/protocol-mappers/models/m1")).contains(everyone);
        assertThat(target(ResourceType.PROTOCOL_MAPPER, OperationType.CREATE, "clients/c1/protocol-mappers/models")).isEmpty();
        assertThat(target(ResourceType.REALM_ROLE, OperationType.CREATE, "roles")).isEmpty();
    }

    @Test
    void everythingElseNoOne() {
        assertThat(target(ResourceType.CLIENT, OperationType.UPDATE, "clients/c1")).isEmpty();
        assertThat(target(ResourceType.REALM, OperationType.UPDATE, "")).isEmpty();
        assertThat(target(null, OperationType.DELETE, "users/u1")).isEmpty();
        assertThat(target(ResourceType.USER, OperationType.DELETE, null)).isEmpty();
    }
}
