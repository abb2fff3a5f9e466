package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.keycloak.Now;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
import org.apache.http.NameValuePair;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts the bundle's logout tokens ({@link MeetingSignOut}) to client {@code jitsi}'s "Backchannel
 * logout URL", so that neither a slow endpoint nor one that is down for a while loses a sign-out:
 * <ul>
 *   <li>each POST has a connect and a read timeout and is aborted after {@link #ATTEMPT} whatever
 *       the endpoint does (one that answers a byte at a time included), so it holds a thread for at
 *       most that long; each subject (a user, an invitation) is its own POST;</li>
 *   <li>a POST that fails (no connection, a timeout, any answer but 200 or 204) is tried again after
 *       1, 2, 4, ... up to 60 seconds, with a fresh logout token each time (they live two minutes),
 *       for as long as a token for Jitsi issued before the sign-out can still be used: the longest
 *       of the room tokens' lifetime and the Jitsi clients' access token lifespans, at least
 *       {@link #MIN_RETRY_WINDOW} (a participant already in a meeting stays until it arrives) and at
 *       most {@link #MAX_RETRY_WINDOW}; a user who may host again by then is not signed out;</li>
 *   <li>each sign-out's failure is logged once, saying what happens next, and its end once (delivered
 *       late, or given up);</li>
 *   <li>every person's sign-out is posted before any guests' (revoked invitations), each kind in
 *       the order it came ({@link Queued}).</li>
 * </ul>
 * Keycloak's own machinery checked first: its {@code TimerProvider} has no one-shot task on 26.4
 * (only repeating ones) and runs every task on one shared {@code java.util.Timer} thread, which a
 * POST must not hold; its {@code ExecutorsProvider} pool has no scheduling and grows past 4 threads
 * only when its unbounded queue is full, which is never. So the bundle keeps a small pool of its own,
 * started and stopped with Keycloak by the sign-out listener's factory ({@link #start}, {@link #stop}).
 * Pending tries live in the memory of the node that took the action: they end when it stops.
 */
public final class SignOutDelivery {

    private static final Logger LOG = Logger.getLogger(SignOutDelivery.class);

    /** Threads posting at once. */
    public static final int THREADS = 8;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    /** The longest one POST may take, whatever the endpoint does: also the longest a later sign-out waits for a thread. */
    static final Duration ATTEMPT = Duration.ofSeconds(3);
    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(60);
    static final Duration MIN_RETRY_WINDOW = Duration.ofMinutes(10);
    static final Duration MAX_RETRY_WINDOW = Duration.ofHours(24);

    private static SignOutDelivery running;

    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong queued = new AtomicLong();

    /**
     * A task in the queue: the sign-outs of people (disabled, deleted, no longer hosts, signed out by
     * an admin) before those of an invitation's guests, each kind in the order it came. A host who
     * revokes invitation after invitation, while Prosody answers slowly, holds back only guests'
     * sign-outs, never a person's.
     */
    private record Queued(Runnable task, boolean guests, long order) implements Runnable, Comparable<Queued> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Queued other) {
            return guests != other.guests ? Boolean.compare(guests, other.guests) : Long.compare(order, other.order);
        }
    }

    private SignOutDelivery() {
        workers = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>(), threads("jitsi-sign-out-"));
        workers.allowCoreThreadTimeOut(true);
        timer = Executors.newSingleThreadScheduledExecutor(threads("jitsi-sign-out-timer-"));
    }

    /** Starts the pool (the sign-out listener's factory, once Keycloak has started). */
    public static synchronized void start() {
        if (running == null) {
            running = new SignOutDelivery();
        }
    }

    /** Stops the pool (Keycloak stopping): sign-outs not delivered yet are dropped, and that is logged. */
    public static synchronized void stop() {
        SignOutDelivery delivery = running;
        running = null;
        if (delivery != null) {
            delivery.timer.shutdownNow();
            delivery.workers.shutdownNow();
            int left = delivery.pending.get();
            if (left > 0) {
                LOG.warnf("Keycloak is stopping: %d sign-out(s) of Jitsi meetings not delivered yet are dropped", left);
            }
        }
    }

    private static synchronized SignOutDelivery running() {
        return running;
    }

    /** Signs the target out in the background: whom it means is read now, each subject then posted and tried again as needed. */
    static void submit(KeycloakSessionFactory factory, MeetingSignOut.Channel channel, MeetingSignOut.Target target) {
        SignOutDelivery delivery = running();
        if (delivery == null) {
            LOG.warnf("Could not sign %s out of Jitsi meetings: Keycloak is stopping", target);
            return;
        }
        long decidedAt = Now.seconds();
        delivery.run(() -> delivery.resolve(factory, channel, target, decidedAt), target);
    }

    private void run(Runnable task, MeetingSignOut.Target what) {
        try {
            workers.execute(new Queued(task, what instanceof MeetingSignOut.Guests, queued.incrementAndGet()));
        } catch (RejectedExecutionException e) {
            // the server is shutting down: the change stands, the sign-out is lost (and logged)
            LOG.warnf("Could not sign %s out of Jitsi meetings: Keycloak is stopping", what);
        }
    }

    /** @param decidedAt when the change committed (whole seconds): tokens issued up to then are signed out, none issued later */
    private void resolve(KeycloakSessionFactory factory, MeetingSignOut.Channel channel, MeetingSignOut.Target target, long decidedAt) {
        Plan plan;
        try {
            plan = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
                RealmModel realm = session.realms().getRealm(channel.realmId());
                if (realm == null) {
                    return null;
                }
                session.getContext().setRealm(realm);
                JitsiService jitsi = new JitsiService(session, realm);
                long window = Math.clamp(MeetingSignOut.longestTokenLifetime(jitsi), MIN_RETRY_WINDOW.toSeconds(), MAX_RETRY_WINDOW.toSeconds());
                return new Plan(MeetingSignOut.subjects(jitsi, target), Instant.now().plusSeconds(window).truncatedTo(ChronoUnit.SECONDS));
            });
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not sign %s out of Jitsi meetings", target);
            return;
        }
        if (plan == null) {
            return;
        }
        for (MeetingSignOut.Subject subject : plan.subjects()) {
            Try first = new Try(factory, channel, subject, target, plan.until(), decidedAt);
            pending.incrementAndGet();
            run(first::attempt, target);
        }
    }

    private record Plan(List<MeetingSignOut.Subject> subjects, Instant until) {
    }

    /** One subject's sign-out, tried until delivered or {@code until}. */
    private final class Try {
        private final KeycloakSessionFactory factory;
        private final MeetingSignOut.Channel channel;
        private final MeetingSignOut.Subject subject;
        private final MeetingSignOut.Target target;
        private final Instant until;
        private final long decidedAt;
        private int attempts;
        private Duration pause = FIRST_PAUSE;

        Try(KeycloakSessionFactory factory, MeetingSignOut.Channel channel, MeetingSignOut.Subject subject,
            MeetingSignOut.Target target, Instant until, long decidedAt) {
            this.factory = factory;
            this.channel = channel;
            this.subject = subject;
            this.target = target;
            this.until = until;
            this.decidedAt = decidedAt;
        }

        void attempt() {
            attempts++;
            String failure;
            try {
                Signed signed = KeycloakModelUtils.runJobInTransactionWithResult(factory, this::sign);
                if (signed == null) {
                    pending.decrementAndGet();
                    if (attempts > 1) {
                        LOG.infof("No longer signing %s out of Jitsi meetings at try %d: they may host again (or are gone with the realm "
                                + "or client jitsi); nothing sent", what(), attempts);
                    }
                    return;
                }
                failure = post(signed);
            } catch (RuntimeException e) {
                failure = e.toString();
            }
            if (failure == null) {
                done(null);
                return;
            }
            Instant next = Instant.now().plus(pause);
            if (next.isAfter(until)) {
                done(failure);
                return;
            }
            if (attempts == 1) {
                LOG.warnf("Signing %s out of Jitsi meetings: %s; trying again after 1 s, then after pauses doubling up to %d s, until %s",
                        what(), failure, LONGEST_PAUSE.toSeconds(), until);
            } else {
                LOG.debugf("Signing %s out of Jitsi meetings, try %d: %s", what(), attempts, failure);
            }
            try {
                timer.schedule(() -> run(this::attempt, target), pause.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                pending.decrementAndGet();
                LOG.warnf("Could not sign %s out of Jitsi meetings: Keycloak is stopping", what());
                return;
            }
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }

        private void done(String failure) {
            pending.decrementAndGet();
            if (failure != null) {
                LOG.warnf("Gave up signing %s out of Jitsi meetings after %d tries (the last: %s): tokens issued before can no "
                        + "longer be used, but participants already in a meeting stay", what(), attempts, failure);
            } else if (attempts > 1) {
                LOG.infof("Signed %s out of Jitsi meetings at try %d", what(), attempts);
            }
        }

        private String what() {
            return subject.sub().startsWith(io.github.keycloakjitsi.core.JitsiContext.GUEST_ID_PREFIX)
                    ? "the guests of invitation " + subject.sub().substring(io.github.keycloakjitsi.core.JitsiContext.GUEST_ID_PREFIX.length())
                    : "user " + subject.sub();
        }

        /** A fresh logout token for the subject, and Keycloak's HTTP client; null when nobody is to be signed out any more. */
        private Signed sign(KeycloakSession session) {
            RealmModel realm = session.realms().getRealm(channel.realmId());
            ClientModel client = realm == null ? null : realm.getClientByClientId(RealmJitsiMapper.CLIENT_ID);
            if (client == null) {
                return null;
            }
            session.getContext().setRealm(realm);
            if (!MeetingSignOut.stillToSignOut(new JitsiService(session, realm), subject)) {
                return null;
            }
            // The token manager signs for the client in the context, as for Keycloak's own logout tokens.
            session.getContext().setClient(client);
            String token = session.tokens().encode(MeetingSignOut.logoutToken(channel.issuer(), client.getClientId(), subject.sub(), decidedAt));
            return new Signed(token, session.getProvider(HttpClientProvider.class).getHttpClient());
        }

        /** Posts; null when delivered, else why not. */
        private String post(Signed signed) {
            HttpPost post = new HttpPost(channel.url());
            post.setConfig(RequestConfig.custom()
                    .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                    .setConnectionRequestTimeout((int) CONNECT_TIMEOUT.toMillis())
                    .setSocketTimeout((int) READ_TIMEOUT.toMillis())
                    .build());
            List<NameValuePair> form = List.of(new BasicNameValuePair(OAuth2Constants.LOGOUT_TOKEN, signed.token()));
            post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
            ScheduledFuture<?> abort = timer.schedule(post::abort, ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
            try (CloseableHttpResponse response = signed.client().execute(post)) {
                int status = response.getStatusLine().getStatusCode();
                EntityUtils.consume(response.getEntity());
                return status == 200 || status == 204 ? null : channel.url() + " answered " + status;
            } catch (IOException e) {
                return post.isAborted() ? channel.url() + " gave no whole answer within " + ATTEMPT.toSeconds() + " s"
                        : channel.url() + " failed: " + e;
            } finally {
                abort.cancel(false);
                post.reset();
            }
        }
    }

    private record Signed(String token, CloseableHttpClient client) {
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
