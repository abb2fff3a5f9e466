package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exact links each of Jitsi's apps is handed, and what the app makes of them ({@link JitsiMeetLinks}). */
class JitsiAppTest {

    private static final URI JITSI = URI.create("https://meet.example.com");
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJyb29tIjoiciJ9.c2ln";

    @Test
    void iosGetsItsSchemeWithTheTokenQuotedInTheFragment() {
        String link = JitsiApp.IOS.link(JITSI, "acme/team%20sync", TOKEN);
        assertThat(link).isEqualTo("org.jitsi.meet://meet.example.com/acme/team%20sync#jwt=%22" + TOKEN + "%22");
        String opened = JitsiMeetLinks.mobileAppOpens(link);
        assertThat(opened).startsWith("https://meet.example.com/acme/team%20sync#");
        assertThat(JitsiMeetLinks.jwtInPage(opened)).isEqualTo(TOKEN);
    }

    @Test
    void androidGetsAnIntentOnlyJitsisPackageTakesWithTheTokenInItsQuery() {
        String link = JitsiApp.ANDROID.link(JITSI, "team%20sync", TOKEN);
        assertThat(link).isEqualTo("intent://meet.example.com/team%20sync?jwt=" + TOKEN
                + "#Intent;scheme=org.jitsi.meet;package=org.jitsi.meet;end");
        assertThat(JitsiMeetLinks.androidIntentData(link)).isEqualTo("org.jitsi.meet://meet.example.com/team%20sync?jwt=" + TOKEN);
        assertThat(JitsiMeetLinks.jwtInPage(JitsiMeetLinks.mobileAppOpens(link))).isEqualTo(TOKEN);
    }

    @Test
    void theDesktopAppGetsItsSchemeAndFindsServerRoomAndToken() {
        String link = JitsiApp.DESKTOP.link(JITSI, "acme/team%20sync", TOKEN);
        assertThat(link).isEqualTo("jitsi-meet://meet.example.com/acme/team%20sync#jwt=%22" + TOKEN + "%22");
        JitsiMeetLinks.DesktopMeeting meeting = JitsiMeetLinks.desktopAppOpens(link);
        assertThat(meeting.server()).isEqualTo("meet.example.com/acme");
        assertThat(meeting.room()).isEqualTo("team%20sync");
        assertThat(JitsiMeetLinks.jwtInPage(meeting.url())).isEqualTo(TOKEN);
    }

    @Test
    void aJitsiUrlWithPortAndPathStaysWhole() {
        URI jitsi = URI.create("https://meet.example.com:8443/video");
        assertThat(JitsiMeetLinks.mobileAppOpens(JitsiApp.IOS.link(jitsi, "r", null))).isEqualTo("https://meet.example.com:8443/video/r");
        assertThat(JitsiMeetLinks.mobileAppOpens(JitsiApp.ANDROID.link(jitsi, "r", null))).isEqualTo("https://meet.example.com:8443/video/r");
        assertThat(JitsiMeetLinks.desktopAppOpens(JitsiApp.DESKTOP.link(jitsi, "r", null)).server()).isEqualTo("meet.example.com:8443/video");
    }

    @Test
    void aGuestsLinkCarriesNoToken() {
        for (JitsiApp app : JitsiApp.values()) {
            assertThat(app.link(JITSI, "r", null)).doesNotContain("jwt");
        }
    }

    @Test
    void theStateKeysAreJitsiMeets() {
        assertThat(JitsiApp.ofStateKey("ios")).contains(JitsiApp.IOS);
        assertThat(JitsiApp.ofStateKey("android")).contains(JitsiApp.ANDROID);
        assertThat(JitsiApp.ofStateKey("electron")).contains(JitsiApp.DESKTOP);
        assertThat(JitsiApp.ofStateKey("IOS")).isEmpty();
        assertThat(JitsiApp.ofStateKey("desktop")).isEmpty();
    }

    @Test
    void everyAppIsOnByDefaultAndEachCanBeSwitchedOff() throws Exception {
        Map<String, String> config = Map.of(RoomTokenSettings.JITSI_URL.key(), "https://meet.example.com");
        assertThat(JitsiSettings.parse(config).roomTokens().apps()).containsExactlyInAnyOrder(JitsiApp.values());
        for (JitsiApp off : JitsiApp.values()) {
            Map<String, String> withOneOff = new java.util.HashMap<>(config);
            withOneOff.put(off.setting().key(), "false");
            assertThat(JitsiSettings.parse(withOneOff).roomTokens().apps()).doesNotContain(off).hasSize(JitsiApp.values().length - 1);
        }
        assertThatThrownBy(() -> JitsiSettings.parse(Map.of(JitsiApp.IOS.setting().key(), "yes")))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("Jitsi apps: iOS");
    }
}
