package io.github.keycloakjitsi.invites;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An invitation as Keycloak's database keeps it (table JITSI_INVITE, created by the changelog
 * META-INF/jitsi-invites-changelog.xml). The link's key itself is never stored, only its SHA-256:
 * nobody reads a usable link back from the database, the admin API or an export.
 */
@Entity
@Table(name = "JITSI_INVITE")
public class InviteEntity {

    /** The public id: what the host and the admin list and revoke by. */
    @Id
    @Column(name = "ID", length = 36)
    private String id;

    /** SHA-256 (hex) of the key in the invitation link. */
    @Column(name = "KEY_HASH", length = 64, nullable = false, unique = true)
    private String keyHash;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    /** The id of the user (a host) who made it. */
    @Column(name = "CREATED_BY", length = 36, nullable = false)
    private String createdBy;

    /** The room in the form Jitsi sends it. */
    @Column(name = "ROOM", length = 1023, nullable = false)
    private String room;

    /** The room as the host typed it, for people to read (null for invitations made before it was kept). */
    @Column(name = "ROOM_NAME", length = 255)
    private String roomName;

    @Column(name = "TENANT", length = 63)
    private String tenant;

    /** The guest's display name, when the host fixed it. */
    @Column(name = "GUEST_NAME", length = 255)
    private String guestName;

    /** Epoch seconds. */
    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;

    @Column(name = "MAX_USES")
    private Integer maxUses;

    @Column(name = "USES", nullable = false)
    private int uses;

    @Column(name = "REVOKED_AT")
    private Long revokedAt;

    /** The current minute of the joins-per-minute limit: when it started, how many joins it had. */
    @Column(name = "WINDOW_START", nullable = false)
    private long windowStart;

    @Column(name = "WINDOW_COUNT", nullable = false)
    private int windowCount;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getKeyHash() {
        return keyHash;
    }

    public void setKeyHash(String keyHash) {
        this.keyHash = keyHash;
    }

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public void setCreatedBy(String createdBy) {
        this.createdBy = createdBy;
    }

    public String getRoom() {
        return room;
    }

    public void setRoom(String room) {
        this.room = room;
    }

    public String getRoomName() {
        return roomName;
    }

    public void setRoomName(String roomName) {
        this.roomName = roomName;
    }

    public String getTenant() {
        return tenant;
    }

    public void setTenant(String tenant) {
        this.tenant = tenant;
    }

    public String getGuestName() {
        return guestName;
    }

    public void setGuestName(String guestName) {
        this.guestName = guestName;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }

    public long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Integer getMaxUses() {
        return maxUses;
    }

    public void setMaxUses(Integer maxUses) {
        this.maxUses = maxUses;
    }

    public int getUses() {
        return uses;
    }

    public void setUses(int uses) {
        this.uses = uses;
    }

    public Long getRevokedAt() {
        return revokedAt;
    }

    public void setRevokedAt(Long revokedAt) {
        this.revokedAt = revokedAt;
    }

    public long getWindowStart() {
        return windowStart;
    }

    public void setWindowStart(long windowStart) {
        this.windowStart = windowStart;
    }

    public int getWindowCount() {
        return windowCount;
    }

    public void setWindowCount(int windowCount) {
        this.windowCount = windowCount;
    }
}
