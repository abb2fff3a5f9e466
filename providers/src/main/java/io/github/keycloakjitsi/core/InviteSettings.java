package io.github.keycloakjitsi.core;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.github.keycloakjitsi.core.SettingsReader.quote;

/**
 * Settings of invitations: hosts invite people without an account into one meeting
 * ({@code /realms/{realm}/jitsi/invites}). Described and read here, kept on the same "Jitsi Meet" mapper.
 *
 * @param enabled              whether hosts may invite at all
 * @param maxValiditySeconds   the longest an invitation may stay valid
 * @param guestFeatures        the Jitsi features a guest gets (none by default)
 * @param joinsPerMinute       how often one invitation may be used per minute (against a shared link being hammered)
 * @param maxLivePerHost       how many live invitations one host may have at once
 */
public record InviteSettings(boolean enabled, int maxValiditySeconds, Set<JitsiFeature> guestFeatures, int joinsPerMinute,
                             int maxLivePerHost) {

    public static final int MIN_VALIDITY = 300;
    public static final int MAX_VALIDITY = 30 * 24 * 3600;
    public static final int MAX_USES = 1000;

    public static final Setting ENABLED = Setting.of("jitsi.invites.enabled", "Invitations: allowed", Setting.Type.BOOLEAN,
            "Hosts (who may get room tokens) may invite people without an account into one meeting: POST /jitsi/invites "
                    + "gives a link to a page of this realm where the guest types a name and joins. Off by default.")
            .withDefault("false");
    public static final Setting LONGEST_VALIDITY = Setting.of("jitsi.invites.max-validity", "Invitations: longest validity",
                    Setting.Type.STRING, "Seconds an invitation may stay valid at most (" + MIN_VALIDITY + " to " + MAX_VALIDITY
                            + "); a host asks for less with valid_for. Default: 7 days.")
            .withDefault(String.valueOf(7 * 24 * 3600));
    public static final Setting GUEST_FEATURES = Setting.of("jitsi.invites.guest-features", "Invitations: guest features",
            Setting.Type.MULTIVALUED_LIST, "Jitsi features invited guests get, on top of what a guest without a token has (the client's defaults, "
                    + "such as chat); their name is always locked (name-readonly). Empty: nothing more.");
    public static final Setting JOINS_PER_MINUTE = Setting.of("jitsi.invites.joins-per-minute", "Invitations: joins per minute",
                    Setting.Type.STRING, "How often one invitation may be used per minute (1 to 10000), across every node. Default: 20.")
            .withDefault("20");

    public static final int MAX_LIVE_LIMIT = 1000;
    public static final Setting MAX_LIVE_PER_HOST = Setting.of("jitsi.invites.max-live-per-host", "Invitations: live per host",
                    Setting.Type.STRING, "How many live invitations (not ended, revoked or used up) one host may have at once (1 to "
                            + MAX_LIVE_LIMIT + "); past it, a new one is refused until one ends or is revoked. Default: 50.")
            .withDefault("50");

    static final List<Setting> SETTINGS = List.of(ENABLED, LONGEST_VALIDITY, GUEST_FEATURES, JOINS_PER_MINUTE, MAX_LIVE_PER_HOST);

    public InviteSettings {
        guestFeatures = Collections.unmodifiableSet(guestFeatures);
    }

    static InviteSettings read(SettingsReader reader, List<String> featureKeys) {
        Set<JitsiFeature> features = EnumSet.noneOf(JitsiFeature.class);
        for (String name : reader.values(GUEST_FEATURES)) {
            JitsiFeature.fromKey(name).ifPresentOrElse(features::add, () -> reader.problem(quote(GUEST_FEATURES)
                    + " names an unknown Jitsi feature \"" + name + "\"; known features: " + String.join(", ", featureKeys) + "."));
        }
        return new InviteSettings(reader.bool(ENABLED),
                WholeNumber.setting(reader, LONGEST_VALIDITY, MIN_VALIDITY, MAX_VALIDITY, " of seconds"), features,
                WholeNumber.setting(reader, JOINS_PER_MINUTE, 1, 10000, ""),
                WholeNumber.setting(reader, MAX_LIVE_PER_HOST, 1, MAX_LIVE_LIMIT, ""));
    }
}
