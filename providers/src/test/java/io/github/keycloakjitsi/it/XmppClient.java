package io.github.keycloakjitsi.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A participant as Jitsi Meet's web client connects: XMPP over WebSocket (RFC 7395) to Prosody's
 * {@code /xmpp-websocket}, the token in the {@code token} query parameter (lib-jitsi-meet's way),
 * SASL ANONYMOUS, resource binding, then a MUC join. Every stanza the server sends is kept, so a
 * test can wait for one (bounded) and read them all afterwards.
 */
final class XmppClient implements AutoCloseable {

    static final Duration STEP = Duration.ofSeconds(15);
    private static final Pattern JID = Pattern.compile("<jid>([^<]+)</jid>");

    private final WebSocket socket;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final String domain;
    private String jid;
    private String nick;
    private String room;

    private XmppClient(WebSocket socket, String domain, Listener listener) {
        this.socket = socket;
        this.domain = domain;
    }

    /** Connects, signs in with {@code token} and binds a resource; empty with the server's refusal when SASL fails. */
    static Result connect(ProsodyServer prosody, String token) {
        Result signedIn = signIn(prosody, token);
        if (signedIn.client() != null) {
            signedIn.client().bind();
        }
        return signedIn;
    }

    /**
     * Connects and signs in with {@code token} (SASL), and stops there: a connection that may bind a
     * resource and join rooms later ({@link #bind}); empty with the server's refusal when SASL fails.
     */
    static Result signIn(ProsodyServer prosody, String token) {
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("xmpp")
                .buildAsync(URI.create(prosody.websocketUrl() + "?token=" + Http.encode(token)), listener)
                .orTimeout(STEP.toSeconds(), TimeUnit.SECONDS).join();
        XmppClient client = new XmppClient(socket, prosody.domain(), listener);
        listener.client = client;
        client.send("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='" + prosody.domain() + "' version='1.0'/>");
        client.await(s -> s.contains("ANONYMOUS"), "SASL ANONYMOUS offered");
        client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='ANONYMOUS'/>");
        String outcome = client.await(s -> s.startsWith("<success") || s.startsWith("<failure"), "SASL outcome");
        if (outcome.startsWith("<failure")) {
            client.close();
            return new Result(null, outcome);
        }
        return new Result(client, outcome);
    }

    /** After {@link #signIn}: opens the stream again and binds a resource. */
    XmppClient bind() {
        Matcher bound = JID.matcher(tryToBind());
        if (!bound.find()) {
            throw new AssertionError("no jid bound: " + received);
        }
        jid = bound.group(1);
        return this;
    }

    /** After {@link #signIn}: opens the stream again and asks to bind a resource; the server's answer (a result or an error). */
    String tryToBind() {
        int before = received.size();
        send("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='" + domain + "' version='1.0'/>");
        awaitAfter(before, s -> s.contains("urn:ietf:params:xml:ns:xmpp-bind"), "resource binding offered");
        send("<iq xmlns='jabber:client' type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
        return await(s -> s.contains("id='bind'") || s.contains("id=\"bind\""), "an answer to binding");
    }

    /** A sign-in: the client, or null and the server's SASL failure. */
    record Result(XmppClient client, String answer) {
        XmppClient joined() {
            if (client == null) {
                throw new AssertionError("sign-in refused: " + answer);
            }
            return client;
        }
    }

    /** Joins {@code room} (node of the MUC component) as {@code nick}; waits for the room's own presence of us. */
    XmppClient join(String roomNode, String nickname) {
        this.room = roomNode + "@" + "conference." + domain;
        this.nick = nickname;
        send("<presence xmlns='jabber:client' to='" + room + "/" + nick + "'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        await(s -> s.startsWith("<presence") && s.contains(room + "/" + nick) && (s.contains("code='110'") || s.contains("code=\"110\"")),
                "joined " + room);
        return this;
    }

    /** Whether the server has sent the presence that {@code occupant} left the room. */
    boolean sawLeave(XmppClient occupant) {
        String from = occupant.room + "/" + occupant.nick;
        return received.stream().anyMatch(s -> s.startsWith("<presence") && s.contains("type='unavailable'")
                && (s.contains("from='" + from + "'") || s.contains("from=\"" + from + "\"")));
    }

    /** Whether the server closed this connection (a stream error or close). */
    boolean isClosed() {
        return closed.isDone();
    }

    List<String> received() {
        return List.copyOf(received);
    }

    String jid() {
        return jid;
    }

    private void send(String xml) {
        socket.sendText(xml, true).orTimeout(STEP.toSeconds(), TimeUnit.SECONDS).join();
    }

    private String await(Predicate<String> wanted, String what) {
        return awaitAfter(0, wanted, what);
    }

    private String awaitAfter(int from, Predicate<String> wanted, String what) {
        Instant deadline = Instant.now().plus(STEP);
        while (Instant.now().isBefore(deadline)) {
            for (int i = from; i < received.size(); i++) {
                if (wanted.test(received.get(i))) {
                    return received.get(i);
                }
            }
            if (closed.isDone()) {
                break;
            }
            pause();
        }
        throw new AssertionError("XMPP: no " + what + " within " + STEP + "; got " + received);
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
            socket.abort();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private XmppClient client;
        private final List<String> early = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                if (client == null) {
                    early.add(message);
                } else {
                    if (!early.isEmpty()) {
                        client.received.addAll(early);
                        early.clear();
                    }
                    client.received.add(message);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (client != null) {
                client.closed.complete(statusCode);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (client != null) {
                client.closed.complete(-1);
            }
        }
    }
}
