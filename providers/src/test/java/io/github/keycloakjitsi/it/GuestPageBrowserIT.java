package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static io.github.keycloakjitsi.it.JitsiTokenEndpointIT.MEETING_BASE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guest page of the login gate in a real browser (chromium): someone who may not start
 * meetings signs in through the meeting link's login (/jitsi/join) and reads, in their language, that they can join as
 * a guest, with the button back to the meeting they came from; at desktop and at phone width.
 * Screenshots go to providers/target/screenshots/.
 */
class GuestPageBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static KeycloakServer server;
    private ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        server = KeycloakServer.shared();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @CsvSource({"en, 1280, 900", "en, 390, 844", "de, 1280, 900", "fr, 390, 844", "es, 1280, 900"})
    void aGuestIsToldTheyCanJoinAsAGuestAndGetsTheWayBack(String locale, int width, int height) throws Exception {
        AdminApi.TestUser guest = new AdminApi(server).newNonHost("browserguest");
        // The browser's language, as a person's browser says it (Accept-Language).
        browser = Chromium.open(width, height, "--accept-lang=" + locale, "--lang=" + locale);
        // The full-page way in (TOKEN_AUTH_URL): /jitsi/join sends the browser to the login page.
        browser.get(server.realmUrl() + "/jitsi/join?room=Quarterly%20Review");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(guest.username());
        browser.findElement(By.id("password")).sendKeys(guest.password());
        browser.findElement(By.id("kc-login")).click();

        WebElement back = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("jitsi-join-as-guest")));
        Properties messages = HostsAndGuestsIT.guestMessages(locale);
        assertThat(browser.findElement(By.id("kc-page-title")).getText()).isEqualTo(messages.getProperty("jitsiHostRequiredTitle"));
        assertThat(browser.findElement(By.id("jitsi-host-required")).getText()).contains(messages.getProperty("jitsiHostRequiredGuest"));
        assertThat(back.getText()).isEqualTo(messages.getProperty("jitsiJoinAsGuest"));
        assertThat(back.getDomAttribute("href")).isEqualTo(MEETING_BASE + "quarterly%20review");
        assertThat(browser.getCurrentUrl()).as("no code reached Jitsi").doesNotContain("code=").doesNotContain("sso.html");
        Long scrollWidth = (Long) browser.executeScript("return document.documentElement.scrollWidth;");
        Long viewport = (Long) browser.executeScript("return window.innerWidth;");
        assertThat(scrollWidth).as("no sideways scrolling").isLessThanOrEqualTo(viewport);
        assertThat(back.getRect().getX() + back.getRect().getWidth()).isLessThanOrEqualTo(viewport.intValue());
        Files.write(SCREENSHOTS.resolve("guest-page-" + locale + "-" + width + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
