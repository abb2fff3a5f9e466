package io.github.keycloakjitsi.it;

import io.github.keycloakjitsi.core.Spellings;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.MEETING_BASE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every spelling of what no room or tenant may be ({@link Spellings}: {@code *}, {@code /},
 * {@code \}, {@code .}, {@code ..}, controls, bidi and invisible characters; percent-, double- and
 * triple-percent-encoded, full-width, NFKC equivalents, spaces around), sent on the wire byte for
 * byte ({@link RawHttp}) both percent-encoded and raw, at {@code POST /jitsi/token},
 * {@code GET /jitsi/join}, {@code GET /jitsi/join/callback}, {@code POST /jitsi/invites} and as an
 * invitation key; and every hidden character in a guest's name at {@code POST /jitsi/invite/{key}}. Each request is valid in every
 * other part (a moderator's access token of client jitsi, a signed-in browser, a genuine state of
 * that browser), so it reaches the room and tenant checks: none may get a token, a 2xx/3xx or a
 * 5xx, and every answer says {@code Referrer-Policy: no-referrer}. Figures go to
 * {@code target/attack-sweep.txt}.
 */
class AttackSweepIT {

    private static final String LEGIT_ROOM = "legit-room";
    private static final Set<String> ROOM_ERRORS = Set.of("invalid_room", "wildcard_not_allowed");
    private static final Set<String> TENANT_ERRORS = Set.of("invalid_tenant", "tenant_not_allowed");
    private static final Set<String> STATE_ERRORS = Set.of("invalid_state");

    private final KeycloakServer server = KeycloakServer.shared();
    private final RawHttp wire = new RawHttp(server.baseUrl());
    private final String jitsi = "/realms/" + KeycloakServer.REALM + "/jitsi";
    private final Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private int requests;
    private int tokensForRefusedNames;
    private int serverErrors;
    private int beforeKeycloak;

    /** One way a value goes on the wire. */
    private record Wire(String name, byte[] bytes, boolean fitsInAQuery) {
    }

    /**
     * The headers of a form posted with the host's bearer token. Client jitsi's access tokens live
     * 120 s and the sweep takes longer on a busy machine: the token is refreshed (sso.html's refresh
     * grant) whenever the one in hand is within 30 s of its end, so every refusal is the checks', not an expiry.
     */
    private static final class FreshBearer {
        private final JitsiWebClient browser;
        private JitsiWebClient.Tokens tokens;

        FreshBearer(JitsiWebClient browser, JitsiWebClient.Tokens tokens) {
            this.browser = browser;
            this.tokens = tokens;
        }

        Map<String, String> headers() {
            long exp = ((Number) ProsodyRules.payload(tokens.accessToken()).get("exp")).longValue();
            if (System.currentTimeMillis() / 1000 >= exp - 30) {
                tokens = browser.refresh(tokens.refreshToken());
            }
            return Map.of("Authorization", "Bearer " + tokens.accessToken(), "Content-Type", "application/x-www-form-urlencoded");
        }
    }

    @Test
    void everySpellingIsRefusedAtEveryEndpointWithNoTokenAndNo5xx() throws Exception {
        AdminApi admin = new AdminApi(server);
        AdminApi.TestUser user = admin.newUser("attacker");
        admin.grantRealmRole(user.id(), "jitsi-moderator");
        JitsiWebClient browser = new JitsiWebClient(server);
        FreshBearer form = new FreshBearer(browser, browser.login(user.username(), user.password()));
        String sso = browser.cookieHeader(server.realmUrl() + "/jitsi/join");
        Map<String, String> signedIn = Map.of("Cookie", sso);

        // The same requests with a good room get tokens: what follows is refused by the checks, not by the setup.
        assertThat(wire.send("POST", bytes(jitsi + "/token"), form.headers(), bytes("room=" + LEGIT_ROOM)).status()).isEqualTo(200);
        assertThat(wire.get(jitsi + "/join?room=" + LEGIT_ROOM, signedIn).header("Location")).startsWith(MEETING_BASE + LEGIT_ROOM + "#jwt=");
        assertThat(callbackWithGenuineState(sso, "").header("Location")).startsWith(MEETING_BASE + LEGIT_ROOM + "#jwt=");

        // An invitation for the names below; one good use at the end shows none was counted before.
        RawHttp.Response created = wire.send("POST", bytes(jitsi + "/invites"), form.headers(), bytes("room=" + LEGIT_ROOM + "&max_uses=1"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String invitePath = URI.create((String) Json.object(created.body()).get("url")).getRawPath();
        Map<String, String> guestForm = Map.of("Content-Type", "application/x-www-form-urlencoded");

        List<Spellings.Spelling> spellings = Spellings.all();
        for (Spellings.Spelling spelling : spellings) {
            for (Wire value : wireForms(spelling.value())) {
                String what = spelling + " sent " + value.name();
                refused("POST /invites room", what, ROOM_ERRORS,
                        wire.send("POST", bytes(jitsi + "/invites"), form.headers(), concat("room=", value.bytes())));
                refused("POST /invites tenant", what, TENANT_ERRORS,
                        wire.send("POST", bytes(jitsi + "/invites"), form.headers(), concat("room=" + LEGIT_ROOM + "&tenant=", value.bytes())));
                if (value.fitsInAQuery()) {
                    record("GET /invite/{spelled key}", noEntry("GET /invite/{spelled key}", what,
                            wire.send("GET", concat(jitsi + "/invite/", value.bytes()), Map.of(), null)));
                }
                refused("POST /token room", what, ROOM_ERRORS,
                        wire.send("POST", bytes(jitsi + "/token"), form.headers(), concat("room=", value.bytes())));
                refused("POST /token tenant", what, TENANT_ERRORS,
                        wire.send("POST", bytes(jitsi + "/token"), form.headers(), concat("room=" + LEGIT_ROOM + "&tenant=", value.bytes())));
                if (value.fitsInAQuery()) {
                    refused("GET /join room", what, ROOM_ERRORS,
                            wire.send("GET", concat(jitsi + "/join?room=", value.bytes()), signedIn, null));
                    refused("GET /join tenant", what, TENANT_ERRORS,
                            wire.send("GET", concat(jitsi + "/join?room=" + LEGIT_ROOM + "&tenant=", value.bytes()), signedIn, null));
                    refused("GET /join/callback state", what, STATE_ERRORS,
                            wire.send("GET", concat(jitsi + "/join/callback?code=c&state=", value.bytes()), signedIn, null));
                }
            }
            // The same names in jitsi-meet's state, as Jitsi's apps send them to /signin and /join.
            for (String entry : List.of("/signin", "/join")) {
                refused("GET " + entry + " state room", spelling.toString(), ROOM_ERRORS, wire.send("GET",
                        bytes(jitsi + entry + "?state=" + percent(Json.write(Map.of("room", spelling.value(), "ios", true)))), signedIn, null));
                refused("GET " + entry + " state tenant", spelling.toString(), TENANT_ERRORS, wire.send("GET",
                        bytes(jitsi + entry + "?state=" + percent(Json.write(Map.of("room", LEGIT_ROOM, "tenant", spelling.value(), "android", true)))),
                        signedIn, null));
            }
            // A genuine state carries the room: a spelled room or tenant riding along changes nothing.
            String extra = "&room=" + percent(spelling.value()) + "&tenant=" + percent(spelling.value());
            RawHttp.Response response = callbackWithGenuineState(sso, extra);
            record("GET /join/callback + room, tenant", response);
            String location = response.header("Location");
            boolean toTheStatesRoom = response.status() == 302 && location != null && location.startsWith(MEETING_BASE + LEGIT_ROOM + "#jwt=");
            boolean refusedWithoutToken = response.status() >= 400 && response.status() < 500 && location == null;
            if (!toTheStatesRoom && !refusedWithoutToken) {
                tokensForRefusedNames += location != null && location.contains("jwt=") ? 1 : 0;
                problems.add("callback steered by " + spelling + ": " + response.status() + " " + location);
            }
        }

        // Guest names: every hidden character (controls, bidi, invisible), alone, first, inside and last,
        // percent-encoded and raw in the form. Each must give the form again, no token, no use counted.
        for (int hidden : Spellings.HIDDEN) {
            String c = Character.toString(hidden);
            for (String name : List.of(c, c + "Eve", "Ev" + c + "e", "Eve" + c)) {
                for (Wire value : List.of(new Wire("percent-encoded", bytes(percent(name)), true),
                        new Wire("raw", name.getBytes(StandardCharsets.UTF_8), true))) {
                    RawHttp.Response response = wire.send("POST", bytes(invitePath), guestForm, concat("name=", value.bytes()));
                    record("POST /invite/{key} name", response);
                    if (response.status() != 400 || response.header("Location") != null || !response.body().contains("jitsi-invite-form")) {
                        problems.add("name U+" + Integer.toHexString(hidden) + " sent " + value.name() + ": " + response.status()
                                + " " + response.header("Location"));
                    }
                }
            }
        }
        RawHttp.Response good = wire.send("POST", bytes(invitePath), guestForm, bytes("name=Eve"));
        assertThat(good.header("Location")).as("the invitation's one use was left for a good name")
                .startsWith(MEETING_BASE + LEGIT_ROOM + "#jwt=");

        String summary = summary(spellings.size());
        System.out.println(summary);
        Files.writeString(Path.of("target", "attack-sweep.txt"), summary);
        assertThat(requests).isGreaterThan(3000);
        assertThat(tokensForRefusedNames).as("tokens issued for refused names").isZero();
        assertThat(serverErrors).as("5xx answers").isZero();
        assertThat(problems).isEmpty();
    }

    /** An anonymous /join for the legit room (its state and nonce cookie), then its callback in the signed-in browser. */
    private RawHttp.Response callbackWithGenuineState(String sso, String extraQuery) {
        RawHttp.Response join = wire.get(jitsi + "/join?room=" + LEGIT_ROOM, Map.of());
        requests++;
        assertThat(join.status()).as(join.body()).isEqualTo(302);
        String state = Http.query(URI.create(join.header("Location"))).get("state");
        String nonce = join.headers("Set-Cookie").stream().filter(c -> c.startsWith("KC_JITSI_JOIN=")).findFirst().orElseThrow()
                .split(";")[0];
        return wire.get(jitsi + "/join/callback?code=c&state=" + Http.encode(state) + extraQuery,
                Map.of("Cookie", sso + "; " + nonce));
    }

    /** Percent-encoded (HTTP's decoding gives back exactly the value), and raw (the value's bytes as they are). */
    private static List<Wire> wireForms(String value) {
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        boolean rawFitsInAQuery = true;
        for (byte b : raw) {
            int c = b & 0xff;
            rawFitsInAQuery &= c > 0x20 && c != 0x7f && c != '#' && c != '&';
        }
        return List.of(new Wire("percent-encoded", bytes(percent(value)), true), new Wire("raw", raw, rawFitsInAQuery));
    }

    private void refused(String endpoint, String what, Set<String> errors, RawHttp.Response response) {
        record(endpoint, response);
        if (response.status() < 400) {
            problems.add(endpoint + " accepted " + what + ": " + response.status() + " " + response.header("Location"));
            return;
        }
        if (!fromKeycloak(response)) {
            return; // the HTTP server refused the request line itself (400, empty): nothing reached Keycloak
        }
        Map<String, Object> body = response.body().startsWith("{") ? Json.object(response.body()) : Map.of();
        String error = String.valueOf(body.get("error"));
        boolean rawQuery = what.endsWith("sent raw") && endpoint.startsWith("GET");
        if (!errors.contains(error) && !(rawQuery && error.equals("invalid_request"))) {
            problems.add(endpoint + " answered " + what + " with " + response.status() + " " + response.body());
        }
    }

    /**
     * A spelled invitation key: refused by the HTTP layer, or not found: the invitation page saying
     * it opens nothing, or no page at all (a raw / makes it another path).
     */
    private RawHttp.Response noEntry(String endpoint, String what, RawHttp.Response response) {
        boolean keycloaksOwn = response.status() == 400 || !fromKeycloak(response);
        boolean notFound = response.status() == 404 && (response.body().contains("jitsi-invite") || what.contains("spells=/"));
        if (!(keycloaksOwn || notFound) || response.header("Location") != null) {
            problems.add(endpoint + " answered " + what + " with " + response.status() + " " + response.header("Location"));
        }
        return response;
    }

    /** Keycloak's security headers are on every answer it gives, its 404s and 405s included. */
    private static boolean fromKeycloak(RawHttp.Response response) {
        return response.header("X-Content-Type-Options") != null;
    }

    private void record(String endpoint, RawHttp.Response response) {
        requests++;
        statuses.computeIfAbsent(endpoint, k -> new TreeMap<>()).merge(response.status(), 1, Integer::sum);
        if (!fromKeycloak(response)) {
            beforeKeycloak++;
        }
        String location = response.header("Location");
        boolean token = response.body().contains("\"token\"") || (location != null && location.contains("jwt="));
        if (token && !endpoint.startsWith("GET /join/callback +")) {
            tokensForRefusedNames++;
        }
        if (response.status() >= 500) {
            serverErrors++;
            problems.add(endpoint + ": " + response.status() + " " + response.body());
        }
        if (fromKeycloak(response) && !"no-referrer".equals(response.header("Referrer-Policy"))) {
            problems.add(endpoint + ": Referrer-Policy " + response.header("Referrer-Policy") + " on " + response.status());
        }
    }

    private String summary(int spellings) {
        StringBuilder out = new StringBuilder("Attack sweep: " + spellings + " spellings, " + requests + " requests on the wire\n");
        statuses.forEach((endpoint, counts) -> out.append(String.format("  %-34s %s%n", endpoint, counts)));
        out.append("  refused by the HTTP server before Keycloak (raw bytes in the request line): ").append(beforeKeycloak).append('\n');
        out.append("  tokens issued for refused names: ").append(tokensForRefusedNames).append('\n');
        out.append("  5xx answers: ").append(serverErrors).append('\n');
        problems.stream().limit(60).forEach(p -> out.append("  problem: ").append(p).append('\n'));
        return out.toString();
    }

    /** Every byte that is not unreserved as %XX. */
    private static String percent(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return out.toString();
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(String prefix, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(prefix));
        out.writeBytes(value);
        return out.toByteArray();
    }
}
