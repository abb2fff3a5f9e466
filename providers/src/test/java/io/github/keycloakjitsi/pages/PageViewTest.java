package io.github.keycloakjitsi.pages;

import io.github.keycloakjitsi.service.JitsiUrls;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PageViewTest {

    @Test
    void offersTheUsualValiditiesWithinTheAdminsLongest() {
        List<Map<String, Object>> week = PageView.validities(7 * 24 * 3600, 24 * 3600);
        assertThat(week).extracting(o -> o.get("seconds")).containsExactly("3600", "86400", "604800");
        assertThat(week).extracting(o -> o.get("unit")).containsExactly("hours", "days", "days");
        assertThat(week).extracting(o -> o.get("count")).containsExactly("1", "1", "7");
        assertThat(week).extracting(o -> o.get("words")).containsExactly("jitsiMeetingsDuration_hours_one",
                "jitsiMeetingsDuration_days_one", "jitsiMeetingsDuration_days_other");
        assertThat(week).filteredOn(o -> (Boolean) o.get("selected")).extracting(o -> o.get("seconds")).containsExactly("86400");

        assertThat(PageView.validities(1800, 1800)).as("shorter than an hour: only the longest")
                .extracting(o -> o.get("seconds"), o -> o.get("count"), o -> o.get("unit"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1800", "30", "minutes"));
        assertThat(PageView.validities(2 * 24 * 3600 + 3600, 3600)).extracting(o -> o.get("seconds"))
                .as("an odd longest comes last").containsExactly("3600", "86400", "176400");
        assertThat(PageView.validities(30 * 24 * 3600, 0)).extracting(o -> o.get("seconds"))
                .containsExactly("3600", "86400", "604800", "2592000");
    }

    @Test
    void timesAreInstantsForTheScriptAndUtcForEveryoneElse() {
        Map<String, Object> time = PageView.time(1_767_225_600L, Locale.GERMAN);
        assertThat(time).containsEntry("iso", "2026-01-01T00:00:00Z");
        assertThat((String) time.get("text")).contains("2026").endsWith(" UTC");
    }

    @Test
    void joinLinksCarryTheRoomAsTypedEncoded() {
        JitsiUrls urls = new JitsiUrls("https://kc.example/realms/r", "https://kc.example/realms/r", JitsiUrls.Source.REQUEST);
        assertThat(PageView.joinLink(urls, "Board Meeting", null)).isEqualTo("https://kc.example/realms/r/jitsi/join?room=Board%20Meeting");
        assertThat(PageView.joinLink(urls, "Q&A {1}", "acme"))
                .isEqualTo("https://kc.example/realms/r/jitsi/join?room=Q%26A%20%7B1%7D&tenant=acme");
    }
}
