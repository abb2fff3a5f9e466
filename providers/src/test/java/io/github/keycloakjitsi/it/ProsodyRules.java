package io.github.keycloakjitsi.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An independent verifier applying what Jitsi's Prosody checks in a token
 * (../shared/jitsi-token-contract.md), built on Nimbus JOSE+JWT, not on Keycloak. Key mode reads
 * keys the way {@code cache_keys_url} does (RSA entries with kid, n and e) or takes one key as
 * {@code asap_key_server} would; secret mode is {@code app_secret} with HS256.
 */
final class ProsodyRules {

    /** Prosody's token settings. */
    record Settings(Set<String> acceptedIssuers, Set<String> acceptedAudiences, boolean requireRoomClaim, String signatureAlgorithm) {

        /** The Jitsi audience of the realm export (and of every new Jitsi Meet mapper). */
        static final String JITSI_AUDIENCE = "jitsi-meet";

        /** The guide's Prosody for this realm, accepting only the Jitsi audience (the README's settings). */
        static Settings guide(String issuer) {
            return new Settings(Set.of(issuer), Set.of(JITSI_AUDIENCE), false, "RS256");
        }

        /** Prosody for the realm's room tokens: their issuer, the Jitsi audience, a room claim required. */
        static Settings roomTokens(String issuer) {
            return new Settings(Set.of(issuer), Set.of(JITSI_AUDIENCE), true, "RS256");
        }

        /**
         * Prosody set up as the realm's discovery says ({@code /realms/{realm}/jitsi}): its
         * {@code prosody_accepted_issuers} and {@code prosody_accepted_audiences}, nothing else.
         */
        @SuppressWarnings("unchecked")
        static Settings fromDiscovery(KeycloakServer server, boolean requireRoomClaim) {
            HttpResponse<String> discovery = Http.send(HttpClient.newHttpClient(),
                    HttpRequest.newBuilder(URI.create(server.realmUrl() + "/jitsi")).build());
            if (discovery.statusCode() != 200) {
                throw new AssertionError("discovery -> " + discovery.statusCode() + " " + discovery.body());
            }
            Map<String, Object> doc = Json.object(discovery.body());
            return new Settings(Set.copyOf((List<String>) doc.get("prosody_accepted_issuers")),
                    Set.copyOf((List<String>) doc.get("prosody_accepted_audiences")), requireRoomClaim, "RS256");
        }
    }

    /** Prosody refuses the token; the message says which rule. */
    static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason);
        }
    }

    private final Settings settings;
    private final List<RSAKey> keys;
    private final byte[] secret;

    private ProsodyRules(Settings settings, List<RSAKey> keys, byte[] secret) {
        this.settings = settings;
        this.keys = keys;
        this.secret = secret;
    }

    static ProsodyRules withKeys(Settings settings, JWKSet jwks) {
        List<RSAKey> rsa = jwks.getKeys().stream()
                .filter(k -> k instanceof RSAKey && k.getKeyID() != null)
                .map(JWK::toRSAKey)
                .toList();
        return new ProsodyRules(settings, rsa, null);
    }

    /**
     * Prosody as Jitsi's guide configures it for {@code server} (no room claim required), with the
     * issuers and audiences the realm's discovery gives; keys fetched from the realm's /certs now.
     */
    static ProsodyRules guide(KeycloakServer server) {
        return withKeys(Settings.fromDiscovery(server, false), fetchJwks(server.oidcUrl() + "/certs"));
    }

    /** Prosody for {@code server}'s room tokens (a room claim required), as discovery says; keys from /certs now. */
    static ProsodyRules roomTokens(KeycloakServer server) {
        return withKeys(Settings.fromDiscovery(server, true), fetchJwks(server.oidcUrl() + "/certs"));
    }

    static ProsodyRules withSecret(Settings settings, byte[] secret) {
        return new ProsodyRules(settings, List.of(), secret);
    }

    /** Fetches the JWKS like Prosody's cache_keys_url. */
    static JWKSet fetchJwks(String url) {
        HttpResponse<String> response = Http.send(HttpClient.newHttpClient(), HttpRequest.newBuilder(URI.create(url)).build());
        if (response.statusCode() != 200) {
            throw new AssertionError(url + " -> " + response.statusCode());
        }
        try {
            return JWKSet.parse(response.body());
        } catch (ParseException e) {
            throw new AssertionError("JWKS unreadable: " + response.body(), e);
        }
    }

    /** The payload as raw JSON values (so a one-string aud stays distinguishable from a list). */
    static Map<String, Object> payload(String token) {
        try {
            return SignedJWT.parse(token).getPayload().toJSONObject();
        } catch (ParseException e) {
            throw new AssertionError("not a JWS: " + token, e);
        }
    }

    /** Checks the token as Prosody would when a client connects with it; returns its payload. */
    Map<String, Object> verify(String token) throws Rejected {
        return verify(token, Instant.now());
    }

    Map<String, Object> verify(String token, Instant now) throws Rejected {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new Rejected("not a signed JWT: " + e.getMessage());
        }
        Map<String, Object> header = jwt.getHeader().toJSONObject();
        if (!"JWT".equals(header.get("typ"))) {
            throw new Rejected("header typ must be \"JWT\", was " + header.get("typ"));
        }
        String alg = String.valueOf(header.get("alg"));
        if (!alg.equals(settings.signatureAlgorithm())) {
            throw new Rejected("alg " + alg + " is not the configured " + settings.signatureAlgorithm());
        }
        checkSignature(jwt, header, alg);

        Map<String, Object> claims = jwt.getPayload().toJSONObject();
        long nowSeconds = now.getEpochSecond();
        Object exp = claims.get("exp");
        if (exp != null && !(exp instanceof Number)) {
            throw new Rejected("exp is not a number");
        }
        if (exp != null && nowSeconds >= ((Number) exp).longValue()) {
            throw new Rejected("token expired");
        }
        Object nbf = claims.get("nbf");
        if (nbf != null && !(nbf instanceof Number)) {
            throw new Rejected("nbf is not a number");
        }
        if (nbf != null && nowSeconds < ((Number) nbf).longValue()) {
            throw new Rejected("token not valid yet (nbf)");
        }
        Object iss = claims.get("iss");
        if (!(iss instanceof String) || !(settings.acceptedIssuers().contains("*") || settings.acceptedIssuers().contains(iss))) {
            throw new Rejected("iss " + iss + " not in asap_accepted_issuers " + settings.acceptedIssuers());
        }
        Object aud = claims.get("aud");
        if (!settings.acceptedAudiences().contains("*")
                && (!(aud instanceof String) || !settings.acceptedAudiences().contains(aud))) {
            throw new Rejected("aud " + aud + " is not one string in asap_accepted_audiences " + settings.acceptedAudiences());
        }
        if (claims.get("sub") == null) {
            throw new Rejected("sub claim is missing");
        }
        if (settings.requireRoomClaim() && claims.get("room") == null) {
            throw new Rejected("room claim is missing");
        }
        checkContext(claims);
        return claims;
    }

    private void checkSignature(SignedJWT jwt, Map<String, Object> header, String alg) throws Rejected {
        JWSVerifier verifier;
        try {
            if (secret != null) {
                verifier = new MACVerifier(secret);
            } else {
                Object kid = header.get("kid");
                if (kid == null) {
                    throw new Rejected("kid required in key mode");
                }
                if (!alg.startsWith("RS")) {
                    throw new Rejected("key mode needs an RS* alg, was " + alg);
                }
                RSAKey key = keys.stream().filter(k -> kid.equals(k.getKeyID())).findFirst()
                        .orElseThrow(() -> new Rejected("unknown kid " + kid + " (Prosody does not refetch the keys)"));
                verifier = new RSASSAVerifier(key);
            }
            if (!jwt.verify(verifier)) {
                throw new Rejected("signature invalid");
            }
        } catch (JOSEException e) {
            throw new Rejected("signature not verifiable: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkContext(Map<String, Object> claims) throws Rejected {
        Object context = claims.get("context");
        if (context == null) {
            return;
        }
        if (!(context instanceof Map)) {
            throw new Rejected("context is not an object");
        }
        Object user = ((Map<String, Object>) context).get("user");
        if (user instanceof Map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) user).entrySet()) {
                if (!(e.getValue() instanceof String || e.getValue() instanceof Boolean)) {
                    throw new Rejected("context.user." + e.getKey() + " must be a string or boolean, was " + e.getValue());
                }
            }
        }
        Object features = ((Map<String, Object>) context).get("features");
        if (features instanceof Map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) features).entrySet()) {
                Object v = e.getValue();
                if (!(v instanceof Boolean || "true".equals(v) || "false".equals(v))) {
                    throw new Rejected("context.features." + e.getKey() + " must be true or false, was " + v);
                }
            }
        }
    }

    /** mod_token_affiliation: owner by affiliation owner/moderator/teacher or moderator true/"true". */
    @SuppressWarnings("unchecked")
    static boolean isOwner(Map<String, Object> claims) {
        Object context = claims.get("context");
        if (!(context instanceof Map) || !(((Map<String, Object>) context).get("user") instanceof Map)) {
            return false;
        }
        Map<String, Object> user = (Map<String, Object>) ((Map<String, Object>) context).get("user");
        Object affiliation = user.get("affiliation");
        Object moderator = user.get("moderator");
        return "owner".equals(affiliation) || "moderator".equals(affiliation) || "teacher".equals(affiliation)
                || Boolean.TRUE.equals(moderator) || "true".equals(moderator);
    }

    /**
     * Room check with domain verification on: the token's room (lowercased, * for any) must match
     * the room joined at {@code conference.<sub>}, or {@code [<sub>]room} for a tenant; sub * matches
     * any domain. A token without a room claim passes when the room claim is not required.
     */
    boolean allowsRoom(Map<String, Object> claims, String room, String domain, String tenant) {
        Object roomClaim = claims.get("room");
        if (roomClaim == null) {
            return !settings.requireRoomClaim();
        }
        String claimed = String.valueOf(roomClaim).toLowerCase(java.util.Locale.ROOT);
        if (!claimed.equals("*") && !claimed.equals(room)) {
            return false;
        }
        String sub = String.valueOf(claims.get("sub")).toLowerCase(java.util.Locale.ROOT);
        if (sub.equals("*")) {
            return true;
        }
        return tenant == null || tenant.isEmpty() ? sub.equals(domain) : sub.equals(tenant.toLowerCase(java.util.Locale.ROOT));
    }
}
