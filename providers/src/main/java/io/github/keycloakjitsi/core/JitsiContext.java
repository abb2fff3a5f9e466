package io.github.keycloakjitsi.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    public static JitsiContext of(JitsiSettings settings, UserFacts user) {
        boolean moderator = isModerator(settings, user);
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
        claim.put("moderator", moderator);
        claim.put("affiliation", moderator ? OWNER : MEMBER);
        return claim;
    }

    /** "First Last" when the user has names, else the username. */
    static String displayName(UserFacts user) {
        String full = (nullToEmpty(user.firstName()).strip() + " " + nullToEmpty(user.lastName()).strip()).strip();
        return full.isEmpty() ? user.username() : full;
    }

    /** Every known feature, each explicitly true or false: Jitsi denies a missing key. */
    private static Map<String, Object> features(JitsiSettings settings, UserFacts user, boolean moderator) {
        Map<String, Object> claim = new LinkedHashMap<>();
        for (JitsiFeature feature : JitsiFeature.values()) {
            claim.put(feature.key(), isGranted(feature, settings, user, moderator));
        }
        return claim;
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
