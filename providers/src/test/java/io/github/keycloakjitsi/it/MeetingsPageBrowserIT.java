package io.github.keycloakjitsi.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.github.keycloakjitsi.it.MeetingsPageClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meetings page in a real browser (Debian's chromium, headless): a host signs in from the
 * page's address, invites a guest, copies the link with the page's button, finds the invitation
 * listed with its room as typed and its dates, and revokes it; the guest opens the link and lands
 * in the meeting (a stand-in for Jitsi on loopback, reached as meet.example.test), later reads
 * that the invitation ended; an admin lists and revokes any host's invitation; a form another site
 * posts changes nothing. Desktop (1280x900) and phone (390x844), in each language; screenshots go
 * to providers/target/screenshots/meetings-*.png.
 */
class MeetingsPageBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String JITSI_HOST = "meet.example.test";
    private static KeycloakServer server;
    private static AdminApi admin;
    private static HttpServer jitsi;
    private static HttpServer otherSite;
    /** The page another site serves: a form posted to the meetings page as soon as it loads. */
    private static volatile String otherSitesPage = "";
    private final List<ChromeDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        Files.createDirectories(SCREENSHOTS);
        jitsi = serve("<!doctype html><title>Jitsi stand-in</title><p id=meeting>meeting</p>");
        otherSite = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        otherSite.createContext("/", exchange -> {
            byte[] page = otherSitesPage.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        otherSite.start();
    }

    private static HttpServer serve(String html) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            byte[] page = html.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        http.start();
        return http;
    }

    @AfterAll
    static void stop() {
        jitsi.stop(0);
        otherSite.stop(0);
    }

    @AfterEach
    void quit() {
        browsers.forEach(ChromeDriver::quit);
        browsers.clear();
    }

    private ChromeDriver open(int width, int height, String locale) throws IOException {
        ChromeDriver browser = Chromium.open(width, height, "--accept-lang=" + locale, "--lang=" + locale,
                "--host-resolver-rules=MAP " + JITSI_HOST + " 127.0.0.1", "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable");
        // The page's viewport exactly this size (a phone's is a mobile one), so the screenshots are too.
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", width < 600));
        browsers.add(browser);
        return browser;
    }

    private static String pageUrl() {
        return server.realmUrl() + "/jitsi/meetings";
    }

    private static WebElement await(ChromeDriver browser, By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Opens the page's address and signs in on the login page it leads to. */
    private static void signIn(ChromeDriver browser, AdminApi.TestUser user) {
        browser.get(pageUrl());
        await(browser, By.id("username")).sendKeys(user.username());
        browser.findElement(By.id("password")).sendKeys(user.password());
        browser.findElement(By.id("kc-login")).click();
        await(browser, By.id("jitsi-meetings"));
        assertThat(browser.getCurrentUrl()).isEqualTo(pageUrl());
    }

    private static void screenshot(ChromeDriver browser, String name) throws IOException {
        Files.write(SCREENSHOTS.resolve("meetings-" + name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** Nothing sticks out sideways: the page fits the window's width. */
    private static void assertFitsTheWidth(ChromeDriver browser) {
        Long scrollWidth = (Long) browser.executeScript("return document.documentElement.scrollWidth;");
        Long viewport = (Long) browser.executeScript("return window.innerWidth;");
        assertThat(scrollWidth).as("no sideways scrolling").isLessThanOrEqualTo(viewport);
    }

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @CsvSource({"en, 1280, 900", "en, 390, 844"})
    void aHostInvitesCopiesTheLinkSeesItListedAndRevokesItAndTheGuestGetsInThenNoMore(String locale, int width, int height)
            throws Exception {
        AdminApi.TestUser host = admin.newUser("browserhost");
        String jitsiUrl = "http://" + JITSI_HOST + ":" + jitsi.getAddress().getPort();
        admin.withJitsiSettings(Map.of("jitsi.url", jitsiUrl), () -> {
            ChromeDriver browser = open(width, height, locale);
            browser.executeCdpCommand("Browser.grantPermissions", Map.of("origin", server.baseUrl(),
                    "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
            signIn(browser, host);
            assertFitsTheWidth(browser);
            screenshot(browser, "host-" + locale + "-" + width);

            browser.findElement(By.id("jitsi-invite-room")).sendKeys("Board Meeting");
            new Select(browser.findElement(By.id("jitsi-invite-valid"))).selectByValue("604800");
            browser.findElement(By.id("jitsi-invite-uses")).sendKeys("3");
            browser.findElement(By.id("jitsi-invite-create")).click();

            WebElement link = await(browser, By.id("jitsi-meetings-link"));
            String url = link.getDomProperty("value");
            assertThat(url).matches(java.util.regex.Pattern.quote(server.realmUrl() + "/jitsi/invite/") + "[A-Za-z0-9]{32}");
            assertThat(browser.getCurrentUrl()).as("the link is in no address").doesNotContain(url.substring(url.lastIndexOf('/') + 1));
            assertThat(link.getRect().getX() + link.getRect().getWidth()).isLessThanOrEqualTo(width);
            assertFitsTheWidth(browser);
            screenshot(browser, "made-" + locale + "-" + width);

            WebElement copy = browser.findElement(By.id("jitsi-meetings-copy"));
            copy.click();
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> copy.getText().equals(text(locale, "jitsiMeetingsCopied")));
            Object copied = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "navigator.clipboard.readText().then(done, e => done('error: ' + e));");
            assertThat(copied).as("the copy button put the link on the clipboard").isEqualTo(url);

            // The page again: the link is gone for good, the invitation is listed with its room as typed and dates.
            browser.get(pageUrl());
            WebElement row = await(browser, By.cssSelector("tr.jitsi-invite"));
            assertThat(browser.findElements(By.id("jitsi-meetings-link"))).isEmpty();
            assertThat(browser.getPageSource()).doesNotContain(url.substring(url.lastIndexOf('/') + 1));
            assertThat(row.findElement(By.cssSelector(".jitsi-room")).getText()).isEqualTo("Board Meeting");
            WebElement ends = row.findElement(By.cssSelector("time.jitsi-ends"));
            Instant end = Instant.parse(ends.getDomAttribute("datetime"));
            assertThat(end).isBetween(Instant.now().plus(Duration.ofDays(7)).minusSeconds(600), Instant.now().plus(Duration.ofDays(7)).plusSeconds(600));
            assertThat(ends.getText()).as("shown as a date in the browser's time zone").contains(String.valueOf(end.atZone(java.time.ZoneId.systemDefault()).getYear()))
                    .doesNotContain("UTC");
            assertThat(row.findElement(By.cssSelector(".jitsi-uses")).getText()).isEqualTo(text(locale, "jitsiMeetingsUsesLeft", 3, 3));
            assertFitsTheWidth(browser);
            browser.executeScript("arguments[0].scrollIntoView({block: 'center'});", row);
            screenshot(browser, "list-" + locale + "-" + width);

            // The guest, in a browser of their own: the room as the host typed it, then the meeting.
            ChromeDriver guest = open(width, height, locale);
            guest.get(url);
            assertThat(await(guest, By.id("jitsi-invite-room-name")).getText()).isEqualTo("Board Meeting");
            guest.findElement(By.id("name")).sendKeys("Dora Guest");
            guest.findElement(By.id("jitsi-invite-join")).click();
            new WebDriverWait(guest, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().startsWith(jitsiUrl + "/board%20meeting#jwt=")
                    && !d.findElements(By.id("meeting")).isEmpty());

            browser.navigate().refresh();
            assertThat(await(browser, By.cssSelector("tr.jitsi-invite .jitsi-uses")).getText())
                    .isEqualTo(text(locale, "jitsiMeetingsUsesLeft", 2, 3));
            browser.findElement(By.cssSelector("tr.jitsi-invite button.jitsi-revoke")).click();
            assertThat(await(browser, By.cssSelector(".pf-v5-c-alert.pf-m-success")).getText()).contains(text(locale, "jitsiMeetingsRevoked"));
            assertThat(browser.findElements(By.cssSelector("tr.jitsi-invite"))).isEmpty();

            guest.get(url);
            assertThat(await(guest, By.id("kc-page-title")).getText()).isEqualTo(text(locale, "jitsiInviteRefusedTitle_invite_ended"));
            assertThat(guest.findElement(By.id("jitsi-invite-meeting")).getDomAttribute("href")).isEqualTo(jitsiUrl + "/board%20meeting");
            assertFitsTheWidth(guest);
            screenshot(guest, "refused-" + locale + "-" + width);
        });
    }

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @CsvSource({"de, 1280, 900", "fr, 390, 844", "es, 1280, 900", "de, 390, 844"})
    void thePageSpeaksTheBrowsersLanguageAtEveryWidth(String locale, int width, int height) throws Exception {
        ChromeDriver browser = open(width, height, locale);
        signIn(browser, admin.newUser("browserlang"));
        assertThat(browser.findElement(By.id("kc-page-title")).getText()).isEqualTo(text(locale, "jitsiMeetingsTitle"));
        assertThat(browser.findElement(By.id("jitsi-invite-create")).getText()).isEqualTo(text(locale, "jitsiMeetingsInvite"));
        assertThat(browser.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo(locale);
        browser.findElement(By.id("jitsi-invite-room")).sendKeys("Café Team");
        browser.findElement(By.id("jitsi-invite-name")).sendKeys("Dora Guest");
        browser.findElement(By.id("jitsi-invite-create")).click();
        await(browser, By.id("jitsi-meetings-link"));
        assertThat(browser.findElement(By.cssSelector("tr.jitsi-invite .jitsi-guest-name")).getText()).isEqualTo("Dora Guest");
        assertThat(browser.findElement(By.cssSelector("tr.jitsi-invite .jitsi-room")).getText()).isEqualTo("Café Team");
        assertFitsTheWidth(browser);
        screenshot(browser, "made-" + locale + "-" + width);
    }

    @ParameterizedTest(name = "at {0}x{1}")
    @CsvSource({"1280, 900", "390, 844"})
    void someoneWhoMayNotHostReadsWhy(int width, int height) throws Exception {
        ChromeDriver browser = open(width, height, "en");
        signIn(browser, admin.newNonHost("browsernonhost"));
        WebElement why = browser.findElement(By.id("jitsi-meetings-not-a-host"));
        assertThat(why.getText()).contains(text("en", "jitsiMeetingsNotAHostTitle"), "jitsi-host");
        assertThat(browser.findElements(By.id("jitsi-invite-form"))).isEmpty();
        assertFitsTheWidth(browser);
        screenshot(browser, "not-a-host-en-" + width);
    }

    @ParameterizedTest(name = "at {0}x{1}")
    @CsvSource({"1280, 900", "390, 844"})
    void anAdminListsEveryHostsInvitationsAndRevokesOne(int width, int height) throws Exception {
        AdminApi.TestUser host = admin.newUser("browserhosted", u -> {
            u.setFirstName("Grace");
            u.setLastName("Hopper");
        });
        Map<String, Object> invite = InvitesIT.invite(server, InvitesIT.hostToken(server, host), Map.of("room", "Quarterly Review"));
        AdminApi.TestUser manager = admin.newNonHost("browseradmin");
        admin.grantClientRole(manager.id(), admin.client("realm-management").getId(), "manage-realm");

        ChromeDriver browser = open(width, height, "en");
        signIn(browser, manager);
        browser.findElement(By.id("jitsi-meetings-admin")).click();
        WebElement row = await(browser, By.cssSelector("tr[data-invite-id='" + invite.get("id") + "']"));
        assertThat(row.findElement(By.cssSelector(".jitsi-host")).getText()).isEqualTo("Grace Hopper");
        assertThat(row.findElement(By.cssSelector(".jitsi-room")).getText()).isEqualTo("Quarterly Review");
        assertThat(row.findElement(By.cssSelector(".jitsi-state")).getText()).isEqualTo(text("en", "jitsiMeetingsState_live"));
        assertThat(row.findElement(By.cssSelector("time.jitsi-created")).getText()).doesNotMatch("\\d{9,}");
        assertFitsTheWidth(browser);
        screenshot(browser, "admin-en-" + width);

        row.findElement(By.cssSelector("button.jitsi-revoke")).click();
        WebElement after = await(browser, By.cssSelector("tr[data-invite-id='" + invite.get("id") + "'] .jitsi-state"));
        assertThat(after.getText()).isEqualTo(text("en", "jitsiMeetingsState_revoked"));
        assertThat(browser.findElement(By.cssSelector(".pf-v5-c-alert.pf-m-success")).getText()).contains(text("en", "jitsiMeetingsRevoked"));
        InvitesIT.assertNoEntry(new JitsiWebClient(server).get((String) invite.get("url")), 410, "jitsiInvite_invite_ended");
    }

    /**
     * Another site's page posts the page's forms with the host's SSO cookie (SameSite=None: the
     * browser sends it along): refused as not the page's own, nothing made or revoked.
     */
    @Test
    void formsAnotherSitePostsChangeNothing() throws Exception {
        AdminApi.TestUser host = admin.newUser("browservictim");
        Map<String, Object> kept = InvitesIT.invite(server, InvitesIT.hostToken(server, host), Map.of("room", "Kept"));
        ChromeDriver browser = open(1280, 900, "en");
        signIn(browser, host);
        // Served as localhost: another site than 127.0.0.1, where Keycloak is.
        String attacker = "http://localhost:" + otherSite.getAddress().getPort() + "/";
        for (String[] form : List.of(
                new String[]{"/invites", "<input name=room value=Forged><input name=form_id value=" + java.util.UUID.randomUUID() + ">"},
                new String[]{"/revoke", "<input name=id value=" + kept.get("id") + ">"})) {
            otherSitesPage = "<!doctype html><title>Win a prize</title><form method=post action=\"" + pageUrl() + form[0] + "\">"
                    + form[1] + "</form><script>document.forms[0].submit()</script>";
            browser.get(attacker);
            WebElement title = await(browser, By.id("jitsi-meetings-back"));
            assertThat(browser.getCurrentUrl()).isEqualTo(pageUrl() + form[0]);
            assertThat(browser.findElement(By.tagName("main")).getText())
                    .contains(text("en", "jitsiMeetings_invalid_form"));
            assertThat(title.getDomAttribute("href")).isEqualTo(pageUrl());
        }
        screenshot(browser, "cross-site-refused-en-1280");
        assertThat(admin.events("OAUTH2_EXTENSION_GRANT_ERROR")).filteredOn(e -> host.id().equals(e.getUserId()))
                .as("the browser did send the SSO cookie: the page knew whose session it was, and refused")
                .extracting(e -> e.getError()).contains("invalid_form");

        browser.get(pageUrl());
        assertThat(await(browser, By.cssSelector("tr.jitsi-invite .jitsi-room")).getText()).isEqualTo("Kept");
        assertThat(browser.findElements(By.cssSelector("tr.jitsi-invite"))).hasSize(1);
    }

    /** Where users already are: the account console lists the page's client under Applications, in their language, with a link to it. */
    @Test
    void theAccountConsoleLinksToThePage() throws Exception {
        ChromeDriver browser = open(1280, 900, "de");
        signIn(browser, admin.newUser("browseraccount"));
        browser.get(server.realmUrl() + "/account/applications");
        String name = text("de", "jitsiMeetingsClientName");
        WebElement link = await(browser, By.xpath("//a[contains(normalize-space(.), '" + name + "')]"));
        screenshot(browser, "account-console-applications-de-1280");
        String console = browser.getWindowHandle();
        link.click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getWindowHandles().size() > 1);
        browser.switchTo().window(browser.getWindowHandles().stream().filter(h -> !h.equals(console)).findFirst().orElseThrow());
        await(browser, By.id("jitsi-meetings"));
        assertThat(browser.getCurrentUrl()).isEqualTo(pageUrl());
        assertThat(browser.findElement(By.id("kc-page-title")).getText()).isEqualTo(text("de", "jitsiMeetingsTitle"));
    }
}
