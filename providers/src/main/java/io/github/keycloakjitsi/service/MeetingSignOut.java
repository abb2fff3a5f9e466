package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiContext;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.keycloak.ClientUserSessions;
import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
import io.github.keycloakjitsi.keycloak.SignatureAlgorithms;
import org.jboss.logging.Logger;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.crypto.Algorithm;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.OIDCConfigAttributes;
import org.keycloak.urls.UrlType;
import org.keycloak.representations.LogoutToken;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.ResourceAdminManager;
import org.keycloak.util.JsonSerialization;
import org.keycloak.util.TokenUtil;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keycloak's decisions that it sends no back-channel logout for (a user disabled or deleted, the
 * host role taken away, an invitation revoked), sent the way Keycloak sends its own: an OpenID
 * Connect Back-Channel Logout token built as Keycloak's {@code DefaultTokenManager.initLogoutToken}
 * builds one ({@link LogoutToken}: {@code jti}, {@code iat}, {@code exp} two minutes on, the
 * realm's issuer, the {@code events} claim, {@code aud} client {@code jitsi}), signed by Keycloak's
 * token manager as client {@code jitsi}'s logout tokens are (header {@code typ} {@code logout+jwt},
 * the realm key of the client's ID token algorithm), POSTed as form field {@code logout_token} to
 * client {@code jitsi}'s "Backchannel logout URL" with Keycloak's HTTP client. Its {@code sub}
 * is the user's id, or {@code guest:<invitation id>} for the guests of an invitation (whose
 * {@code context.user.id} is {@code guest:<invitation id>:<random>}); it has no {@code sid}: every
 * session of the user is meant.
 *
 * <p>It runs only once the admin's transaction has committed (a change rolled back signs nobody
 * out), in the background (the admin's request does not wait for Prosody), on the node that took
 * the action; {@link SignOutDelivery} posts, with timeouts, and tries again while a token issued
 * before can still be used. Empty "Backchannel logout URL" on client {@code jitsi}: nothing is sent.
 */
public final class MeetingSignOut {

    private static final Logger LOG = Logger.getLogger(MeetingSignOut.class);
    /** As Keycloak's own logout tokens: OpenID Connect asks for at most two minutes. */
    static final int LIFETIME_SECONDS = 120;
    /**
     * The bundle's own claim in its logout tokens: when Keycloak took the decision (whole seconds),
     * which a token tried again later keeps while its {@code iat} is new. Prosody removes and
     * refuses only tokens issued up to then, so that a user who signed in again since (after an
     * admin's "Sign out") is not signed out by a late try.
     */
    static final String SIGNED_OUT_AT = "signed_out_at";
    /** The client whose logins {@code /jitsi/join} makes: its sessions hold room tokens too. */
    public static final String JOIN_CLIENT_ID = "jitsi-join";

    /** Whom to sign out of meetings. */
    public sealed interface Target permits User, SignedInNonHosts, Guests {
    }

    /**
     * One user: deleted, disabled, or changed so they may no longer host. With {@code unlessHost},
     * only if they may not host once the change is committed (and still may not when a sign-out is
     * tried again later).
     */
    public record User(String id, boolean unlessHost) implements Target {
    }

    /**
     * A change that can take the host role from many users at once (a group's roles or members, a
     * composite or default role, a role deleted or renamed, the Jitsi mapper's settings): every user
     * signed in to a Jitsi client who may no longer host.
     */
    public record SignedInNonHosts() implements Target {
    }

    /** The guests of one invitation. */
    public record Guests(String inviteId) implements Target {
    }

    /** Where and as whom, read on the admin's request: the URL as Keycloak resolves it, the realm's issuer. */
    record Channel(String realmId, String url, String issuer) {
    }

    /** One logout token's subject, and whether to look again, before each try, whether they may host now. */
    record Subject(String sub, boolean unlessHost) {
    }

    private MeetingSignOut() {
    }

    static void afterCommit(KeycloakSession session, RealmModel realm, Target target) {
        Optional<Channel> channel = channel(session, realm);
        if (channel.isEmpty()) {
            return;
        }
        org.keycloak.models.KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                SignOutDelivery.submit(factory, channel.get(), target);
            }

            @Override
            protected void rollbackImpl() {
                // nothing changed: nobody to sign out
            }
        });
    }

    private static Optional<Channel> channel(KeycloakSession session, RealmModel realm) {
        ClientModel client = realm.getClientByClientId(RealmJitsiMapper.CLIENT_ID);
        if (client == null) {
            return Optional.empty();
        }
        String url = ResourceAdminManager.getBackchannelLogoutUrl(session, client);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Channel(realm.getId(), url, issuer(session, realm)));
    }

    /**
     * The realm's issuer as Jitsi is told to accept it: discovery's ({@link JitsiUrls#published}),
     * from settings alone, since an admin's request comes through the admin's realm and address, not
     * this realm's. Without a Jitsi URL: under the frontend URL when the realm has one, else under
     * the address of the request.
     */
    private static String issuer(KeycloakSession session, RealmModel realm) {
        Optional<URI> jitsiUrl = new JitsiService(session, realm).settingsOfMapper().map(s -> s.roomTokens().jitsiUrl());
        if (jitsiUrl.isPresent()) {
            try {
                return JitsiUrls.published(realm, jitsiUrl.get()).realmIssuer();
            } catch (IllegalArgumentException notAUrl) {
                LOG.warnf("The realm's Frontend URL or Keycloak's hostname is not a URL: %s", notAUrl.getMessage());
            }
        }
        String frontend = realm.getAttribute("frontendUrl");
        URI base = frontend != null && !frontend.isBlank() ? URI.create(frontend) : session.getContext().getUri(UrlType.FRONTEND).getBaseUri();
        return Urls.realmIssuer(base, realm.getName());
    }

    /** Whom the target means, read once the change has committed; empty when nobody. */
    static List<Subject> subjects(JitsiService jitsi, Target target) {
        return switch (target) {
            case User user -> stillToSignOut(jitsi, new Subject(user.id(), user.unlessHost())) ? List.of(new Subject(user.id(), user.unlessHost())) : List.of();
            case SignedInNonHosts ignored -> signedInUsers(jitsi)
                    .filter(user -> !jitsi.mayHostNow(user))
                    // a lambda, not UserModel::getId: that compiles against Model.getId, which Keycloak 26.4 lacks
                    .map(user -> new Subject(user.getId(), true))
                    .toList();
            case Guests guests -> List.of(new Subject(JitsiContext.GUEST_ID_PREFIX + guests.inviteId(), false));
        };
    }

    /** Whether a subject is still to be signed out: always, unless it is a user who may host (again) by now. */
    static boolean stillToSignOut(JitsiService jitsi, Subject subject) {
        if (!subject.unlessHost()) {
            return true;
        }
        UserModel model = jitsi.session().users().getUserById(jitsi.realm(), subject.sub());
        return model == null || !jitsi.mayHostNow(model);
    }

    /**
     * The audiences of the realm's logout tokens for Jitsi: client {@code jitsi} (the bundle's own
     * logout tokens name it), the mapper's "Jitsi clients" and {@code jitsi-join}, each once.
     * Keycloak's logout tokens for their sessions name them as audience, so Prosody's
     * {@code keycloak_logout_audiences} must list exactly these.
     */
    public static Set<String> logoutAudiences(JitsiSettings settings) {
        Set<String> clientIds = new LinkedHashSet<>();
        // the bundle's own logout tokens name client jitsi, whether or not it is among the "Jitsi clients"
        clientIds.add(RealmJitsiMapper.CLIENT_ID);
        clientIds.addAll(settings.roomTokens().clients());
        clientIds.add(JOIN_CLIENT_ID);
        return clientIds;
    }

    /** The realm's Jitsi clients ({@link #logoutAudiences}; client jitsi and jitsi-join without valid settings). */
    static Set<String> jitsiClientIds(JitsiService jitsi) {
        return jitsi.settingsOfMapper().map(MeetingSignOut::logoutAudiences)
                .orElse(new LinkedHashSet<>(List.of(RealmJitsiMapper.CLIENT_ID, JOIN_CLIENT_ID)));
    }

    /** The users with an SSO session of a Jitsi client (or of /jitsi/join), each once. */
    private static Stream<UserModel> signedInUsers(JitsiService jitsi) {
        Set<String> seen = new LinkedHashSet<>();
        return jitsiClientIds(jitsi).stream()
                .map(jitsi.realm()::getClientByClientId)
                .filter(client -> client != null)
                .flatMap(client -> ClientUserSessions.of(jitsi.session(), jitsi.realm(), client))
                .map(userSession -> userSession.getUser())
                .filter(user -> user != null && seen.add(user.getId()));
    }

    /**
     * The longest a token for Jitsi issued now can be used, in seconds: room and guest tokens ("Token
     * endpoint: lifetime"), and the access tokens of the Jitsi clients (their own "Access Token
     * Lifespan", else the realm's).
     */
    static long longestTokenLifetime(JitsiService jitsi) {
        RealmModel realm = jitsi.realm();
        long longest = jitsi.settingsOfMapper().map(JitsiSettings::roomTokens).map(tokens -> (long) tokens.lifetimeSeconds()).orElse(0L);
        for (String clientId : jitsiClientIds(jitsi)) {
            ClientModel client = realm.getClientByClientId(clientId);
            if (client == null) {
                continue;
            }
            String own = client.getAttribute(OIDCConfigAttributes.ACCESS_TOKEN_LIFESPAN);
            long lifespan = realm.getAccessTokenLifespan();
            if (own != null && !own.isBlank()) {
                try {
                    long parsed = Long.parseLong(own.trim());
                    if (parsed > 0) {
                        lifespan = parsed;
                    }
                } catch (NumberFormatException ignored) {
                    // Keycloak then uses the realm's too
                }
            }
            longest = Math.max(longest, lifespan);
        }
        return longest;
    }

    /**
     * What keeps a Jitsi client's sign-outs from reaching meetings, in the words discovery shows an
     * admin: with sign-outs on (client {@code jitsi} has a "Backchannel logout URL"), every other
     * Jitsi client needs one too, and front-channel logout off, or Keycloak sends nothing on its
     * users' logouts; and every one of them RS256 for its ID tokens, the algorithm Keycloak signs its
     * logout tokens with (the bundle's own are signed as client {@code jitsi}'s), the only one the
     * Prosody module takes. Empty when sign-outs are off or every Jitsi client is set so.
     */
    public static List<String> problems(JitsiService jitsi) {
        RealmModel realm = jitsi.realm();
        ClientModel main = realm.getClientByClientId(RealmJitsiMapper.CLIENT_ID);
        String url = main == null ? null : OIDCAdvancedConfigWrapper.fromClientModel(main).getBackchannelLogoutUrl();
        if (url == null || url.isBlank()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (String clientId : jitsiClientIds(jitsi)) {
            ClientModel client = realm.getClientByClientId(clientId);
            if (client == null) {
                continue;
            }
            String own = OIDCAdvancedConfigWrapper.fromClientModel(client).getBackchannelLogoutUrl();
            if (own == null || own.isBlank() || client.isFrontchannelLogout()) {
                problems.add("Client " + clientId + " is a Jitsi client, but " + (own == null || own.isBlank()
                        ? "has no Backchannel logout URL" : "has Front channel logout on")
                        + ": when its users sign out (or an admin signs out one of their sessions), Keycloak tells Jitsi nothing "
                        + "and they stay in their meetings. Set Clients > " + clientId + " > Settings > Logout settings: Front channel "
                        + "logout off, Backchannel logout URL the same as client jitsi's, Backchannel logout session required on; "
                        + "Prosody's keycloak_logout_audiences must list " + clientId + " (the prosody settings here do).");
            }
            String algorithm = SignatureAlgorithms.idAndLogoutTokens(realm, client);
            if (!Algorithm.RS256.equals(algorithm)) {
                problems.add("Client " + clientId + " signs its ID tokens, and so the logout tokens sent for its users, with " + algorithm
                        + "; Prosody's keycloak_logout module takes RS256 only, so their sign-outs remove nobody from a meeting. Set Clients > "
                        + clientId + " > Advanced > Fine grain OpenID Connect configuration: ID token signature algorithm RS256.");
            }
        }
        return problems;
    }

    static LogoutToken logoutToken(String issuer, String clientId, String subject, long signedOutAt) {
        LogoutToken token = new LogoutToken();
        token.id(SecretGenerator.getInstance().generateSecureID());
        long now = Now.seconds();
        token.iat(now);
        token.exp(now + LIFETIME_SECONDS);
        token.issuer(issuer);
        token.putEvents(TokenUtil.TOKEN_BACKCHANNEL_LOGOUT_EVENT, JsonSerialization.createObjectNode());
        token.addAudience(clientId);
        token.setSubject(subject);
        token.setOtherClaims(SIGNED_OUT_AT, signedOutAt);
        return token;
    }
}
