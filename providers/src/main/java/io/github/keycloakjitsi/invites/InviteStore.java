package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.core.InviteRequest;
import io.github.keycloakjitsi.core.Page;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.util.List;
import java.util.Optional;

/**
 * Invitations in Keycloak's database: durable across restarts and shared by every node, so a
 * revocation or an expiry counts at once everywhere. A use is one atomic UPDATE that checks
 * revocation, expiry, uses left and the joins-per-minute limit in the same statement, so two
 * guests racing on two nodes can never both get the last use.
 */
final class InviteStore {

    /** Expired or revoked invitations are deleted this long after (by {@link InviteCleanup}), to keep the table small. */
    static final long KEEP_ENDED_SECONDS = 30L * 24 * 3600;

    /** A new invitation: its public id and the key of its link, which is shown once and never stored. */
    record Created(InviteEntity invite, String key) {
    }

    /** The host has as many live invitations as the admin allows. */
    static final class TooManyLive extends Exception {
        TooManyLive() {
            super(null, null, false, false);
        }
    }

    private final EntityManager em;
    private final RealmModel realm;

    InviteStore(KeycloakSession session, RealmModel realm) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        this.realm = realm;
    }

    /**
     * A new invitation of the host, unless they already have {@code maxLive} live ones. The host's
     * user row is locked for the count, so parallel requests of one host (on any node) are counted
     * one after the other and never get past the limit together.
     */
    Created create(String userId, InviteRequest request, int maxLive) throws TooManyLive {
        long now = Now.seconds();
        em.find(UserEntity.class, userId, LockModeType.PESSIMISTIC_WRITE);
        long live = em.createQuery("select count(i) from InviteEntity i where i.realmId = :realm and i.createdBy = :user and " + InviteRules.LIVE,
                        Long.class)
                .setParameter("realm", realm.getId()).setParameter("user", userId).setParameter("now", now).getSingleResult();
        if (live >= maxLive) {
            throw new TooManyLive();
        }
        String key = SecretGenerator.getInstance().randomString(InviteRules.KEY_LENGTH);
        InviteEntity invite = new InviteEntity();
        invite.setId(KeycloakModelUtils.generateId());
        invite.setKeyHash(InviteRules.keyHash(key));
        invite.setRealmId(realm.getId());
        invite.setCreatedBy(userId);
        invite.setRoom(request.room().room());
        invite.setRoomName(request.roomName());
        invite.setTenant(request.room().tenant());
        invite.setGuestName(request.name());
        invite.setCreatedAt(now);
        invite.setExpiresAt(now + request.validSeconds());
        invite.setMaxUses(request.maxUses());
        invite.setWindowStart(now);
        em.persist(invite);
        em.flush();
        return new Created(invite, key);
    }

    /** The invitation a link's key opens, whatever its state; empty for a key no invitation has. */
    Optional<InviteEntity> byKey(String key) {
        if (!InviteRules.isKey(key)) {
            return Optional.empty();
        }
        return em.createQuery("select i from InviteEntity i where i.keyHash = :hash and i.realmId = :realm", InviteEntity.class)
                .setParameter("hash", InviteRules.keyHash(key)).setParameter("realm", realm.getId())
                .getResultStream().findFirst();
    }

    /**
     * Counts one use of the invitation if it is live, has uses left and this minute's joins are
     * under {@code joinsPerMinute}; empty when it was counted, else why not.
     */
    Optional<InviteRules.Refused> use(InviteEntity invite, int joinsPerMinute) {
        long now = Now.seconds();
        long windowFloor = now - InviteRules.WINDOW_SECONDS;
        int counted = em.createQuery("update InviteEntity i set i.uses = i.uses + 1,"
                        + " i.windowCount = case when i.windowStart <= :floor then 1 else i.windowCount + 1 end,"
                        + " i.windowStart = case when i.windowStart <= :floor then :now else i.windowStart end"
                        + " where i.id = :id and i.realmId = :realm and " + InviteRules.LIVE + " and " + InviteRules.WINDOW_HAS_ROOM)
                .setParameter("id", invite.getId()).setParameter("realm", realm.getId())
                .setParameter("now", now).setParameter("floor", windowFloor).setParameter("limit", joinsPerMinute)
                .executeUpdate();
        if (counted == 1) {
            return Optional.empty();
        }
        try {
            em.refresh(invite);
        } catch (EntityNotFoundException deleted) {
            return Optional.of(InviteRules.Refused.UNKNOWN);
        }
        // Usable again by the time it was read back (a new minute began): a race, worth a retry.
        return Optional.of(InviteRules.whyNot(invite, now, joinsPerMinute).orElse(InviteRules.Refused.TOO_MANY_JOINS));
    }

    /** A page of a user's live invitations, oldest first. */
    List<InviteEntity> liveOf(String userId, Page page) {
        return em.createQuery("select i from InviteEntity i where i.realmId = :realm and i.createdBy = :user and " + InviteRules.LIVE
                        + " order by i.createdAt, i.id", InviteEntity.class)
                .setParameter("realm", realm.getId()).setParameter("user", userId).setParameter("now", Now.seconds())
                .setFirstResult(page.first()).setMaxResults(page.max()).getResultList();
    }

    /**
     * Deletes the invitations of every realm that ended (expired or revoked) before {@code before},
     * epoch seconds; how many. Run by {@link InviteCleanup}, on any node: a second run deletes nothing more.
     */
    static int deleteEndedBefore(KeycloakSession session, long before) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("delete from InviteEntity i where i.expiresAt < :before or i.revokedAt < :before")
                .setParameter("before", before).executeUpdate();
    }

    /** A page of every invitation of the realm not yet deleted, newest first (the admin's view). */
    List<InviteEntity> all(Page page) {
        return em.createQuery("select i from InviteEntity i where i.realmId = :realm order by i.createdAt desc, i.id", InviteEntity.class)
                .setParameter("realm", realm.getId()).setFirstResult(page.first()).setMaxResults(page.max()).getResultList();
    }

    /** What a revocation found. */
    enum Revoked {
        /** No live invitation of that id (of that host): nothing changed. */
        NOTHING,
        /** Revoked; no guest token was ever issued for it, so nobody can be in a meeting with it. */
        UNUSED,
        /** Revoked; guests may be in a meeting with it. */
        USED
    }

    /**
     * Revokes an invitation at once; {@code userId} null revokes any of the realm (the admin).
     * Its uses are read after the revocation, which a use waits for and then finds revoked, so no
     * guest token can be issued for it after {@link Revoked#UNUSED}.
     */
    Revoked revoke(String id, String userId) {
        int revoked = em.createQuery("update InviteEntity i set i.revokedAt = :now where i.id = :id and i.realmId = :realm"
                        + " and i.revokedAt is null and (:user is null or i.createdBy = :user)")
                .setParameter("now", Now.seconds()).setParameter("id", id).setParameter("realm", realm.getId())
                .setParameter("user", userId).executeUpdate();
        if (revoked != 1) {
            return Revoked.NOTHING;
        }
        int uses = em.createQuery("select i.uses from InviteEntity i where i.id = :id", Integer.class)
                .setParameter("id", id).getSingleResult();
        return uses > 0 ? Revoked.USED : Revoked.UNUSED;
    }

    Optional<InviteEntity> byId(String id) {
        InviteEntity invite = id == null || id.length() > 36 ? null : em.find(InviteEntity.class, id);
        return invite == null || !realm.getId().equals(invite.getRealmId()) ? Optional.empty() : Optional.of(invite);
    }
}
