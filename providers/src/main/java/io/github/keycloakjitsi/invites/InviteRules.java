package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.core.Refusal;
import io.github.keycloakjitsi.core.RoomName;
import io.github.keycloakjitsi.core.Sha256;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of an invitation, each written once (pure; {@link InviteStore} holds the rows): what a
 * link's key looks like and how it is kept, when an invitation is live, how often it may be used
 * per minute, why a use is refused, and what a host and an admin see of it.
 */
final class InviteRules {

    /** Keys are 32 random letters and digits (190 bits); anything else opens no invitation and is not looked up. */
    static final int KEY_LENGTH = 32;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]{" + KEY_LENGTH + "}");
    /** The joins-per-minute limit counts uses in windows of this many seconds. */
    static final long WINDOW_SECONDS = 60;

    /**
     * Live, in JPQL over {@code i} and {@code :now}: {@link #whyNotLive}'s rule for the database
     * (lists, counts and the atomic use). Not revoked, not expired, uses left.
     */
    static final String LIVE = "i.revokedAt is null and i.expiresAt > :now and (i.maxUses is null or i.uses < i.maxUses)";
    /** The window has room, in JPQL over {@code :floor} ({@code now - WINDOW_SECONDS}) and {@code :limit}: {@link #whyNot}'s last rule. */
    static final String WINDOW_HAS_ROOM = "(i.windowStart <= :floor or i.windowCount < :limit)";

    /** Why a use was refused. */
    enum Refused { UNKNOWN, ENDED, USED_UP, TOO_MANY_JOINS }

    private InviteRules() {
    }

    static boolean isKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /** What the database keeps of a key: its SHA-256, so a copy of the table opens nothing. */
    static String keyHash(String key) {
        return Sha256.hex(key);
    }

    /** Ended (revoked or expired) or used up, at {@code now}; empty while live. */
    static Optional<Refused> whyNotLive(InviteEntity invite, long now) {
        if (invite.getRevokedAt() != null || invite.getExpiresAt() <= now) {
            return Optional.of(Refused.ENDED);
        }
        if (invite.getMaxUses() != null && invite.getUses() >= invite.getMaxUses()) {
            return Optional.of(Refused.USED_UP);
        }
        return Optional.empty();
    }

    static boolean isLive(InviteEntity invite, long now) {
        return whyNotLive(invite, now).isEmpty();
    }

    /** Why the invitation, as read, cannot be used at {@code now}: not live, or this minute's joins at the limit; empty when it can. */
    static Optional<Refused> whyNot(InviteEntity invite, long now, int joinsPerMinute) {
        Optional<Refused> ended = whyNotLive(invite, now);
        if (ended.isPresent()) {
            return ended;
        }
        if (invite.getWindowStart() > now - WINDOW_SECONDS && invite.getWindowCount() >= joinsPerMinute) {
            return Optional.of(Refused.TOO_MANY_JOINS);
        }
        return Optional.empty();
    }

    /** Where an invitation stands at {@code now}, as its host and the admins read it. */
    static InviteSummary.State state(InviteEntity invite, long now) {
        if (invite.getRevokedAt() != null) {
            return InviteSummary.State.REVOKED;
        }
        if (invite.getExpiresAt() <= now) {
            return InviteSummary.State.EXPIRED;
        }
        if (invite.getMaxUses() != null && invite.getUses() >= invite.getMaxUses()) {
            return InviteSummary.State.USED_UP;
        }
        return InviteSummary.State.LIVE;
    }

    /** The invitation for the pages: its room as people read it, its times, uses and state at {@code now}. */
    static InviteSummary summary(InviteEntity invite, long now) {
        return new InviteSummary(invite.getId(), RoomName.forPeople(invite.getRoomName(), invite.getRoom()), invite.getRoom(),
                invite.getTenant(), invite.getGuestName(), invite.getCreatedBy(), invite.getCreatedAt(), invite.getExpiresAt(),
                invite.getUses(), invite.getMaxUses(), invite.getRevokedAt(), state(invite, now));
    }

    /** What the guest is told, and the event records; it knows the invitation (its meeting), when there is one. */
    static InviteRefusal refusal(Refused why, InviteEntity invite) {
        return new InviteRefusal(refusal(why), invite);
    }

    /** What the guest is told, and the event records. */
    static Refusal refusal(Refused why) {
        return switch (why) {
            case UNKNOWN -> new Refusal(Refusal.NOT_FOUND, "invite_not_found", "This invitation link is not valid.",
                    "no invitation has this key");
            case ENDED -> new Refusal(Refusal.GONE, "invite_ended", "This invitation has expired or was revoked.");
            case USED_UP -> new Refusal(Refusal.GONE, "invite_used_up", "This invitation has been used as often as it may be.");
            case TOO_MANY_JOINS -> new Refusal(Refusal.TOO_MANY_REQUESTS, "slow_down",
                    "Too many people joined with this invitation in the last minute; try again in a minute.");
        };
    }

    /** An invitation as its host sees it (never its key, which is not kept). */
    static Map<String, Object> view(InviteEntity invite) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", invite.getId());
        view.put("room", invite.getRoom());
        view.put("room_name", RoomName.forPeople(invite.getRoomName(), invite.getRoom()));
        view.put("tenant", invite.getTenant() == null ? "" : invite.getTenant());
        view.put("name", invite.getGuestName());
        view.put("created_at", invite.getCreatedAt());
        view.put("expires_at", invite.getExpiresAt());
        view.put("uses", invite.getUses());
        view.put("max_uses", invite.getMaxUses());
        return view;
    }

    /** An invitation as an admin sees it at {@code now}: who made it, whether and when it was revoked, whether it is live. */
    static Map<String, Object> adminView(InviteEntity invite, long now) {
        Map<String, Object> view = view(invite);
        view.put("created_by", invite.getCreatedBy());
        view.put("revoked_at", invite.getRevokedAt());
        view.put("live", isLive(invite, now));
        view.put("state", state(invite, now).name().toLowerCase(java.util.Locale.ROOT));
        return view;
    }
}
