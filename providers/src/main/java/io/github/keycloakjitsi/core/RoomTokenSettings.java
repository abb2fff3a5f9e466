package io.github.keycloakjitsi.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static io.github.keycloakjitsi.core.SettingsReader.quote;

/**
 * Settings of the realm's Jitsi token endpoint ({@code /realms/{realm}/jitsi}), kept on the same
 * "Jitsi Meet" mapper as the claim settings so an admin edits Jitsi in one place. Described and
 * read here ({@link #SETTINGS}, {@link #read}).
 *
 * @param jitsiUrl        the Jitsi Meet base URL meetings are opened at, e.g. {@code https://meet.example.com};
 *                        null leaves the endpoint switched off
 * @param lifetimeSeconds how long an issued token is valid (never past the caller's SSO session)
 * @param issuer          {@code iss}, or null for the realm's issuer URL
 * @param domain          the Jitsi (XMPP) domain for {@code sub}, or null for the Jitsi URL's host
 * @param algorithm       RS256 with the realm's key, or HS256 with {@link #secret}
 * @param secret          the HS256 shared secret as a vault reference {@code ${vault.name}}; null with RS256
 * @param wildcardAllowed whether a token for room {@code *} (every room) may be issued
 * @param requiredRole    the host role: who may start meetings and get any token Jitsi accepts, or null for every user
 * @param clients         the clients whose access tokens the token endpoint accepts
 * @param tenants         the tenants tokens may be issued for (lower case); empty: tenants off
 * @param apps            Jitsi's apps hosts may sign in from ({@link JitsiApp})
 */
public record RoomTokenSettings(
        URI jitsiUrl,
        int lifetimeSeconds,
        String issuer,
        String domain,
        Algorithm algorithm,
        String secret,
        boolean wildcardAllowed,
        String requiredRole,
        List<String> clients,
        List<String> tenants,
        Set<JitsiApp> apps) {

    public static final int MIN_LIFETIME = 60;
    public static final int MAX_LIFETIME = 86400;
    public static final String DEFAULT_CLIENT = "jitsi";
    public static final int MAX_TENANT_LENGTH = 63;
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_SECRET_LENGTH = 32;

    /** Tenants are path segments and Prosody domains: letters, digits, '-', '_' and '.', no "..". */
    static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0," + (MAX_TENANT_LENGTH - 1) + "}");
    /** A DNS name, as Prosody's domain verification compares {@code sub} with its XMPP domain. */
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    /** Keycloak's vault expression; the name is what the vault provider looks up. */
    private static final Pattern VAULT_REFERENCE = Pattern.compile("\\$\\{vault\\.[A-Za-z0-9_.-]+}");

    public static final Setting JITSI_URL = Setting.of("jitsi.url", "Jitsi URL", Setting.Type.STRING,
            "Address of Jitsi Meet, e.g. https://meet.example.com. Switches on the realm's Jitsi token endpoint "
                    + "/realms/{realm}/jitsi (room tokens, TOKEN_AUTH_URL join, key server); read from the mapper of client 'jitsi'. "
                    + "Meeting links and /join redirects only ever point here. Empty: endpoint off.");
    public static final Setting REQUIRED_ROLE = Setting.of("jitsi.token.required-role", "Host role", Setting.Type.ROLE,
            "Who may host (start meetings): only enabled users holding this role get a token Jitsi accepts, from every grant "
                    + "(client jitsi's access tokens leave out the Jitsi audience for everyone else, at login and at every refresh), "
                    + "room tokens, join links and invitations. Empty: every enabled user of the realm.");
    public static final Setting CLIENTS = Setting.of("jitsi.token.clients", "Jitsi clients", Setting.Type.MULTIVALUED_STRING,
            "Client ids whose logins count for Jitsi: their access tokens carry the Jitsi audience (for users who may host), and "
                    + "/jitsi/token accepts them as the caller's proof of login. Tokens of any other client (the account console, "
                    + "admin-cli, a password grant, a service) are neither: they may have skipped the browser login's checks "
                    + "(the host gate, OTP, WebAuthn, identity providers). Empty: jitsi.")
            .withDefault(DEFAULT_CLIENT);
    public static final Setting TENANTS = Setting.of("jitsi.token.tenants", "Token endpoint: tenants", Setting.Type.MULTIVALUED_STRING,
            "Jitsi tenants (the first path segment, https://meet.example.com/<tenant>/<room>) room tokens may be asked for; "
                    + "a token for a tenant carries it as sub. Empty: no tenants, a request naming one is refused.");
    public static final Setting LIFETIME = Setting.of("jitsi.token.lifetime", "Token endpoint: lifetime", Setting.Type.STRING,
            "Seconds a room or guest token is valid (" + MIN_LIFETIME + " to " + MAX_LIFETIME + "), never past the user's SSO "
                    + "session (its idle and maximum times) or the invitation. Prosody checks a token when a participant connects, "
                    + "never later, and the join uses it at once: a short life keeps a disabled or demoted host's last token "
                    + "from opening rooms for long. Default: 120.")
            .withDefault("120");
    public static final Setting ALGORITHM = Setting.of("jitsi.token.algorithm", "Token endpoint: algorithm", Setting.Type.LIST,
            "RS256: signed with the realm's key, checked by Prosody through /certs (cache_keys_url) or the key server "
                    + "(asap_key_server). HS256: signed with the shared secret below (Prosody's app_secret, docker-jitsi-meet's JWT_APP_SECRET).")
            .withOptions(List.of("RS256", "HS256")).withDefault("RS256");
    public static final Setting SECRET = Setting.of("jitsi.token.secret", "Token endpoint: shared secret (vault reference)", Setting.Type.STRING,
            "HS256 only: a reference ${vault.name} to the secret in Keycloak's vault (32+ characters). The secret itself is never "
                    + "typed here: mapper settings are readable by everyone who may view clients.");
    public static final Setting ISSUER = Setting.of("jitsi.token.issuer", "Token endpoint: issuer (iss)", Setting.Type.STRING,
            "iss of room tokens. Empty: the realm's issuer URL. With HS256 usually docker-jitsi-meet's JWT_APP_ID.");
    public static final Setting DOMAIN_SETTING = Setting.of("jitsi.token.subject", "Token endpoint: Jitsi domain (sub)", Setting.Type.STRING,
            "sub of room tokens without a tenant: Prosody's XMPP domain, for its domain verification (docker-jitsi-meet: meet.jitsi). "
                    + "Empty: the host of the Jitsi URL.");
    public static final Setting WILDCARD = Setting.of("jitsi.token.wildcard", "Token endpoint: allow room *", Setting.Type.BOOLEAN,
            "Allow tokens for room * (every room). Off by default.")
            .withDefault("false");

    /** The token endpoint's settings, in the order the admin console shows them. */
    static final List<Setting> SETTINGS = List.of(JITSI_URL, REQUIRED_ROLE, CLIENTS, TENANTS, LIFETIME, ALGORITHM, SECRET,
            ISSUER, DOMAIN_SETTING, WILDCARD, JitsiApp.IOS.setting(), JitsiApp.ANDROID.setting(), JitsiApp.DESKTOP.setting());

    public enum Algorithm { RS256, HS256 }

    public RoomTokenSettings {
        clients = List.copyOf(clients);
        tenants = List.copyOf(tenants);
        apps = apps.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(apps));
    }

    public boolean enabled() {
        return jitsiUrl != null;
    }

    /** {@code sub}: Prosody's domain verification matches it against the tenant, else the Jitsi domain. */
    public String subjectFor(String tenant) {
        if (tenant != null) {
            return tenant;
        }
        return domain != null ? domain : jitsiUrl.getHost();
    }

    /**
     * {@code <jitsi url>/<tenant/><room>#jwt=%22<token>%22}: the token in the fragment, in the form
     * jitsi-meet reads it ({@link MeetingFragment}). Room and tenant are already backend-safe path segments.
     */
    public String meetingUrl(RoomRequest request, String token) {
        return meetingLink(request) + MeetingFragment.jwt(token);
    }

    /** {@code iss} of room tokens: the configured issuer, else the realm's. */
    public String issuerOr(String realmIssuer) {
        return issuer != null ? issuer : realmIssuer;
    }

    /** {@code <jitsi url>/<tenant/><room>}: the meeting, for someone who joins without a token (a guest). */
    public String meetingLink(RoomRequest request) {
        return jitsiUrl + "/" + meetingPath(request);
    }

    /** The meeting in one of Jitsi's apps ({@link JitsiApp#link}), with {@code token} or, for a guest, none. */
    public String appLink(JitsiApp app, RoomRequest request, String token) {
        return app.link(jitsiUrl, meetingPath(request), token);
    }

    private static String meetingPath(RoomRequest request) {
        return (request.tenant() == null ? "" : request.tenant() + "/") + request.room();
    }

    static RoomTokenSettings read(SettingsReader reader) {
        Algorithm algorithm = algorithm(reader);
        String secret = secret(reader);
        if (algorithm == Algorithm.HS256 && reader.raw(SECRET) == null) {
            reader.problem("HS256 needs " + quote(SECRET) + ": a vault reference such as ${vault.jitsi_secret}.");
        }
        return new RoomTokenSettings(
                jitsiUrl(reader),
                WholeNumber.setting(reader, LIFETIME, MIN_LIFETIME, MAX_LIFETIME, " of seconds"),
                issuer(reader),
                domain(reader),
                algorithm,
                secret,
                reader.bool(WILDCARD),
                reader.name(REQUIRED_ROLE),
                reader.names(CLIENTS),
                tenants(reader),
                apps(reader));
    }

    void checkReferences(RealmDirectory realm, SettingsReader problems) {
        if (requiredRole != null && !realm.roleExists(requiredRole)) {
            problems.problem("Token endpoint role \"" + requiredRole + "\" does not exist in this realm.");
        }
        if (problems.isSet(CLIENTS)) {
            clients.stream().filter(c -> !realm.clientExists(c))
                    .forEach(c -> problems.problem("Client \"" + c + "\" in " + quote(CLIENTS) + " does not exist in this realm."));
        }
    }

    /**
     * The secret itself never sits in the mapper: Keycloak shows mapper settings to every admin who
     * may view clients, in exports and admin events. Only a vault reference is accepted.
     */
    private static String secret(SettingsReader reader) {
        String value = reader.raw(SECRET);
        if (value == null) {
            return null;
        }
        if (!VAULT_REFERENCE.matcher(value).matches()) {
            reader.problem(quote(SECRET) + " takes a vault reference such as ${vault.jitsi_secret}, never the secret itself: "
                    + "mapper settings are readable by every admin who may view clients. Put the secret (32+ characters) in "
                    + "Keycloak's vault (kc.sh start --vault=file --vault-dir=<dir>, in the file <dir>/<realm>_jitsi__secret) "
                    + "and enter ${vault.jitsi_secret} here.");
            return null;
        }
        return value;
    }

    /** What discovery hands to Prosody as it is: no quote, comma or space can slip into its settings. */
    private static String issuer(SettingsReader reader) {
        String value = reader.name(ISSUER);
        return value == null || reader.snippetSafe(ISSUER, value) ? value : null;
    }

    /** An absolute http(s) URL without query or fragment, in the characters discovery can hand on; a trailing slash is dropped. */
    private static URI jitsiUrl(SettingsReader reader) {
        String value = reader.name(JITSI_URL);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (!SettingsReader.SNIPPET_SAFE.matcher(value).matches()
                    || (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(value, "not an http(s) base URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            reader.problem(quote(JITSI_URL) + " must be the address of Jitsi Meet, like https://meet.example.com, not \"" + value + "\".");
            return null;
        }
    }

    private static Algorithm algorithm(SettingsReader reader) {
        String value = reader.raw(ALGORITHM);
        try {
            return Algorithm.valueOf(value);
        } catch (IllegalArgumentException e) {
            reader.problem(quote(ALGORITHM) + " must be RS256 or HS256 (what Prosody supports), not \"" + value + "\".");
            return Algorithm.RS256;
        }
    }

    private static String domain(SettingsReader reader) {
        String value = reader.name(DOMAIN_SETTING);
        if (value == null) {
            return null;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(lower).matches()) {
            reader.problem(quote(DOMAIN_SETTING) + " must be a domain name such as meet.jitsi (no *, no user id), not \"" + value + "\".");
            return null;
        }
        return lower;
    }

    private static Set<JitsiApp> apps(SettingsReader reader) {
        Set<JitsiApp> apps = EnumSet.noneOf(JitsiApp.class);
        for (JitsiApp app : JitsiApp.values()) {
            if (reader.bool(app.setting())) {
                apps.add(app);
            }
        }
        return apps;
    }

    private static List<String> tenants(SettingsReader reader) {
        List<String> tenants = new ArrayList<>();
        for (String value : reader.values(TENANTS)) {
            String lower = value.toLowerCase(Locale.ROOT);
            if (!TENANT.matcher(lower).matches() || lower.contains("..")) {
                reader.problem(quote(TENANTS) + " entries are up to " + MAX_TENANT_LENGTH + " letters, digits, '-', '_' or '.', "
                        + "starting with a letter or digit, not \"" + value + "\".");
            } else if (!tenants.contains(lower)) {
                tenants.add(lower);
            }
        }
        return tenants;
    }
}
