package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test's reading of links matches jitsi-meet's on the cases its sources decide. */
class JitsiMeetLinksTest {

    @Test
    void aBareTokenInTheFragmentIsNoJsonAndJitsiDropsIt() {
        assertThat(JitsiMeetLinks.jwtInPage("https://meet.example.com/r#jwt=aaa.bbb.ccc")).isNull();
    }

    @Test
    void aQuotedTokenInTheFragmentIsRead() {
        assertThat(JitsiMeetLinks.jwtInPage("https://meet.example.com/r#jwt=%22aaa.bbb.ccc%22")).isEqualTo("aaa.bbb.ccc");
        assertThat(JitsiMeetLinks.jwtInPage("https://meet.example.com/r#config.startWithVideoMuted=true&jwt=%22t%22")).isEqualTo("t");
    }

    @Test
    void theQueryIsReadAsItStandsWhenTheFragmentHasNone() {
        assertThat(JitsiMeetLinks.jwtInPage("https://meet.example.com/r?jwt=aaa.bbb.ccc")).isEqualTo("aaa.bbb.ccc");
        assertThat(JitsiMeetLinks.jwtInPage("https://meet.example.com/r?jwt=from-query#jwt=%22from-fragment%22")).isEqualTo("from-fragment");
        assertThat(JitsiMeetLinks.jwtInPage("https://meet.example.com/r?jwt=from-query#jwt=not-json")).isEqualTo("from-query");
    }

    @Test
    void anIntentForAnotherPackageIsNoLinkForJitsi() {
        assertThatThrownBy(() -> JitsiMeetLinks.androidIntentData("intent://h/r#Intent;scheme=org.jitsi.meet;end"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> JitsiMeetLinks.androidIntentData("intent://h/r#Intent;scheme=org.jitsi.meet;package=com.evil;end"))
                .isInstanceOf(AssertionError.class);
    }
}
