package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.keycloak.Now;
import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.timer.TimerProvider;

/**
 * Deletes ended invitations (expired or revoked {@code keepEndedSeconds} ago) of every realm, on a
 * Keycloak timer, as Keycloak clears its own expired events: each node's timer fires, the run is a
 * cluster task ({@link ClusterProvider#executeIfNotExecuted}: not two at once anywhere in the
 * cluster) in its own transaction, and a second run right after deletes nothing more. Nobody has to
 * create an invitation for the old ones to go.
 */
final class InviteCleanup {

    static final String TASK = "jitsi-invites-cleanup";
    private static final Logger LOG = Logger.getLogger(InviteCleanup.class);

    private InviteCleanup() {
    }

    /** Schedules the cleanup every {@code intervalSeconds}; the first run one interval from now. */
    static void schedule(KeycloakSessionFactory factory, long intervalSeconds, long keepEndedSeconds) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(TimerProvider.class)
                .schedule(() -> run(factory, intervalSeconds, keepEndedSeconds), intervalSeconds * 1000, TASK));
    }

    private static void run(KeycloakSessionFactory factory, long intervalSeconds, long keepEndedSeconds) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                    .executeIfNotExecuted(TASK, (int) Math.min(Integer.MAX_VALUE, intervalSeconds), () -> {
                        int deleted = InviteStore.deleteEndedBefore(session, Now.seconds() - keepEndedSeconds);
                        if (deleted > 0) {
                            LOG.debugf("deleted %d ended Jitsi invitations", deleted);
                        }
                        return deleted;
                    }));
        } catch (RuntimeException e) {
            // The timer thread is Keycloak's, shared by its own tasks: one line (a database restart or a node
            // shutting down says enough), and another try at the next interval.
            LOG.warnf("Deleting ended Jitsi invitations failed (%s); trying again in %d s", e.toString(), intervalSeconds);
        }
    }
}
