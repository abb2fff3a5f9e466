package io.github.keycloakjitsi.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A participant over BOSH (XEP-0124/0206), as lib-jitsi-meet connects where WebSocket is off: HTTP
 * POSTs of {@code <body/>} to Prosody's {@code /http-bind}, the token in the {@code token} query
 * parameter of the request that creates the session, SASL ANONYMOUS, the stream restarted. Only as
 * far as the tests need: sign in, hold a request open (as a BOSH client always does), bind.
 */
final class BoshClient {

    private static final String NS = "http://jabber.org/protocol/httpbind";
    private static final Pattern SID = Pattern.compile("sid=['\"]([^'\"]+)['\"]");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI url;
    private final String domain;
    private final String sid;
    private long rid;

    private BoshClient(URI url, String domain, String sid, long rid) {
        this.url = url;
        this.domain = domain;
        this.sid = sid;
        this.rid = rid;
    }

    /**
     * Creates a session with {@code token}, signs in (SASL ANONYMOUS) and restarts the stream, and
     * stops there, before binding a resource; fails the test unless Prosody offers binding.
     */
    static BoshClient signIn(ProsodyServer prosody, String token) {
        long rid = new SecureRandom().nextInt(1 << 30);
        URI url = URI.create(prosody.boshUrl());
        String created = post(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
                URI.create(prosody.boshUrl() + "?token=" + Http.encode(token)),
                "<body content='text/xml; charset=utf-8' hold='1' rid='" + rid + "' to='" + prosody.domain()
                        + "' ver='1.6' wait='60' xml:lang='en' xmpp:version='1.0' xmlns='" + NS + "' xmlns:xmpp='urn:xmpp:xbosh'/>").join();
        Matcher sid = SID.matcher(created);
        if (!sid.find() || !created.contains("ANONYMOUS")) {
            throw new AssertionError("BOSH: no session with SASL ANONYMOUS: " + created);
        }
        BoshClient client = new BoshClient(url, prosody.domain(), sid.group(1), rid);
        String outcome = client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='ANONYMOUS'/>").join();
        if (!outcome.contains("<success")) {
            throw new AssertionError("BOSH: sign-in refused: " + outcome);
        }
        String restarted = post(client.http, url, "<body rid='" + (++client.rid) + "' sid='" + client.sid + "' to='" + client.domain
                + "' xml:lang='en' xmpp:restart='true' xmlns='" + NS + "' xmlns:xmpp='urn:xmpp:xbosh'/>").join();
        if (!restarted.contains("urn:ietf:params:xml:ns:xmpp-bind")) {
            throw new AssertionError("BOSH: no resource binding offered: " + restarted);
        }
        return client;
    }

    /** An empty request, held open by Prosody until it has something to send (or the wait ends). */
    CompletableFuture<String> hold() {
        return send("");
    }

    /** Binds a resource; Prosody's answer (the bound jid, or why not). */
    String bind() {
        return send("<iq xmlns='jabber:client' type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>").join();
    }

    private CompletableFuture<String> send(String payload) {
        return post(http, url, "<body rid='" + (++rid) + "' sid='" + sid + "' xmlns='" + NS + "'>" + payload + "</body>");
    }

    private static CompletableFuture<String> post(HttpClient http, URI url, String body) {
        return http.sendAsync(HttpRequest.newBuilder(url).header("Content-Type", "text/xml; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(HttpResponse::body)
                .orTimeout(90, TimeUnit.SECONDS);
    }

    /** Whether an answer ends the session. */
    static boolean terminates(String answer) {
        return answer.contains("type='terminate'") || answer.contains("type=\"terminate\"");
    }
}
