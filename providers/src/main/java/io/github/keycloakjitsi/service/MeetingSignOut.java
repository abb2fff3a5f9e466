package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiContext;
import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
import org.apache.http.NameValuePair;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.urls.UrlType;
import org.keycloak.representations.LogoutToken;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.ResourceAdminManager;
import org.keycloak.util.JsonSerialization;
import org.keycloak.util.TokenUtil;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 * out), on Keycloak's executor (the admin's request does not wait for Prosody), on the node that
 * took the action. Empty "Backchannel logout URL" on client {@code jitsi}: nothing is sent.
 */
public final class MeetingSignOut {

    private static final Logger LOG = Logger.getLogger(MeetingSignOut.class);
    /** As Keycloak's own logout tokens: OpenID Connect asks for at most two minutes. */
    static final int LIFETIME_SECONDS = 120;
    /** The client whose logins {@code /jitsi/join} makes: its sessions hold room tokens too. */
    static final String JOIN_CLIENT_ID = "jitsi-join";

    /** Whom to sign out of meetings. */
    public sealed interface Target permits User, SignedInNonHosts, Guests {
    }

    /**
     * One user: deleted, disabled, or changed so they may no longer host. With {@code unlessHost},
     * only if they may not host once the change is committed.
     */
    public record User(String id, boolean unlessHost) implements Target {
    }

    /**
     * A change that can take the host role from many users at once (a group's roles or members, a
     * composite or default role, a role deleted): every user signed in to a Jitsi client who may no
     * longer host.
     */
    public record SignedInNonHosts() implements Target {
    }

    /** The guests of one invitation. */
    public record Guests(String inviteId) implements Target {
    }

    /** Where and as whom, read on the admin's request: the URL as Keycloak resolves it, the realm's issuer. */
    private record Channel(String realmId, String url, String issuer) {
    }

    private MeetingSignOut() {
    }

    static void afterCommit(KeycloakSession session, RealmModel realm, Target target) {
        Optional<Channel> channel = channel(session, realm);
        if (channel.isEmpty()) {
            return;
        }
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        Executor executor = session.getProvider(ExecutorsProvider.class).getExecutor("jitsi-meeting-sign-out");
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    executor.execute(() -> send(factory, channel.get(), target));
                } catch (RejectedExecutionException e) {
                    // the server is shutting down: the change stands, the sign-out is lost (and logged)
                    LOG.warnf("Could not sign %s out of Jitsi meetings: %s", target, e.toString());
                }
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

    private static void send(KeycloakSessionFactory factory, Channel channel, Target target) {
        try {
            List<String> tokens = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> tokens(session, channel, target));
            if (tokens.isEmpty()) {
                return;
            }
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                for (String token : tokens) {
                    post(session, channel, token);
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not sign %s out of Jitsi meetings", target);
        }
    }

    private static List<String> tokens(KeycloakSession session, Channel channel, Target target) {
        RealmModel realm = session.realms().getRealm(channel.realmId());
        ClientModel client = realm == null ? null : realm.getClientByClientId(RealmJitsiMapper.CLIENT_ID);
        if (client == null) {
            return List.of();
        }
        session.getContext().setRealm(realm);
        JitsiService jitsi = new JitsiService(session, realm);
        List<String> subjects = subjects(jitsi, target);
        // The token manager signs for the client in the context, as for Keycloak's own logout tokens.
        session.getContext().setClient(client);
        List<String> tokens = new ArrayList<>(subjects.size());
        for (String subject : subjects) {
            tokens.add(session.tokens().encode(logoutToken(channel.issuer(), client.getClientId(), subject)));
        }
        return tokens;
    }

    private static List<String> subjects(JitsiService jitsi, Target target) {
        return switch (target) {
            case User user -> {
                UserModel model = jitsi.session().users().getUserById(jitsi.realm(), user.id());
                yield user.unlessHost() && model != null && jitsi.mayHostNow(model) ? List.of() : List.of(user.id());
            }
            case SignedInNonHosts ignored -> signedInUsers(jitsi)
                    .filter(user -> !jitsi.mayHostNow(user))
                    // a lambda, not UserModel::getId: that compiles against Model.getId, which Keycloak 26.4 lacks
                    .map(user -> user.getId())
                    .toList();
            case Guests guests -> List.of(JitsiContext.GUEST_ID_PREFIX + guests.inviteId());
        };
    }

    /** The users with an SSO session of a Jitsi client (or of /jitsi/join), each once. */
    private static Stream<UserModel> signedInUsers(JitsiService jitsi) {
        Set<String> clientIds = new LinkedHashSet<>(jitsi.settingsOfMapper()
                .map(settings -> settings.roomTokens().clients()).orElse(List.of(RealmJitsiMapper.CLIENT_ID)));
        clientIds.add(JOIN_CLIENT_ID);
        Set<String> seen = new LinkedHashSet<>();
        return clientIds.stream()
                .map(jitsi.realm()::getClientByClientId)
                .filter(client -> client != null)
                .flatMap(client -> jitsi.session().sessions().getUserSessionsStream(jitsi.realm(), client))
                .map(userSession -> userSession.getUser())
                .filter(user -> user != null && seen.add(user.getId()));
    }

    static LogoutToken logoutToken(String issuer, String clientId, String subject) {
        LogoutToken token = new LogoutToken();
        token.id(SecretGenerator.getInstance().generateSecureID());
        long now = Now.seconds();
        token.iat(now);
        token.exp(now + LIFETIME_SECONDS);
        token.issuer(issuer);
        token.putEvents(TokenUtil.TOKEN_BACKCHANNEL_LOGOUT_EVENT, JsonSerialization.createObjectNode());
        token.addAudience(clientId);
        token.setSubject(subject);
        return token;
    }

    private static void post(KeycloakSession session, Channel channel, String token) {
        HttpPost post = new HttpPost(channel.url());
        List<NameValuePair> form = List.of(new BasicNameValuePair(OAuth2Constants.LOGOUT_TOKEN, token));
        post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
        try (CloseableHttpResponse response = session.getProvider(HttpClientProvider.class).getHttpClient().execute(post)) {
            int status = response.getStatusLine().getStatusCode();
            EntityUtils.consumeQuietly(response.getEntity());
            if (status != 200 && status != 204) {
                LOG.warnf("Back-channel logout to %s answered %d", channel.url(), status);
            }
        } catch (IOException e) {
            LOG.warnf("Back-channel logout to %s failed: %s", channel.url(), e.toString());
        } finally {
            post.reset();
        }
    }
}
