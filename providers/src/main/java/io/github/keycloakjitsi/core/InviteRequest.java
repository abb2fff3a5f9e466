package io.github.keycloakjitsi.core;

/**
 * What a host asks an invitation for, checked: the room (and tenant) like any room token, how long
 * it stays valid (at most the admin's longest validity), how often it may be used, the guest's
 * name if the host fixes it.
 *
 * @param room          the room and tenant (the room in Jitsi's form, for the token)
 * @param roomName      the room as the host typed it, for people to read ({@link RoomName#asTyped}), or null
 * @param validSeconds  how long the invitation stays valid
 * @param maxUses       how often it may be used, or null for as often as it is valid
 * @param name          the guest's display name, locked, or null to let the guest type one
 */
public record InviteRequest(RoomRequest room, String roomName, int validSeconds, Integer maxUses, String name) {

    /** A day, unless the host asks for another validity (never past the admin's longest). */
    public static final int DEFAULT_VALIDITY = 24 * 3600;

    public static InviteRequest parse(String room, String tenant, String validFor, String maxUses, String name,
                                      JitsiSettings settings) throws Refusal {
        InviteSettings invites = settings.invites();
        if (!invites.enabled()) {
            throw new Refusal(Refusal.FORBIDDEN, "invitations_disabled", "Invitations are not enabled in this realm.");
        }
        RoomRequest request = RoomRequest.parse(room, tenant, settings.roomTokens());
        if (request.room().equals(RoomRequest.WILDCARD)) {
            throw new Refusal(Refusal.BAD_REQUEST, "invalid_room", "An invitation is for one room, not *.");
        }
        int valid = WholeNumber.parameter(validFor, "valid_for", InviteSettings.MIN_VALIDITY, invites.maxValiditySeconds(),
                Math.min(DEFAULT_VALIDITY, invites.maxValiditySeconds()));
        Integer uses = maxUses == null || maxUses.isEmpty() ? null
                : WholeNumber.parameter(maxUses, "max_uses", 1, InviteSettings.MAX_USES, 0);
        String guestName = name == null || name.isEmpty() ? null : GuestName.check(name);
        return new InviteRequest(request, RoomName.asTyped(room), valid, uses, guestName);
    }
}
