package io.github.keycloakjitsi.it;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.FormElement;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jitsi Meet's web client as the tests drive it, step by step over HTTP like a browser running
 * {@code config.tokenAuthUrl} and {@code static/sso.html}: authorize with PKCE S256, a nonce and
 * a JSON state; the login form; the code exchange at {@code /token} as a public client from the
 * Jitsi origin; refresh; logout with {@code id_token_hint}. Cookies are kept like a browser's.
 */
final class JitsiWebClient {

    static final String ORIGIN = "https://" + KeycloakServer.JITSI_HOST;
    static final String REDIRECT_URI = ORIGIN + "/static/sso.html";
    static final String POST_LOGOUT_URI = ORIGIN + "/static/logout.html";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeycloakServer server;
    private final String clientId;
    private final String origin;
    private final String redirectUri;
    private final String postLogoutUri;
    private final BrowserCookies cookies;
    private final HttpClient browser;

    private JitsiWebClient(KeycloakServer server, String clientId, BrowserCookies cookies) {
        this(server, clientId, cookies, "https://" + server.jitsiHost() + "/static/sso.html");
    }

    private JitsiWebClient(KeycloakServer server, String clientId, BrowserCookies cookies, String redirectUri) {
        this.server = server;
        this.clientId = clientId;
        URI redirect = URI.create(redirectUri);
        this.origin = redirect.getScheme() + "://" + redirect.getRawAuthority();
        this.redirectUri = redirectUri;
        this.postLogoutUri = origin + "/static/logout.html";
        this.cookies = cookies;
        this.browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    JitsiWebClient(KeycloakServer server, String clientId) {
        this(server, clientId, new BrowserCookies());
    }

    /**
     * The same browser signing in to another client of the realm that returns to its own redirect
     * URI, such as the account console ({@code <realm>/account/}).
     */
    JitsiWebClient onClient(String otherClientId, String otherRedirectUri) {
        return new JitsiWebClient(server, otherClientId, cookies, otherRedirectUri);
    }

    /** The same browser (its cookies, its SSO session) signing in to another client of the realm. */
    JitsiWebClient onClient(String otherClientId) {
        return new JitsiWebClient(server, otherClientId, cookies);
    }

    /** The same browser (its cookies, its SSO session) with its requests sent to another node of a cluster. */
    JitsiWebClient onNode(KeycloakServer node) {
        return new JitsiWebClient(node, clientId, cookies);
    }

    JitsiWebClient(KeycloakServer server) {
        this(server, "jitsi");
    }

    /** What sso.html gets from /token, and the CORS answer it came with. */
    record Tokens(String accessToken, String idToken, String refreshToken, String allowedOrigin, Map<String, Object> response) {
    }

    /** The state Jitsi's client puts in {@code {state}}: JSON, URL-encoded by the URL template. */
    static String jitsiState(String room) {
        return Json.write(Map.of("room", room, "roomSafe", room, "tenant", "", "config.prejoinConfig.enabled", false));
    }

    static String randomUrlSafe(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** config.tokenAuthUrl of Jitsi's guide, with {state} and {code_challenge} filled, plus the nonce of tokenAuthInline. */
    String authorizeUrl(String state, String codeChallenge, String nonce) {
        return authorizeUrl(state, codeChallenge, nonce, "openid");
    }

    /** The same, asking for other scopes (e.g. {@code openid offline_access}). */
    String authorizeUrl(String state, String codeChallenge, String nonce, String scope) {
        return server.oidcUrl() + "/auth?client_id=" + clientId + "&response_type=code&scope=" + Http.encode(scope)
                + "&state=" + Http.encode(state)
                + "&redirect_uri=" + redirectUri
                + "&code_challenge=" + codeChallenge + "&code_challenge_method=S256"
                + "&nonce=" + nonce;
    }

    /** The whole login: every step is checked on the way, as sso.html would need it. */
    Tokens login(String username, String password) {
        return login(username, password, "openid");
    }

    /** The whole login asking for {@code scope}. */
    Tokens login(String username, String password, String scope) {
        String verifier = randomUrlSafe(48);
        String nonce = randomUrlSafe(16);
        String state = jitsiState("weeklymeeting");

        HttpResponse<String> submitted = submitLogin(get(authorizeUrl(state, s256(verifier), nonce, scope)), username, password);
        assertThat(submitted.statusCode()).as("login answer: " + submitted.body()).isEqualTo(302);

        URI redirect = URI.create(submitted.headers().firstValue("Location").orElseThrow());
        assertThat(redirect.toString()).startsWith(redirectUri + "?");
        Map<String, String> params = Http.query(redirect);
        assertThat(params.get("state")).as("state comes back unchanged").isEqualTo(state);
        assertThat(params.get("iss")).isEqualTo(server.issuer());
        String code = params.get("code");
        assertThat(code).isNotBlank();

        Tokens tokens = token(Map.of(
                "grant_type", "authorization_code",
                "code", code,
                "code_verifier", verifier,
                "client_id", clientId,
                "redirect_uri", redirectUri));
        assertThat(tokens.accessToken()).as("sso.html needs access_token").isNotBlank();
        assertThat(tokens.idToken()).as("sso.html needs id_token").isNotBlank();
        assertThat(ProsodyRules.payload(tokens.idToken()).get("nonce")).as("id token nonce").isEqualTo(nonce);
        return tokens;
    }

    /** Fills in and submits the realm's login form shown by {@code loginPage}; returns Keycloak's answer. */
    HttpResponse<String> submitLogin(HttpResponse<String> loginPage, String username, String password) {
        assertThat(loginPage.statusCode()).as("login page").isEqualTo(200);
        Document page = Jsoup.parse(loginPage.body(), loginPage.uri().toString());
        FormElement form = (FormElement) page.selectFirst("form#kc-form-login");
        assertThat(form).as("login form in:\n" + loginPage.body()).isNotNull();
        form.selectFirst("input[name=username]").val(username);
        form.selectFirst("input[name=password]").val(password);
        // What a browser submits: jsoup's form data (inputs, their values, no disabled fields).
        Map<String, String> fields = new LinkedHashMap<>();
        form.formData().forEach(field -> fields.put(field.key(), field.value()));
        return send(Http.postForm(form.absUrl("action"), fields));
    }

    /** sso.html's POST to https://{tokenService}/token, from the Jitsi page's origin. */
    Tokens token(Map<String, String> form) {
        HttpResponse<String> response = send(Http.postForm(server.oidcUrl() + "/token", form).header("Origin", origin));
        assertThat(response.statusCode()).as("/token: " + response.body()).isEqualTo(200);
        Map<String, Object> body = Json.object(response.body());
        return new Tokens((String) body.get("access_token"), (String) body.get("id_token"), (String) body.get("refresh_token"),
                response.headers().firstValue("Access-Control-Allow-Origin").orElse(null), body);
    }

    Tokens refresh(String refreshToken) {
        return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId));
    }

    /** The refresh grant's raw answer, for checking a refusal. */
    HttpResponse<String> refreshRaw(String refreshToken) {
        return send(Http.postForm(server.oidcUrl() + "/token",
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId))
                .header("Origin", origin));
    }

    /** config.tokenLogoutUrl + id_token_hint, as Jitsi's hidden logout iframe loads it. */
    HttpResponse<String> logout(String idToken) {
        return get(server.oidcUrl() + "/logout?post_logout_redirect_uri=" + Http.encode(postLogoutUri)
                + "&id_token_hint=" + idToken);
    }

    HttpResponse<String> userInfo(String accessToken) {
        return send(HttpRequest.newBuilder(URI.create(server.oidcUrl() + "/userinfo"))
                .header("Authorization", "Bearer " + accessToken));
    }

    /** Drops every cookie, as a new browser would start. */
    void forgetCookies() {
        cookies.clear();
    }

    /** The Cookie header this browser would send to {@code url} (its SSO session, for a request made by other means). */
    String cookieHeader(String url) {
        try {
            return String.join("; ", cookies.get(URI.create(url), Map.of()).getOrDefault("Cookie", java.util.List.of()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code POST /jitsi/token} of the realm as seen from outside (through the "proxy" when there is a frontend URL). */
    HttpResponse<String> roomToken(String accessToken, Map<String, String> form) {
        return send(Http.postForm(server.issuer() + "/jitsi/token", form).header("Authorization", "Bearer " + accessToken));
    }

    HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)));
    }

    /** A GET with a bearer token from the Jitsi page's origin, as a web app asks. */
    HttpResponse<String> get(String url, String accessToken) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + accessToken).header("Origin", origin));
    }

    /** A form posted like a browser posts it (application/x-www-form-urlencoded, UTF-8). */
    HttpResponse<String> post(String url, Map<String, String> form) {
        return send(Http.postForm(url, form));
    }

    /** {@code POST /jitsi/invites} of the realm, as a Jitsi web app of the host would send it. */
    HttpResponse<String> createInvite(String accessToken, Map<String, String> form) {
        return send(Http.postForm(server.issuer() + "/jitsi/invites", form).header("Authorization", "Bearer " + accessToken)
                .header("Origin", origin));
    }

    /** {@code GET /jitsi/invites}: the host's live invitations. */
    HttpResponse<String> invites(String accessToken) {
        return send(HttpRequest.newBuilder(URI.create(server.issuer() + "/jitsi/invites"))
                .header("Authorization", "Bearer " + accessToken).header("Origin", origin));
    }

    /** {@code DELETE /jitsi/invites/{id}}. */
    HttpResponse<String> revokeInvite(String accessToken, String id) {
        return send(HttpRequest.newBuilder(URI.create(server.issuer() + "/jitsi/invites/" + id)).DELETE()
                .header("Authorization", "Bearer " + accessToken).header("Origin", origin));
    }

    /** Sends like a browser: URLs under the realm's frontend URL go through the "proxy" to the server. */
    HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        String[] proxied = server.proxied(built.uri().toString());
        if (proxied != null) {
            built = HttpRequest.newBuilder(built, (name, value) -> true)
                    .uri(URI.create(proxied[0]))
                    .header("X-Forwarded-Proto", proxied[1])
                    .header("X-Forwarded-Host", proxied[2])
                    .build();
        }
        return Http.send(browser, built);
    }
}
