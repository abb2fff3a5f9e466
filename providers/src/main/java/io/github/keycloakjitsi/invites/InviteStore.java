package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.core.InviteRequest;
import io.github.keycloakjitsi.core.Page;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Invitations in Keycloak's database: durable across restarts and shared by every node, so a
 * revocation or an expiry counts at once everywhere. A use is one atomic UPDATE that checks
 * revocation, expiry, uses left and the joins-per-minute limit in the same statement, so two
 * guests racing on two nodes can never both get the last use.
 */
public final class InviteStore {

    /** Keys are 32 random letters and digits (190 bits); anything else opens no invitation and is not looked up. */
    private static final int KEY_LENGTH = 32;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]{" + KEY_LENGTH + "}");
    /** Expired or revoked invitations are deleted this long after (by {@link InviteCleanup}), to keep the table small. */
    public static final long KEEP_ENDED_SECONDS = 30L * 24 * 3600;
    /** "Live" in JPQL, the one rule of {@link #isLive}: not revoked, not expired, uses left. */
    private static final String LIVE = " i.revokedAt is null and i.expiresAt > :now and (i.maxUses is null or i.uses < i.maxUses)";

    /** A new invitation: its public id and the key of its link, which is shown once and never stored. */
    public record Created(InviteEntity invite, String key) {
    }

    /** Why a use was refused. */
    public enum Refused { UNKNOWN, ENDED, USED_UP, TOO_MANY_JOINS }

    /** The host has as many live invitations as the admin allows. */
    public static final class TooManyLive extends Exception {
        public TooManyLive() {
            super(null, null, false, false);
        }
    }

    private final EntityManager em;
    private final RealmModel realm;

    public InviteStore(KeycloakSession session, RealmModel realm) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        this.realm = realm;
    }

    /**
     * A new invitation of the host, unless they already have {@code maxLive} live ones. The host's
     * user row is locked for the count, so parallel requests of one host (on any node) are counted
     * one after the other and never get past the limit together.
     */
    public Created create(String userId, InviteRequest request, int maxLive) throws TooManyLive {
        long now = Time.currentTime();
        em.find(UserEntity.class, userId, LockModeType.PESSIMISTIC_WRITE);
        long live = em.createQuery("select count(i) from InviteEntity i where i.realmId = :realm and i.createdBy = :user and" + LIVE,
                        Long.class)
                .setParameter("realm", realm.getId()).setParameter("user", userId).setParameter("now", now).getSingleResult();
        if (live >= maxLive) {
            throw new TooManyLive();
        }
        String key = SecretGenerator.getInstance().randomString(KEY_LENGTH);
        InviteEntity invite = new InviteEntity();
        invite.setId(KeycloakModelUtils.generateId());
        invite.setKeyHash(hash(key));
        invite.setRealmId(realm.getId());
        invite.setCreatedBy(userId);
        invite.setRoom(request.room().room());
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
    public Optional<InviteEntity> byKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            return Optional.empty();
        }
        return em.createQuery("select i from InviteEntity i where i.keyHash = :hash and i.realmId = :realm", InviteEntity.class)
                .setParameter("hash", hash(key)).setParameter("realm", realm.getId())
                .getResultStream().findFirst();
    }

    /**
     * Counts one use of the invitation if it is live, has uses left and this minute's joins are
     * under {@code joinsPerMinute}; empty when it was counted, else why not.
     */
    public Optional<Refused> use(InviteEntity invite, int joinsPerMinute) {
        long now = Time.currentTime();
        long windowFloor = now - 60;
        int counted = em.createQuery("update InviteEntity i set i.uses = i.uses + 1,"
                        + " i.windowCount = case when i.windowStart <= :floor then 1 else i.windowCount + 1 end,"
                        + " i.windowStart = case when i.windowStart <= :floor then :now else i.windowStart end"
                        + " where i.id = :id and i.realmId = :realm and i.revokedAt is null and i.expiresAt > :now"
                        + " and (i.maxUses is null or i.uses < i.maxUses)"
                        + " and (i.windowStart <= :floor or i.windowCount < :limit)")
                .setParameter("id", invite.getId()).setParameter("realm", realm.getId())
                .setParameter("now", now).setParameter("floor", windowFloor).setParameter("limit", joinsPerMinute)
                .executeUpdate();
        if (counted == 1) {
            return Optional.empty();
        }
        try {
            em.refresh(invite);
        } catch (EntityNotFoundException deleted) {
            return Optional.of(Refused.UNKNOWN);
        }
        // Usable again by the time it was read back (a new minute began): a race, worth a retry.
        return Optional.of(whyNot(invite, joinsPerMinute).orElse(Refused.TOO_MANY_JOINS));
    }

    /**
     * Why the invitation, as read, cannot be used now: ended (revoked or expired), used up, or this
     * minute's joins at the limit; empty when it can.
     */
    public static Optional<Refused> whyNot(InviteEntity invite, int joinsPerMinute) {
        long now = Time.currentTime();
        if (invite.getRevokedAt() != null || invite.getExpiresAt() <= now) {
            return Optional.of(Refused.ENDED);
        }
        if (invite.getMaxUses() != null && invite.getUses() >= invite.getMaxUses()) {
            return Optional.of(Refused.USED_UP);
        }
        if (invite.getWindowStart() > now - 60 && invite.getWindowCount() >= joinsPerMinute) {
            return Optional.of(Refused.TOO_MANY_JOINS);
        }
        return Optional.empty();
    }

    /** Whether the invitation can still be used at all (what the admin's list says): {@link #LIVE}. */
    public static boolean isLive(InviteEntity invite) {
        return invite.getRevokedAt() == null && invite.getExpiresAt() > Time.currentTime()
                && (invite.getMaxUses() == null || invite.getUses() < invite.getMaxUses());
    }

    /** A page of a user's live invitations, oldest first. */
    public List<InviteEntity> liveOf(String userId, Page page) {
        return em.createQuery("select i from InviteEntity i where i.realmId = :realm and i.createdBy = :user and" + LIVE
                        + " order by i.createdAt, i.id", InviteEntity.class)
                .setParameter("realm", realm.getId()).setParameter("user", userId).setParameter("now", (long) Time.currentTime())
                .setFirstResult(page.first()).setMaxResults(page.max()).getResultList();
    }

    /**
     * Deletes the invitations of every realm that ended (expired or revoked) before {@code before},
     * epoch seconds; how many. Run by {@link InviteCleanup}, on any node: a second run deletes nothing more.
     */
    public static int deleteEndedBefore(KeycloakSession session, long before) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("delete from InviteEntity i where i.expiresAt < :before or i.revokedAt < :before")
                .setParameter("before", before).executeUpdate();
    }

    /** A page of every invitation of the realm not yet deleted, newest first (the admin's view). */
    public List<InviteEntity> all(Page page) {
        return em.createQuery("select i from InviteEntity i where i.realmId = :realm order by i.createdAt desc, i.id", InviteEntity.class)
                .setParameter("realm", realm.getId()).setFirstResult(page.first()).setMaxResults(page.max()).getResultList();
    }

    /**
     * Revokes an invitation at once; {@code userId} null revokes any of the realm (the admin).
     * Whether there was one to revoke.
     */
    public boolean revoke(String id, String userId) {
        return em.createQuery("update InviteEntity i set i.revokedAt = :now where i.id = :id and i.realmId = :realm"
                        + " and i.revokedAt is null and (:user is null or i.createdBy = :user)")
                .setParameter("now", (long) Time.currentTime()).setParameter("id", id).setParameter("realm", realm.getId())
                .setParameter("user", userId).executeUpdate() == 1;
    }

    public Optional<InviteEntity> byId(String id) {
        InviteEntity invite = id == null || id.length() > 36 ? null : em.find(InviteEntity.class, id);
        return invite == null || !realm.getId().equals(invite.getRealmId()) ? Optional.empty() : Optional.of(invite);
    }

    /** An invitation as its host sees it (never its key, which is not kept). */
    public static Map<String, Object> view(InviteEntity invite) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", invite.getId());
        view.put("room", invite.getRoom());
        view.put("tenant", invite.getTenant() == null ? "" : invite.getTenant());
        view.put("name", invite.getGuestName());
        view.put("created_at", invite.getCreatedAt());
        view.put("expires_at", invite.getExpiresAt());
        view.put("uses", invite.getUses());
        view.put("max_uses", invite.getMaxUses());
        return view;
    }

    /** An invitation as an admin sees it: who made it, and whether and when it was revoked. */
    public static Map<String, Object> adminView(InviteEntity invite) {
        Map<String, Object> view = view(invite);
        view.put("created_by", invite.getCreatedBy());
        view.put("revoked_at", invite.getRevokedAt());
        view.put("live", isLive(invite));
        return view;
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
