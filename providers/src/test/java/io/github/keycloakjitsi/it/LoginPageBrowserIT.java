package io.github.keycloakjitsi.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meeting login page in a real browser (Debian's chromium, headless, through chromedriver):
 * opened through the authorize URL as Jitsi opens it, typed into and clicked through to the
 * redirect, at desktop and phone width, light and dark, in each language the theme ships.
 * Screenshots go to providers/target/screenshots/.
 */
class LoginPageBrowserIT {

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

    private ChromeDriver open(int width, int height) throws IOException {
        browser = Chromium.open(width, height);
        return browser;
    }

    private static String authorizeUrl(String locale) {
        String url = new JitsiWebClient(server).authorizeUrl(JitsiWebClient.jitsiState("weeklymeeting"),
                JitsiWebClient.s256(JitsiWebClient.randomUrlSafe(48)), JitsiWebClient.randomUrlSafe(16));
        return locale == null ? url : url + "&ui_locales=" + locale;
    }

    private static WebElement await(ChromeDriver driver, By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void screenshot(ChromeDriver driver, String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    /** The theme's own wording, read from the theme files, so the test follows them. */
    static Properties messages(String locale) {
        try {
            Properties p = new Properties();
            p.load(new StringReader(ProjectFiles.read("themes/jitsi/login/messages/messages_" + locale + ".properties")));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRealLoginAtDesktopWidthReachesJitsisRedirect() throws Exception {
        AdminApi.TestUser user = new AdminApi(server).newUser("browser");
        ChromeDriver driver = open(1280, 900);
        driver.get(authorizeUrl(null));

        WebElement title = await(driver, By.id("kc-page-title"));
        assertThat(title.getText()).isEqualTo(messages("en").getProperty("loginAccountTitle"));
        assertThat(driver.getTitle()).isEqualTo(messages("en").getProperty("loginTitle"));
        assertThat(driver.findElement(By.cssSelector("div.kc-logo-text")).getCssValue("background-image")).contains("/login/jitsi/img/logo.svg");
        assertThat(driver.findElement(By.id("kc-login")).getText()).isEqualTo(messages("en").getProperty("doLogIn"));
        screenshot(driver, "login-desktop-light");

        driver.findElement(By.id("username")).sendKeys(user.username());
        driver.findElement(By.id("password")).sendKeys(user.password());
        screenshot(driver, "login-desktop-filled");
        driver.findElement(By.id("kc-login")).click();

        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().startsWith("https://" + server.jitsiHost() + "/static/sso.html"));
        Map<String, String> params = Http.query(URI.create(driver.getCurrentUrl()));
        assertThat(params).containsKeys("code", "state");
        assertThat(params.get("state")).isEqualTo(JitsiWebClient.jitsiState("weeklymeeting"));
    }

    @Test
    void atPhoneWidthTheCardFitsTheScreen() throws Exception {
        ChromeDriver driver = open(390, 844);
        driver.get(authorizeUrl(null));
        await(driver, By.id("kc-form-login"));
        Long scrollWidth = (Long) driver.executeScript("return document.documentElement.scrollWidth;");
        Long viewport = (Long) driver.executeScript("return window.innerWidth;");
        assertThat(scrollWidth).as("no sideways scrolling").isLessThanOrEqualTo(viewport);
        WebElement card = driver.findElement(By.cssSelector(".pf-v5-c-login__main"));
        assertThat(card.getRect().getWidth()).isLessThanOrEqualTo(viewport.intValue());
        assertThat(driver.findElement(By.id("kc-login")).isDisplayed()).isTrue();
        screenshot(driver, "login-phone-light");
    }

    @Test
    void inDarkModeThePageTurnsDark() throws Exception {
        ChromeDriver driver = open(1280, 900);
        driver.get(authorizeUrl(null));
        await(driver, By.id("kc-form-login"));
        String lightCard = driver.findElement(By.cssSelector(".pf-v5-c-login__main")).getCssValue("background-color");

        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        driver.get(authorizeUrl(null));
        await(driver, By.id("kc-form-login"));
        assertThat(driver.findElement(By.tagName("html")).getAttribute("class")).contains("pf-v5-theme-dark");
        assertThat(driver.findElement(By.cssSelector(".pf-v5-c-login__main")).getCssValue("background-color")).isNotEqualTo(lightCard);
        screenshot(driver, "login-desktop-dark");

        driver.manage().window().setSize(new Dimension(390, 844));
        driver.navigate().refresh();
        await(driver, By.id("kc-form-login"));
        screenshot(driver, "login-phone-dark");
    }

    @ParameterizedTest
    @ValueSource(strings = {"de", "fr", "es"})
    void eachLanguageHasItsOwnWording(String locale) throws Exception {
        ChromeDriver driver = open(1280, 900);
        driver.get(authorizeUrl(locale));
        Properties messages = messages(locale);
        assertThat(await(driver, By.id("kc-page-title")).getText()).isEqualTo(messages.getProperty("loginAccountTitle"));
        assertThat(driver.findElement(By.id("kc-login")).getText()).isEqualTo(messages.getProperty("doLogIn"));
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(locale);
        screenshot(driver, "login-desktop-" + locale);
    }
}
