package io.github.keycloakjitsi.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A join link followed in a real browser (chromium): the token reaches the Jitsi page in the URL
 * fragment only, so Jitsi's server (here a stand-in on loopback, reached as meet.example.test)
 * never sees it in a request line, a log or a Referer; and whatever fragment the link carried
 * (Jitsi reads config overrides from it) is replaced by the token's.
 */
class JoinLinkBrowserIT {

    private static final String HOST = "meet.example.test";
    private static KeycloakServer server;
    private static AdminApi admin;
    private static HttpServer jitsi;
    private static final List<String> requestsSeenByJitsi = new CopyOnWriteArrayList<>();

    /**
     * Jitsi's page, as far as the token goes: it reads {@code jwt} the way jitsi-meet's
     * {@code parseJWTFromURLParams} does (restated from its sources, not copied): the fragment's
     * values {@code decodeURIComponent}d and parsed as JSON, a value that does not parse left out;
     * else the query's value as it stands. What it found is shown in {@code #jwt}.
     */
    private static final String STAND_IN = """
            <!doctype html><title>Jitsi stand-in</title><p id=meeting>meeting</p><p id=jwt></p>
            <script>
            function params(text, parse) {
              const found = {};
              const parts = text ? text.substring(1).split('&') : [];
              if (parse && parts.length === 1 && parts[0].startsWith('/')) { return found; }
              for (const part of parts) {
                const param = part.split('=');
                if (!param[0]) { continue; }
                try {
                  found[param[0]] = parse ? JSON.parse(decodeURIComponent(param[1]).replace(/\\\\&/, '&')) : param[1];
                } catch (e) { /* jitsi-meet reports it and leaves the value out */ }
              }
              return found;
            }
            const jwt = params(location.hash, true).jwt || params(location.search, false).jwt;
            document.getElementById('jwt').textContent = jwt || 'none';
            </script>
            """;

    @BeforeAll
    static void start() throws Exception {
        server = KeycloakServer.shared();
        admin = new AdminApi(server);
        jitsi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jitsi.createContext("/", exchange -> {
            requestsSeenByJitsi.add(exchange.getRequestURI() + " referer=" + exchange.getRequestHeaders().getFirst("Referer"));
            byte[] page = STAND_IN.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        jitsi.start();
    }

    @AfterAll
    static void stop() {
        jitsi.stop(0);
    }

    @Test
    void theTokenTravelsInTheFragmentAndReplacesTheLinksOwn() throws Exception {
        AdminApi.TestUser user = admin.newUser("linked");
        String jitsiUrl = "http://" + HOST + ":" + jitsi.getAddress().getPort();
        admin.withJitsiSettings(Map.of("jitsi.url", jitsiUrl), () -> {
            ChromeDriver browser = Chromium.open(1280, 900, "--host-resolver-rules=MAP " + HOST + " 127.0.0.1",
                    "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable");
            try {
                // Not signed in: the link (with a fragment of its own) goes through the login page.
                browser.get(server.realmUrl() + "/jitsi/join?room=Team%20Sync#config.startWithVideoMuted=false&jwt=forged");
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
                browser.findElement(By.id("username")).sendKeys(user.username());
                browser.findElement(By.id("password")).sendKeys(user.password());
                browser.findElement(By.id("kc-login")).click();
                String meeting = awaitMeeting(browser, jitsiUrl);
                assertThat(meeting).startsWith(jitsiUrl + "/team%20sync#jwt=%22eyJ").doesNotContain("config.", "forged", "?");
                String read = browser.findElement(By.id("jwt")).getText();
                assertThat(read).as("the token the Jitsi page reads is the one in its fragment").isEqualTo(JitsiJoinIT.jwtOf(meeting));
                assertThat(ProsodyRules.payload(read)).containsEntry("room", "team%20sync");

                // Signed in: straight to the meeting, the link's fragment replaced all the same.
                browser.get(server.realmUrl() + "/jitsi/join?room=Again#config.prejoinConfig.enabled=false");
                String again = awaitMeeting(browser, jitsiUrl + "/again");
                assertThat(again).startsWith(jitsiUrl + "/again#jwt=%22eyJ").doesNotContain("config.");
                assertThat(browser.findElement(By.id("jwt")).getText()).isEqualTo(JitsiJoinIT.jwtOf(again));
            } finally {
                browser.quit();
            }
        });
        assertThat(requestsSeenByJitsi).as("Jitsi's server saw the rooms, never a token or where the user came from")
                .contains("/team%20sync referer=null", "/again referer=null")
                .allSatisfy(r -> assertThat(r).doesNotContain("jwt", "eyJ"));
    }

    private static String awaitMeeting(ChromeDriver browser, String prefix) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().startsWith(prefix)
                && !d.findElements(By.id("meeting")).isEmpty());
        return URI.create(browser.getCurrentUrl()).toString();
    }
}
