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
import java.util.stream.Stream;

import static io.github.keycloakjitsi.core.SettingsReader.quote;

/**
 * The Jitsi settings an admin edits on the "Jitsi Meet" mapper, typed and checked. Each setting is
 * described once ({@link Setting}): the claim settings here, the token endpoint's in
 * {@link RoomTokenSettings}; the admin form ({@link #all()}) and the parser are built from those
 * descriptions. Read from the mapper's config map (string keys and values, multi-values joined by
 * {@code ##} as Keycloak stores them); Keycloak drops empty values when it stores a mapper, so an
 * absent key takes the setting's default, which for most settings is "not set".
 *
 * @param includeEmail          put {@code context.user.email} in the token
 * @param avatarAttribute       user attribute holding the avatar URL, or null for no avatar
 * @param moderatorRole         role that makes a moderator ({@code role} or {@code clientId.role}), or null
 * @param moderatorGroup        group path whose members (subgroups too) are moderators, or null
 * @param featuresForEveryone   features granted to every user
 * @param featuresForModerators features granted to moderators
 * @param featuresByRole        features granted to holders of a role
 * @param groupAttribute        user attribute copied to {@code context.group}, or null
 * @param audience              the Jitsi audience: the one {@code aud} of every token meant for Jitsi
 * @param subject               {@code sub} replacing the user id, or null to keep it
 * @param room                  {@code room} claim, or null for none
 * @param ownersGroup           parent group whose subgroup named like a room makes its members owners of that room, or null
 * @param hiddenRole            role whose holders are hidden from the recorder, or null
 * @param roomTokens            settings of the realm's Jitsi token endpoint
 * @param invites               settings of invitations
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
        String ownersGroup,
        String hiddenRole,
        RoomTokenSettings roomTokens,
        InviteSettings invites) {

    private static final List<String> FEATURE_KEYS = Arrays.stream(JitsiFeature.values()).map(JitsiFeature::key).toList();

    public static final Setting MODERATOR_ROLE = Setting.of("jitsi.moderator.role", "Moderator role", Setting.Type.ROLE,
            "Users holding this role (realm role, or client role as clientId.role; through groups and composite roles too) "
                    + "are moderators: context.user.moderator=true and affiliation=owner. Empty: no role makes moderators.")
            .suggesting("jitsi-moderator");
    public static final Setting MODERATOR_GROUP = Setting.of("jitsi.moderator.group", "Moderator group", Setting.Type.GROUP,
            "Members of this group, or of any of its subgroups, are moderators too. Optional.");
    public static final Setting INCLUDE_EMAIL = Setting.of("jitsi.user.email", "Share email", Setting.Type.BOOLEAN,
            "Put the user's email in context.user.email. Off by default: every context.user value is shown to all "
                    + "participants of a meeting.")
            .withDefault("false");
    public static final Setting AVATAR_ATTRIBUTE = Setting.of("jitsi.user.avatar.attribute", "Avatar attribute", Setting.Type.STRING,
            "User attribute holding the avatar URL for context.user.avatar; left out when the user has none. Empty: no avatar.")
            .suggesting("picture");
    public static final Setting GROUP_ATTRIBUTE = Setting.of("jitsi.group.attribute", "Group attribute", Setting.Type.STRING,
            "User attribute copied to context.group (Jitsi's group, e.g. for breakout or reporting). Optional.");
    public static final Setting FEATURES_EVERYONE = Setting.of("jitsi.features.everyone", "Features for everyone",
                    Setting.Type.MULTIVALUED_LIST,
                    "Jitsi features every signed-in user gets. Granting any feature here or below adds context.features "
                            + "with each feature named in these three settings true or false; Prosody then denies what is not "
                            + "granted, to moderators too, and Jitsi's client keeps its own default for a feature named nowhere. "
                            + "Leave all three empty to let Jitsi decide (moderators get everything).")
            .withOptions(FEATURE_KEYS);
    public static final Setting FEATURES_MODERATORS = Setting.of("jitsi.features.moderators", "Features for moderators",
                    Setting.Type.MULTIVALUED_LIST, "Jitsi features moderators get (see 'Features for everyone').")
            .withOptions(FEATURE_KEYS);
    public static final Setting FEATURES_BY_ROLE = Setting.of("jitsi.features.by-role", "Features by role", Setting.Type.MULTIVALUED_STRING,
            "Entries feature=role, e.g. recording=jitsi-recorder or livestreaming=jitsi.streamer: holders of the role get "
                    + "the feature. Known features: " + String.join(", ", FEATURE_KEYS) + ".");
    /** The Jitsi audience of a new mapper: no client of a realm has this id, so Keycloak never writes it on its own. */
    public static final String DEFAULT_AUDIENCE = "jitsi-meet";
    /**
     * Client ids Keycloak creates in every realm, and this bundle's: Keycloak writes client ids into
     * the {@code aud} of other clients' tokens (every account console token carries {@code account}),
     * so none of them can be the Jitsi audience.
     */
    static final List<String> CLIENT_IDS_OF_EVERY_REALM = List.of("account", "account-console", "admin-cli", "broker",
            "realm-management", "security-admin-console", "jitsi", "jitsi-join", "jitsi-meetings");
    public static final Setting AUDIENCE = Setting.of("jitsi.aud", "Jitsi audience (aud)", Setting.Type.STRING,
                    "The aud of every token meant for Jitsi: client jitsi's access tokens (only for users who may host), room "
                            + "tokens and guest tokens. Prosody's asap_accepted_audiences must list this one value and nothing else. "
                            + "No client of the realm may have it as its id: Keycloak writes client ids into the aud of other "
                            + "clients' tokens (account, for one, in the account console's), and Prosody would take those. Default: "
                            + DEFAULT_AUDIENCE + ".")
            .withDefault(DEFAULT_AUDIENCE);
    /** The room tokens' audience before there was one Jitsi audience: still refused, so nobody keeps a second one by mistake. */
    static final Setting FORMER_ROOM_TOKEN_AUDIENCE = Setting.of("jitsi.token.audience", "Token endpoint: audience (aud)",
            Setting.Type.STRING, "Replaced by 'Jitsi audience (aud)'.");
    public static final Setting SUBJECT = Setting.of("jitsi.sub", "Subject (sub)", Setting.Type.STRING,
            "Replaces the access token's sub: the Jitsi domain, the tenant, or *. Needed with a room claim, since "
                    + "Prosody's domain verification matches the room against sub. Empty: keep the user id.");
    public static final Setting ROOM = Setting.of("jitsi.room", "Room", Setting.Type.STRING,
            "The access token's room claim: * for every room, or one room's name as people type it (Weekly Sync; Jitsi's "
                    + "form weekly%20sync works too; the token carries Jitsi's form). Needs 'Subject (sub)'. Empty: no room claim "
                    + "(set asap_require_room_claim = false).");

    public static final Setting OWNERS_GROUP = Setting.of("jitsi.owners.group", "Room owners: parent group", Setting.Type.GROUP,
            "Members of its subgroup named like a room (e.g. /meetings/Weekly Sync) are owners of that room only, in room tokens "
                    + "from /jitsi/token and /jitsi/join; with tenants, /meetings/<tenant>/<room>. Names match as Jitsi sends them "
                    + "(Café Team and caf%c3%a9%20team are one room). Other rooms: the usual moderator rules. Optional.");
    public static final Setting HIDDEN_ROLE = Setting.of("jitsi.hidden.role", "Hidden from recorder: role", Setting.Type.ROLE,
            "Holders of this role (interpreters, observers) get context.user.hidden-from-recorder = true: Jitsi's recorder "
                    + "leaves them out. Optional.");

    /** The claim settings, in the order the admin console shows them. */
    static final List<Setting> CLAIM_SETTINGS = List.of(MODERATOR_ROLE, MODERATOR_GROUP, OWNERS_GROUP, INCLUDE_EMAIL, AVATAR_ATTRIBUTE,
            GROUP_ATTRIBUTE, HIDDEN_ROLE, FEATURES_EVERYONE, FEATURES_MODERATORS, FEATURES_BY_ROLE, AUDIENCE, SUBJECT, ROOM);

    public JitsiSettings {
        featuresForEveryone = Collections.unmodifiableSet(featuresForEveryone);
        featuresForModerators = Collections.unmodifiableSet(featuresForModerators);
        featuresByRole = Collections.unmodifiableMap(featuresByRole);
    }

    /** Every setting of the mapper, claims first, then the token endpoint's: what the admin form shows. */
    public static List<Setting> all() {
        return Stream.of(CLAIM_SETTINGS, RoomTokenSettings.SETTINGS, InviteSettings.SETTINGS).flatMap(List::stream).toList();
    }

    /**
     * Whether a value can go into Prosody's, config.js's and docker-jitsi-meet's settings as it is
     * (between quotes, in a list): letters, digits and {@code . _ : / -} only.
     */
    public static boolean isSnippetSafe(String value) {
        return value != null && SettingsReader.SNIPPET_SAFE.matcher(value).matches();
    }

    /** Why someone may not host. */
    public enum NotAHost { DISABLED, MISSING_ROLE }

    /**
     * Who may host (start meetings): an enabled user holding the host role, when one is set. The
     * one rule behind every token meant for Jitsi: client jitsi's access tokens (the mapper leaves
     * out the Jitsi audience otherwise, in every grant), room tokens and invitations.
     *
     * @return why the user may not host, or empty when they may
     */
    public java.util.Optional<NotAHost> whyNotAHost(UserFacts user) {
        if (!user.enabled()) {
            return java.util.Optional.of(NotAHost.DISABLED);
        }
        String role = roomTokens.requiredRole();
        return role != null && !user.hasRole(role) ? java.util.Optional.of(NotAHost.MISSING_ROLE) : java.util.Optional.empty();
    }

    /** Whether the admin named the feature in a feature setting of users (everyone, moderators, by role). */
    public boolean decides(JitsiFeature feature) {
        return featuresForEveryone.contains(feature) || featuresForModerators.contains(feature) || featuresByRole.containsKey(feature);
    }

    /** Whether tokens carry {@code context.features}: only once the admin grants a feature. */
    public boolean featuresEnabled() {
        return !featuresForEveryone.isEmpty() || !featuresForModerators.isEmpty() || !featuresByRole.isEmpty();
    }

    /** The settings of a new mapper in the admin console: what the form starts with, nothing else set. */
    public static JitsiSettings defaults() {
        Map<String, String> initial = new LinkedHashMap<>();
        all().stream().filter(s -> s.suggestion() != null).forEach(s -> initial.put(s.key(), s.suggestion()));
        try {
            return parse(initial);
        } catch (InvalidSettingsException e) {
            throw new IllegalStateException("defaults must be valid", e);
        }
    }

    /** Reads and checks the settings on their own (no realm look-ups): cheap enough for every token. */
    public static JitsiSettings parse(Map<String, String> config) throws InvalidSettingsException {
        SettingsReader reader = new SettingsReader(config);
        JitsiSettings settings = read(reader);
        reader.throwIfAny();
        return settings;
    }

    /**
     * Reads and checks the settings, and that the roles, groups and clients they name exist: what
     * the admin console runs when the mapper is saved.
     */
    public static JitsiSettings validate(Map<String, String> config, RealmDirectory realm) throws InvalidSettingsException {
        JitsiSettings settings = parse(config);
        SettingsReader references = new SettingsReader(config);
        checkReferences(settings, realm, references);
        references.throwIfAny();
        return settings;
    }

    private static JitsiSettings read(SettingsReader reader) {
        JitsiSettings settings = new JitsiSettings(
                reader.bool(INCLUDE_EMAIL),
                reader.name(AVATAR_ATTRIBUTE),
                reader.name(MODERATOR_ROLE),
                reader.name(MODERATOR_GROUP),
                features(reader, FEATURES_EVERYONE),
                features(reader, FEATURES_MODERATORS),
                featuresByRole(reader),
                reader.name(GROUP_ATTRIBUTE),
                audience(reader),
                reader.name(SUBJECT),
                room(reader),
                reader.name(OWNERS_GROUP),
                reader.name(HIDDEN_ROLE),
                RoomTokenSettings.read(reader),
                InviteSettings.read(reader, FEATURE_KEYS));
        if (settings.room() != null && settings.subject() == null) {
            reader.problem("A token with a room claim must pass the domain verification: set " + quote(SUBJECT)
                    + " to the Jitsi domain, the tenant or *.");
        }
        return settings;
    }

    private static void checkReferences(JitsiSettings settings, RealmDirectory realm, SettingsReader problems) {
        if (settings.moderatorRole() != null && !realm.roleExists(settings.moderatorRole())) {
            problems.problem("Moderator role \"" + settings.moderatorRole() + "\" does not exist in this realm.");
        }
        if (settings.moderatorGroup() != null && !realm.groupExists(settings.moderatorGroup())) {
            problems.problem("Moderator group \"" + settings.moderatorGroup() + "\" does not exist in this realm.");
        }
        if (settings.ownersGroup() != null && !realm.groupExists(settings.ownersGroup())) {
            problems.problem("Room owners group \"" + settings.ownersGroup() + "\" does not exist in this realm.");
        }
        if (settings.hiddenRole() != null && !realm.roleExists(settings.hiddenRole())) {
            problems.problem("Hidden from recorder role \"" + settings.hiddenRole() + "\" does not exist in this realm.");
        }
        settings.featuresByRole().values().stream().flatMap(List::stream).distinct()
                .filter(role -> !realm.roleExists(role))
                .forEach(role -> problems.problem("Role \"" + role + "\" in " + quote(FEATURES_BY_ROLE) + " does not exist in this realm."));
        if (realm.clientExists(settings.audience())) {
            problems.problem(quote(AUDIENCE) + " \"" + settings.audience() + "\" is the id of a client of this realm: Keycloak writes it "
                    + "into the aud of other clients' tokens, and Prosody would take those. Use a name no client has.");
        }
        realm.audienceWriters(settings.audience()).forEach(writer -> problems.problem(quote(AUDIENCE) + " \"" + settings.audience()
                + "\" is also written into tokens by " + writer + ": remove that, or Prosody takes its tokens as Jitsi's."));
        settings.roomTokens().checkReferences(realm, problems);
    }

    private static String audience(SettingsReader reader) {
        if (reader.isSet(FORMER_ROOM_TOKEN_AUDIENCE)) {
            reader.problem(quote(FORMER_ROOM_TOKEN_AUDIENCE) + " is gone: every token meant for Jitsi now carries the one "
                    + quote(AUDIENCE) + ". Remove it (Prosody's asap_accepted_audiences lists only the Jitsi audience).");
        }
        String audience = reader.name(AUDIENCE);
        if (audience == null) {
            return DEFAULT_AUDIENCE;
        }
        if (audience.equals("*") || CLIENT_IDS_OF_EVERY_REALM.contains(audience)) {
            reader.problem(quote(AUDIENCE) + " cannot be \"" + audience + "\": " + (audience.equals("*")
                    ? "it stands for every audience."
                    : "it is the id of a client every realm has (Keycloak's own, or this bundle's jitsi, jitsi-join and jitsi-meetings), and "
                    + "Keycloak writes client ids into the aud of other clients' tokens, which Prosody would then take.")
                    + " Use a name no client has, such as " + DEFAULT_AUDIENCE + ".");
        } else {
            reader.snippetSafe(AUDIENCE, audience);
        }
        return audience;
    }

    /**
     * The room claim: {@code *}, or one room in Jitsi's form. The admin types a room's name as
     * people type it ({@code Weekly Sync}) or Jitsi's form ({@code weekly%20sync}); both read as
     * Jitsi's form, checked like any room a token is asked for. A name that cannot be a room says why
     * and what to type instead.
     */
    private static String room(SettingsReader reader) {
        String room = reader.raw(ROOM);
        if (room == null) {
            return null;
        }
        if (room.length() > RoomRequest.MAX_ROOM_LENGTH) {
            reader.problem(quote(ROOM) + " is longer than a room name can be. Type * for every room, or one room's name "
                    + "as people type it, such as Weekly Sync.");
            return null;
        }
        try {
            return RoomRequest.parse(room, null, true, List.of()).room();
        } catch (Refusal refused) {
            reader.problem(quote(ROOM) + " cannot be \"" + room + "\": " + refused.getMessage() + " Type * for every room, "
                    + "or one room's name as people type it, such as Weekly Sync (Jitsi's form weekly%20sync works too).");
            return null;
        }
    }

    private static Set<JitsiFeature> features(SettingsReader reader, Setting setting) {
        Set<JitsiFeature> features = EnumSet.noneOf(JitsiFeature.class);
        for (String name : reader.values(setting)) {
            JitsiFeature.fromKey(name).ifPresentOrElse(features::add, () -> unknownFeature(reader, setting, name));
        }
        return features;
    }

    private static Map<JitsiFeature, List<String>> featuresByRole(SettingsReader reader) {
        Map<JitsiFeature, List<String>> grants = new LinkedHashMap<>();
        for (String entry : reader.values(FEATURES_BY_ROLE)) {
            int eq = entry.indexOf('=');
            String feature = eq < 0 ? "" : entry.substring(0, eq).strip();
            String role = eq < 0 ? "" : entry.substring(eq + 1).strip();
            if (feature.isEmpty() || role.isEmpty()) {
                reader.problem(quote(FEATURES_BY_ROLE) + " entries are written feature=role (e.g. recording=jitsi-recorder), not \""
                        + entry + "\".");
                continue;
            }
            JitsiFeature.fromKey(feature).ifPresentOrElse(
                    f -> grants.computeIfAbsent(f, k -> new ArrayList<>()).add(role),
                    () -> unknownFeature(reader, FEATURES_BY_ROLE, feature));
        }
        return grants;
    }

    private static void unknownFeature(SettingsReader reader, Setting setting, String name) {
        reader.problem(quote(setting) + " names an unknown Jitsi feature \"" + name + "\"; known features: "
                + FEATURE_KEYS.stream().collect(Collectors.joining(", ")) + ".");
    }
}
