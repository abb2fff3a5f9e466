package io.github.keycloakjitsi.it;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.FormElement;

import java.net.URI;
import java.net.http.HttpResponse;
import java.text.MessageFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser on the meetings page ({@code /realms/jitsi-realm/jitsi/meetings}), step by step over
 * HTTP: its sign-in through client jitsi-meetings, and its forms sent as a browser sends them (the
 * fields the page put there, the ones the person fills in). Cookies are kept like a browser's.
 */
final class MeetingsPageClient {

    private final KeycloakServer server;
    private final JitsiWebClient browser;
    /** The page last shown, whose forms the next post fills in. */
    private Document shown;

    MeetingsPageClient(KeycloakServer server) {
        this.server = server;
        this.browser = new JitsiWebClient(server, "jitsi-meetings");
    }

    String pageUrl() {
        return server.issuer() + "/jitsi/meetings";
    }

    JitsiWebClient browser() {
        return browser;
    }

    /** The page's words in a language, as the theme's files have them, with arguments as Keycloak formats them. */
    static String text(String locale, String key, Object... arguments) {
        Properties messages = HostsAndGuestsIT.guestMessages(locale);
        String message = messages.getProperty(key);
        assertThat(message).as("message " + key + " in " + locale).isNotNull();
        return new MessageFormat(message, Locale.forLanguageTag(locale)).format(arguments);
    }

    /**
     * Opens the page without a session and signs in as the page's login asks: to the login page of
     * client jitsi-meetings (PKCE S256, back to the callback), then back to the page.
     */
    Document signIn(AdminApi.TestUser user) {
        HttpResponse<String> toLogin = browser.get(pageUrl());
        assertThat(toLogin.statusCode()).as(toLogin.body()).isEqualTo(302);
        URI authorize = URI.create(toLogin.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(server.issuer() + "/protocol/openid-connect/auth?");
        Map<String, String> query = Http.query(authorize);
        assertThat(query).containsEntry("client_id", "jitsi-meetings").containsEntry("response_type", "code")
                .containsEntry("redirect_uri", pageUrl() + "/callback").containsEntry("code_challenge_method", "S256")
                .containsKeys("state", "code_challenge");
        HttpResponse<String> loggedIn = browser.submitLogin(browser.get(authorize.toString()), user.username(), user.password());
        assertThat(loggedIn.statusCode()).as(loggedIn.body()).isEqualTo(302);
        String callback = loggedIn.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(pageUrl() + "/callback?");
        HttpResponse<String> back = browser.get(callback);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(303);
        assertThat(back.headers().firstValue("Location")).hasValue(pageUrl());
        return page();
    }

    /** The page, shown (200). */
    Document page() {
        return show(browser.get(pageUrl()), 200);
    }

    /** An answer of the page, checked for its status and that no browser or proxy keeps it; its forms are the next post's. */
    Document show(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        shown = Jsoup.parse(response.body(), response.uri().toString());
        return shown;
    }

    /** The fields a browser sends with a form of the page shown last, with what the person typed or chose. */
    Map<String, String> fieldsOf(String formSelector, Map<String, String> typed) {
        Element form = shown.selectFirst(formSelector);
        assertThat(form).as(formSelector + " in:\n" + shown.outerHtml()).isNotNull();
        Map<String, String> fields = new LinkedHashMap<>();
        ((FormElement) form).formData().forEach(field -> fields.put(field.key(), field.value()));
        fields.putAll(typed);
        return fields;
    }

    /**
     * Posts a form of the page shown last, with the headers a browser sends: under the realm's
     * {@code Referrer-Policy: no-referrer}, {@code Origin: null} and {@code Sec-Fetch-Site: same-origin}.
     */
    HttpResponse<String> post(String formSelector, Map<String, String> typed) {
        Element form = shown.selectFirst(formSelector);
        assertThat(form).as(formSelector).isNotNull();
        return browser.send(Http.postForm(form.absUrl("action"), fieldsOf(formSelector, typed))
                .header("Origin", "null").header("Sec-Fetch-Site", "same-origin"));
    }

    /** The invite form, filled in and sent. */
    HttpResponse<String> invite(Map<String, String> typed) {
        return post("#jitsi-invite-form", typed);
    }

    /** The revoke button of one of the listed invitations, pressed. */
    HttpResponse<String> revoke(String inviteId) {
        return post("tr[data-invite-id=" + inviteId + "] form.jitsi-revoke-form", Map.of());
    }

    /** The link of a new invitation shown on the page. */
    static String linkOf(Document page) {
        Element link = page.selectFirst("#jitsi-meetings-link");
        assertThat(link).as("the new link in:\n" + page.outerHtml()).isNotNull();
        return link.attr("value");
    }

    /** The origin the browser sends with its forms: the page's own. */
    String origin() {
        URI page = URI.create(pageUrl());
        return page.getScheme() + "://" + page.getRawAuthority();
    }
}
