package io.github.keycloakjitsi.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Jitsi settings an admin edits on the "Jitsi Meet" mapper, typed and checked. Read from the
 * mapper's config map (string keys and values, multi-values joined by {@code ##} as Keycloak
 * stores them). Keycloak drops empty values when it stores a mapper, so an absent key means "not
 * set"; the suggested values ({@link #DEFAULT_MODERATOR_ROLE}, {@link #DEFAULT_AVATAR_ATTRIBUTE})
 * are what the admin console fills in for a new mapper, and what the realm export sets.
 *
 * @param includeEmail          put {@code context.user.email} in the token
 * @param avatarAttribute       user attribute holding the avatar URL, or null for no avatar
 * @param moderatorRole         role that makes a moderator ({@code role} or {@code clientId.role}), or null
 * @param moderatorGroup        group path whose members (subgroups too) are moderators, or null
 * @param featuresForEveryone   features granted to every user
 * @param featuresForModerators features granted to moderators
 * @param featuresByRole        features granted to holders of a role
 * @param groupAttribute        user attribute copied to {@code context.group}, or null
 * @param audience              single {@code aud} replacing Keycloak's audience, or null to keep it
 * @param subject               {@code sub} replacing the user id, or null to keep it
 * @param room                  {@code room} claim, or null for none
 * @param roomTokens            settings of the realm's Jitsi token endpoint
 */
public record JitsiSettings(
        boolean includeEmail,
        String avatarAttribute,
        String moderatorRole,
        String moderatorGroup,
        Set<JitsiFeature> featuresForEveryone,
        Set<JitsiFeature> featuresForModerators,
        Map<JitsiFeature, List<String>> featuresByRole,
        String groupAttribute,
        String audience,
        String subject,
        String room,
        RoomTokenSettings roomTokens) {

    public static final String INCLUDE_EMAIL = "jitsi.user.email";
    public static final String AVATAR_ATTRIBUTE = "jitsi.user.avatar.attribute";
    public static final String MODERATOR_ROLE = "jitsi.moderator.role";
    public static final String MODERATOR_GROUP = "jitsi.moderator.group";
    public static final String FEATURES_EVERYONE = "jitsi.features.everyone";
    public static final String FEATURES_MODERATORS = "jitsi.features.moderators";
    public static final String FEATURES_BY_ROLE = "jitsi.features.by-role";
    public static final String GROUP_ATTRIBUTE = "jitsi.group.attribute";
    public static final String AUDIENCE = "jitsi.aud";
    public static final String SUBJECT = "jitsi.sub";
    public static final String ROOM = "jitsi.room";

    public static final String DEFAULT_AVATAR_ATTRIBUTE = "picture";
    public static final String DEFAULT_MODERATOR_ROLE = "jitsi-moderator";

    /** How Keycloak joins the values of a multi-valued setting. */
    static final String MULTI_VALUE_DELIMITER = "##";

    private static final int MAX_LENGTH = 255;

    public JitsiSettings {
        featuresForEveryone = Collections.unmodifiableSet(featuresForEveryone);
        featuresForModerators = Collections.unmodifiableSet(featuresForModerators);
        featuresByRole = Collections.unmodifiableMap(featuresByRole);
    }

    /** Whether tokens carry {@code context.features}: only once the admin grants a feature. */
    public boolean featuresEnabled() {
        return !featuresForEveryone.isEmpty() || !featuresForModerators.isEmpty() || !featuresByRole.isEmpty();
    }

    /** The settings of a new mapper in the admin console: its suggested values, nothing else set. */
    public static JitsiSettings defaults() {
        try {
            return parse(Map.of(MODERATOR_ROLE, DEFAULT_MODERATOR_ROLE, AVATAR_ATTRIBUTE, DEFAULT_AVATAR_ATTRIBUTE));
        } catch (InvalidSettingsException e) {
            throw new IllegalStateException("defaults must be valid", e);
        }
    }

    /** Reads and checks the settings on their own (no realm look-ups): cheap enough for every token. */
    public static JitsiSettings parse(Map<String, String> config) throws InvalidSettingsException {
        return new Reader(config).read();
    }

    /**
     * Reads and checks the settings, and that the roles and groups they name exist: what the admin
     * console runs when the mapper is saved.
     */
    public static JitsiSettings validate(Map<String, String> config, RealmDirectory realm) throws InvalidSettingsException {
        Reader reader = new Reader(config);
        JitsiSettings settings = reader.read();
        reader.checkReferences(settings, realm);
        return settings;
    }

    /** Parses one config map, collecting every problem before it reports them together. */
    private static final class Reader {
        private final Map<String, String> config;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> config) {
            this.config = config == null ? Map.of() : config;
        }

        JitsiSettings read() throws InvalidSettingsException {
            JitsiSettings settings = new JitsiSettings(
                    bool(INCLUDE_EMAIL, true),
                    name(AVATAR_ATTRIBUTE, "Avatar attribute"),
                    name(MODERATOR_ROLE, "Moderator role"),
                    name(MODERATOR_GROUP, "Moderator group"),
                    features(FEATURES_EVERYONE, "Features for everyone"),
                    features(FEATURES_MODERATORS, "Features for moderators"),
                    featuresByRole(),
                    name(GROUP_ATTRIBUTE, "Group attribute"),
                    name(AUDIENCE, "Audience (aud)"),
                    name(SUBJECT, "Subject (sub)"),
                    room(),
                    roomTokens());
            if (settings.room() != null && settings.subject() == null) {
                problems.add("A token with a room claim must pass the domain verification: set \"Subject (sub)\" "
                        + "to the Jitsi domain, the tenant or *.");
            }
            throwIfAny();
            return settings;
        }

        void checkReferences(JitsiSettings settings, RealmDirectory realm) throws InvalidSettingsException {
            if (settings.moderatorRole() != null && !realm.roleExists(settings.moderatorRole())) {
                problems.add("Moderator role \"" + settings.moderatorRole() + "\" does not exist in this realm.");
            }
            if (settings.moderatorGroup() != null && !realm.groupExists(settings.moderatorGroup())) {
                problems.add("Moderator group \"" + settings.moderatorGroup() + "\" does not exist in this realm.");
            }
            String requiredRole = settings.roomTokens().requiredRole();
            if (requiredRole != null && !realm.roleExists(requiredRole)) {
                problems.add("Token endpoint role \"" + requiredRole + "\" does not exist in this realm.");
            }
            settings.featuresByRole().values().stream().flatMap(List::stream).distinct()
                    .filter(role -> !realm.roleExists(role))
                    .forEach(role -> problems.add("Role \"" + role + "\" in \"Features by role\" does not exist in this realm."));
            throwIfAny();
        }

        private void throwIfAny() throws InvalidSettingsException {
            if (!problems.isEmpty()) {
                throw new InvalidSettingsException(problems);
            }
        }

        /** A switch; the console stores "true" or "false", absent takes the default. */
        private boolean bool(String key, boolean defaultValue) {
            String value = config.get(key);
            if (value == null || value.isEmpty()) {
                return defaultValue;
            }
            if (!value.equals("true") && !value.equals("false")) {
                problems.add("\"" + key + "\" must be true or false, not \"" + value + "\".");
                return defaultValue;
            }
            return Boolean.parseBoolean(value);
        }

        /** A single name-like value, or null when not set. */
        private String name(String key, String label) {
            String value = config.get(key);
            if (value == null || value.isEmpty()) {
                return null;
            }
            if (value.length() > MAX_LENGTH) {
                problems.add("\"" + label + "\" is longer than " + MAX_LENGTH + " characters.");
            } else if (!value.equals(value.strip()) || value.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
                problems.add("\"" + label + "\" must not contain spaces or control characters: \"" + value + "\".");
            }
            return value;
        }

        private String room() {
            String room = name(ROOM, "Room");
            if (room != null && !room.equals("*") && !RoomName.isNormalized(room)) {
                problems.add("\"Room\" must be * or a room name as Jitsi sends it (lower case, URI-encoded), e.g. \""
                        + RoomName.normalize(room) + "\" instead of \"" + room + "\".");
            }
            return room;
        }

        private RoomTokenSettings roomTokens() {
            RoomTokenSettings.Algorithm algorithm = algorithm();
            String secret = config.get(RoomTokenSettings.SECRET);
            secret = secret == null || secret.isEmpty() ? null : secret;
            if (algorithm == RoomTokenSettings.Algorithm.HS256 && secret == null) {
                problems.add("HS256 needs \"Token endpoint: shared secret\" (the secret, or a vault reference ${vault.name}).");
            }
            if (secret != null && !isVaultReference(secret) && secret.length() < RoomTokenSettings.MIN_SECRET_LENGTH) {
                problems.add("\"Token endpoint: shared secret\" must be at least " + RoomTokenSettings.MIN_SECRET_LENGTH
                        + " characters (HS256 needs a 256-bit key), or a vault reference ${vault.name}.");
            }
            String audience = name(RoomTokenSettings.AUDIENCE, "Token endpoint: audience");
            return new RoomTokenSettings(
                    jitsiUrl(),
                    lifetime(),
                    name(RoomTokenSettings.ISSUER, "Token endpoint: issuer"),
                    audience != null ? audience : RoomTokenSettings.DEFAULT_AUDIENCE,
                    name(RoomTokenSettings.SUBJECT, "Token endpoint: subject"),
                    algorithm,
                    secret,
                    bool(RoomTokenSettings.WILDCARD, false),
                    name(RoomTokenSettings.REQUIRED_ROLE, "Token endpoint: required role"));
        }

        private static boolean isVaultReference(String value) {
            return value.startsWith("${vault.") && value.endsWith("}");
        }

        /** An absolute http(s) URL without query or fragment; a trailing slash is dropped. */
        private java.net.URI jitsiUrl() {
            String value = name(RoomTokenSettings.JITSI_URL, "Jitsi URL");
            if (value == null) {
                return null;
            }
            try {
                java.net.URI uri = new java.net.URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
                if ((!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) || uri.getHost() == null
                        || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                    throw new java.net.URISyntaxException(value, "not an http(s) base URL");
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                problems.add("\"Jitsi URL\" must be the address of Jitsi Meet, like https://meet.example.com, not \"" + value + "\".");
                return null;
            }
        }

        private int lifetime() {
            String value = config.get(RoomTokenSettings.LIFETIME);
            if (value == null || value.isEmpty()) {
                return RoomTokenSettings.DEFAULT_LIFETIME;
            }
            try {
                int seconds = Integer.parseInt(value.strip());
                if (seconds >= RoomTokenSettings.MIN_LIFETIME && seconds <= RoomTokenSettings.MAX_LIFETIME) {
                    return seconds;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add("\"Token endpoint: lifetime\" must be a number of seconds from " + RoomTokenSettings.MIN_LIFETIME
                    + " to " + RoomTokenSettings.MAX_LIFETIME + ", not \"" + value + "\".");
            return RoomTokenSettings.DEFAULT_LIFETIME;
        }

        private RoomTokenSettings.Algorithm algorithm() {
            String value = config.get(RoomTokenSettings.ALGORITHM);
            if (value == null || value.isEmpty()) {
                return RoomTokenSettings.Algorithm.RS256;
            }
            try {
                return RoomTokenSettings.Algorithm.valueOf(value);
            } catch (IllegalArgumentException e) {
                problems.add("\"Token endpoint: algorithm\" must be RS256 or HS256 (what Prosody supports), not \"" + value + "\".");
                return RoomTokenSettings.Algorithm.RS256;
            }
        }

        private List<String> values(String key) {
            String value = config.get(key);
            if (value == null || value.isBlank()) {
                return List.of();
            }
            return Arrays.stream(value.split(MULTI_VALUE_DELIMITER)).map(String::strip).filter(v -> !v.isEmpty()).toList();
        }

        private Set<JitsiFeature> features(String key, String label) {
            Set<JitsiFeature> features = EnumSet.noneOf(JitsiFeature.class);
            for (String name : values(key)) {
                JitsiFeature.fromKey(name).ifPresentOrElse(features::add, () -> unknownFeature(label, name));
            }
            return features;
        }

        private Map<JitsiFeature, List<String>> featuresByRole() {
            Map<JitsiFeature, List<String>> grants = new LinkedHashMap<>();
            for (String entry : values(FEATURES_BY_ROLE)) {
                int eq = entry.indexOf('=');
                String feature = eq < 0 ? "" : entry.substring(0, eq).strip();
                String role = eq < 0 ? "" : entry.substring(eq + 1).strip();
                if (feature.isEmpty() || role.isEmpty()) {
                    problems.add("\"Features by role\" entries are written feature=role (e.g. recording=jitsi-recorder), not \"" + entry + "\".");
                    continue;
                }
                JitsiFeature.fromKey(feature).ifPresentOrElse(
                        f -> grants.computeIfAbsent(f, k -> new ArrayList<>()).add(role),
                        () -> unknownFeature("Features by role", feature));
            }
            return grants;
        }

        private void unknownFeature(String label, String name) {
            problems.add("\"" + label + "\" names an unknown Jitsi feature \"" + name + "\"; known features: "
                    + Arrays.stream(JitsiFeature.values()).map(JitsiFeature::key).collect(Collectors.joining(", ")) + ".");
        }
    }
}
