package io.github.keycloakjitsi.invites;

/**
 * An invitation as the pages show it to its host and to the realm's admins: never its link (only a
 * hash of the link's key is kept).
 *
 * @param id        the public id, what it is revoked by
 * @param roomName  the room as people read it: as the host typed it, else Jitsi's form read back
 * @param room      the room in Jitsi's form (what the guest token names)
 * @param tenant    the tenant, or null
 * @param guestName the guest's name when the host fixed it, else null
 * @param hostId    the id of the user who made it
 * @param createdAt epoch seconds
 * @param expiresAt epoch seconds
 * @param uses      how often it was used
 * @param maxUses   how often it may be used, or null for as often as it is valid
 * @param revokedAt epoch seconds, or null
 * @param state     where it stands now
 */
public record InviteSummary(String id, String roomName, String room, String tenant, String guestName, String hostId,
                            long createdAt, long expiresAt, int uses, Integer maxUses, Long revokedAt, State state) {

    /** Live until it is revoked, expires or is used up. */
    public enum State { LIVE, REVOKED, EXPIRED, USED_UP }

    /** Uses left, or null when it has no limit. */
    public Integer usesLeft() {
        return maxUses == null ? null : Math.max(0, maxUses - uses);
    }
}
