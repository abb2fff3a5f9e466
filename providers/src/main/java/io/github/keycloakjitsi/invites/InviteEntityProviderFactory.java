package io.github.keycloakjitsi.invites;

import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.PostMigrationEvent;

import java.util.List;

/**
 * Adds the invitation table to Keycloak's own database (the same one, on every node of a cluster,
 * created and migrated by Keycloak's Liquibase with META-INF/jitsi-invites-changelog.xml).
 * Invitations of a removed realm or user are deleted with it.
 */
public class InviteEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String ID = "jitsi-invites";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new JpaEntityProvider() {
            @Override
            @SuppressWarnings({"deprecation", "removal"})
            public List<Class<?>> getEntities() {
                return List.of(InviteEntity.class);
            }

            @Override
            public String getChangelogLocation() {
                return "META-INF/jitsi-invites-changelog.xml";
            }

            @Override
            public String getFactoryId() {
                return ID;
            }

            @Override
            public void close() {
            }
        };
    }

    /** Server options: {@code --spi-jpa-entity-provider--jitsi-invites--cleanup-interval} (seconds, default an hour). */
    static final String CLEANUP_INTERVAL = "cleanup-interval";
    /** {@code --spi-jpa-entity-provider--jitsi-invites--keep-ended} (seconds an ended invitation stays listed, default 30 days). */
    static final String KEEP_ENDED = "keep-ended";

    private long cleanupIntervalSeconds = 3600;
    private long keepEndedSeconds = InviteStore.KEEP_ENDED_SECONDS;

    @Override
    public void init(Config.Scope config) {
        cleanupIntervalSeconds = Math.max(1, config.getLong(CLEANUP_INTERVAL, cleanupIntervalSeconds));
        keepEndedSeconds = Math.max(0, config.getLong(KEEP_ENDED, keepEndedSeconds));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                // The database is migrated, the invitation table exists: from now on, ended invitations go on a timer.
                InviteCleanup.schedule(factory, cleanupIntervalSeconds, keepEndedSeconds);
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                entityManager(removed.getKeycloakSession()).createQuery("delete from InviteEntity i where i.realmId = :realm")
                        .setParameter("realm", removed.getRealm().getId()).executeUpdate();
            } else if (event instanceof UserModel.UserRemovedEvent removed) {
                entityManager(removed.getKeycloakSession()).createQuery(
                                "delete from InviteEntity i where i.realmId = :realm and i.createdBy = :user")
                        .setParameter("realm", removed.getRealm().getId()).setParameter("user", removed.getUser().getId())
                        .executeUpdate();
            }
        });
    }

    private static jakarta.persistence.EntityManager entityManager(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
