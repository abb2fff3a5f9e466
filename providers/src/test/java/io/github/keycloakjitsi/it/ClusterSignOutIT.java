package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-outs from any node of the cluster ({@link KeycloakCluster}: two nodes in production mode on
 * PostgreSQL, behind one public address): a participant who signed in through node A is removed from
 * Debian's Prosody when the admin acts on node B — Keycloak's own back-channel logout (an admin's
 * sign-out of the user) and the bundle's (the user disabled), each sent by the node that acted.
 */
class ClusterSignOutIT {

    private static KeycloakCluster cluster;
    private static KeycloakServer a;
    private static KeycloakServer b;
    private static AdminApi adminB;
    private static ProsodyServer prosody;
    private static String urlBefore;

    @BeforeAll
    static void start() {
        cluster = KeycloakCluster.shared();
        a = cluster.nodeA();
        b = cluster.nodeB();
        adminB = new AdminApi(b);
        prosody = ProsodyServer.start(a, "prosody-cluster-sign-out");
        ClientRepresentation client = adminB.client("jitsi");
        urlBefore = client.getAttributes().get("backchannel.logout.url");
        client.getAttributes().put("backchannel.logout.url", prosody.logoutUrl());
        adminB.realm().clients().get(client.getId()).update(client);
    }

    @AfterAll
    static void stop() {
        if (prosody != null) {
            ClientRepresentation client = adminB.client("jitsi");
            client.getAttributes().put("backchannel.logout.url", urlBefore);
            adminB.realm().clients().get(client.getId()).update(client);
            prosody.close();
        }
    }

    @Test
    void anAdminOnTheOtherNodeSignsOutAndDisablesAndTheParticipantsLeave() {
        AdminApi.TestUser signedOut = adminB.newUser("cluster-signed-out");
        AdminApi.TestUser disabled = adminB.newUser("cluster-disabled");
        AdminApi.TestUser witness = adminB.newUser("cluster-witness");
        String signedOutToken = new JitsiWebClient(a).login(signedOut.username(), signedOut.password()).accessToken();
        String disabledToken = new JitsiWebClient(a).login(disabled.username(), disabled.password()).accessToken();
        String witnessToken = new JitsiWebClient(a).login(witness.username(), witness.password()).accessToken();
        try (XmppClient observer = join(witnessToken);
             XmppClient one = join(signedOutToken);
             XmppClient two = join(disabledToken)) {

            adminB.signOut(signedOut.id());
            MeetingSignOutIT.waitUntil(() -> one.isClosed() && observer.sawLeave(one), MeetingSignOutIT.BOUND,
                    "signed out on node B, in Prosody: " + prosody.warnings());
            assertThat(two.isClosed()).isFalse();

            adminB.disableUser(disabled.id());
            MeetingSignOutIT.waitUntil(() -> two.isClosed() && observer.sawLeave(two), MeetingSignOutIT.BOUND,
                    "disabled on node B, in Prosody: " + prosody.warnings());
            assertThat(observer.isClosed()).isFalse();
        }
        assertThat(XmppClient.connect(prosody, disabledToken).client()).as("the disabled user's token").isNull();
        assertThat(List.of(a.log(), b.log())).noneMatch(log -> log.contains("Could not sign"));
    }

    private static XmppClient join(String token) {
        return XmppClient.connect(prosody, token).joined().join("cluster", "p-" + UUID.randomUUID().toString().substring(0, 8));
    }
}
