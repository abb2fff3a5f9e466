package io.github.keycloakjitsi.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Jitsi rules: who is a moderator, which features a user gets, and what the token's
 * {@code context} claim holds. Both the protocol mapper and the token endpoint build their claims
 * here, so the two can never disagree.
 *
 * @param moderator whether the user is a moderator (room owner in Jitsi)
 * @param claim     the {@code context} claim: {@code user}, optionally {@code group} and {@code features}
 */
public record JitsiContext(boolean moderator, Map<String, Object> claim) {

    /** Jitsi's {@code mod_token_affiliation} makes {@code owner} a room owner, anything else a member. */
    public static final String OWNER = "owner";
    public static final String MEMBER = "member";
    /** The prefix of an invited guest's {@code context.user.id}: no user of the realm has it. */
    public static final String GUEST_ID_PREFIX = "guest:";

    /** For Keycloak's own tokens, which are good for every room: moderators by role and group. */
    public static JitsiContext of(JitsiSettings settings, UserFacts user) {
        return of(settings, user, isModerator(settings, user));
    }

    /** For a token of one room: moderators by role and group, and the owners of that room (the owners group). */
    public static JitsiContext forRoom(JitsiSettings settings, UserFacts user, RoomRequest room) {
        return of(settings, user, isModerator(settings, user) || ownsRoom(settings, user, room));
    }

    /**
     * For a guest invited into one room: a member, never a moderator, with the name the guest typed
     * (locked: feature name-readonly) and only the features the admin grants guests.
     */
    public static JitsiContext guest(JitsiSettings settings, String guestId, String name) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", GUEST_ID_PREFIX + guestId);
        user.put("name", name);
        user.put("moderator", false);
        user.put("affiliation", MEMBER);
        // Only what the admin granted guests: a feature left out takes the Jitsi client's default, as
        // for a guest without a token; an explicit false would switch it off (no chat, no screen sharing).
        Map<String, Object> features = new LinkedHashMap<>();
        Set<JitsiFeature> granted = settings.invites().guestFeatures();
        for (JitsiFeature feature : JitsiFeature.values()) {
            if (feature == JitsiFeature.NAME_READONLY || granted.contains(feature)) {
                features.put(feature.key(), true);
            }
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("user", Collections.unmodifiableMap(user));
        context.put("features", Collections.unmodifiableMap(features));
        return new JitsiContext(false, Collections.unmodifiableMap(context));
    }

    private static JitsiContext of(JitsiSettings settings, UserFacts user, boolean moderator) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("user", user(settings, user, moderator));
        String group = settings.groupAttribute() == null ? null : user.attribute(settings.groupAttribute());
        if (hasText(group)) {
            context.put("group", group);
        }
        if (settings.featuresEnabled()) {
            context.put("features", features(settings, user, moderator));
        }
        return new JitsiContext(moderator, Collections.unmodifiableMap(context));
    }

    static boolean isModerator(JitsiSettings settings, UserFacts user) {
        return (settings.moderatorRole() != null && user.hasRole(settings.moderatorRole()))
                || (settings.moderatorGroup() != null && user.isMemberOf(settings.moderatorGroup()));
    }

    /**
     * Whether the user owns the room through the owners group: a member of its child group named
     * like the room ({@code <owners>/<room>}), with a tenant of {@code <owners>/<tenant>/<room>}, or
     * of any group below that one. Decided on the group tree ({@link UserFacts#groupsBelow}), never
     * on a path string. A child of the owners group named like one of the realm's tenants is that
     * tenant's group, never the main domain's room of the same name. Room groups compare in the form
     * Jitsi sends room names ({@link RoomName#normalize}), tenant groups without case.
     */
    static boolean ownsRoom(JitsiSettings settings, UserFacts user, RoomRequest room) {
        if (settings.ownersGroup() == null || RoomRequest.WILDCARD.equals(room.room())) {
            return false;
        }
        List<String> tenants = settings.roomTokens().tenants();
        return user.groupsBelow(settings.ownersGroup()).anyMatch(names -> ownsThrough(names, room, tenants));
    }

    /** {@code names}: the group names below the owners group, down to one of the user's groups. */
    private static boolean ownsThrough(List<String> names, RoomRequest room, List<String> tenants) {
        if (names.isEmpty()) {
            return false;
        }
        String top = names.get(0).toLowerCase(Locale.ROOT);
        if (room.tenant() != null) {
            return top.equals(room.tenant()) && names.size() > 1 && RoomName.normalize(names.get(1)).equals(room.room());
        }
        return !tenants.contains(top) && RoomName.normalize(names.get(0)).equals(room.room());
    }

    /**
     * {@code context.user}. Every key here is broadcast to all participants of a meeting, so it
     * holds only what the admin chose to show, and never a null (Jitsi expects strings and booleans).
     */
    private static Map<String, Object> user(JitsiSettings settings, UserFacts user, boolean moderator) {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("id", user.id());
        claim.put("name", displayName(user));
        if (settings.includeEmail() && hasText(user.email())) {
            claim.put("email", user.email());
        }
        String avatar = settings.avatarAttribute() == null ? null : user.attribute(settings.avatarAttribute());
        if (hasText(avatar)) {
            claim.put("avatar", avatar);
        }
        if (settings.hiddenRole() != null && user.hasRole(settings.hiddenRole())) {
            claim.put("hidden-from-recorder", true);
        }
        claim.put("moderator", moderator);
        claim.put("affiliation", moderator ? OWNER : MEMBER);
        return Collections.unmodifiableMap(claim);
    }

    /** "First Last" when the user has names, else the username. */
    static String displayName(UserFacts user) {
        String full = (nullToEmpty(user.firstName()).strip() + " " + nullToEmpty(user.lastName()).strip()).strip();
        return full.isEmpty() ? user.username() : full;
    }

    /**
     * The features the admin decided (named in any of the feature settings), each true or false for
     * this user; a feature nobody was granted is left out. Jitsi's web client reads an absent
     * feature as its own default and an explicit false as off, so a feature the admin never named
     * stays as it is for anyone else; Prosody denies any feature missing from a present claim, so
     * leaving it out grants nothing on the server.
     */
    private static Map<String, Object> features(JitsiSettings settings, UserFacts user, boolean moderator) {
        Map<String, Object> claim = new LinkedHashMap<>();
        for (JitsiFeature feature : JitsiFeature.values()) {
            if (settings.decides(feature)) {
                claim.put(feature.key(), isGranted(feature, settings, user, moderator));
            }
        }
        return Collections.unmodifiableMap(claim);
    }

    private static boolean isGranted(JitsiFeature feature, JitsiSettings settings, UserFacts user, boolean moderator) {
        return settings.featuresForEveryone().contains(feature)
                || (moderator && settings.featuresForModerators().contains(feature))
                || settings.featuresByRole().getOrDefault(feature, List.of()).stream().anyMatch(user::hasRole);
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
