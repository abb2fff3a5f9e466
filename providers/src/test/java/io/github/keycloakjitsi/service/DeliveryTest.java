package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiApp;
import io.github.keycloakjitsi.core.JitsiMeetLinks;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenClaims;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTest {

    private static RoomTokenSettings tokens() throws Exception {
        return JitsiSettings.parse(Map.of(RoomTokenSettings.JITSI_URL.key(), "https://meet.example.com",
                RoomTokenSettings.TENANTS.key(), "acme", RoomTokenSettings.WILDCARD.key(), "true")).roomTokens();
    }

    private static Issued issued(RoomRequest request) {
        return new Issued("header.payload.signature", request,
                new RoomTokenClaims("iss", "jitsi-meet", "meet.example.com", request.room(), 1000, 970, 1120, true, Map.of()));
    }

    @Test
    void theTokenTravelsInTheFragmentOfAMeetingUnderTheJitsiUrl() throws Exception {
        RoomTokenSettings tokens = tokens();
        Delivery delivery = new Delivery(tokens);
        RoomRequest request = RoomRequest.parse("Team Sync", "acme", tokens);
        Map<String, Object> json = delivery.asJson(issued(request));
        assertThat(json).containsEntry("url", "https://meet.example.com/acme/team%20sync#jwt=%22header.payload.signature%22")
                .containsEntry("token", "header.payload.signature").containsEntry("room", "team%20sync")
                .containsEntry("tenant", "acme").containsEntry("expires_in", 120L).containsEntry("moderator", true);
        assertThat(JitsiMeetLinks.jwtInPage((String) json.get("url"))).as("what jitsi-meet reads").isEqualTo("header.payload.signature");
        assertThat(delivery.guestLink(request, Optional.empty())).isEqualTo("https://meet.example.com/acme/team%20sync");
        assertThat(delivery.asJson(issued(RoomRequest.parse("r", null, tokens)))).containsEntry("tenant", "");
    }

    @Test
    void aGuestWithoutARoomGoesToJitsiItself() throws Exception {
        RoomTokenSettings tokens = tokens();
        Delivery delivery = new Delivery(tokens);
        assertThat(delivery.guestLink(null, Optional.empty())).isEqualTo("https://meet.example.com");
        assertThat(delivery.guestLink(RoomRequest.parse("*", null, tokens), Optional.of(JitsiApp.IOS))).isEqualTo("https://meet.example.com");
    }

    @Test
    void eachAppGetsTheTokenWhereItReadsItAndAGuestNone() throws Exception {
        RoomTokenSettings tokens = tokens();
        Delivery delivery = new Delivery(tokens);
        RoomRequest request = RoomRequest.parse("Team Sync", "acme", tokens);
        Issued issued = issued(request);
        assertThat(JitsiMeetLinks.jwtInPage(JitsiMeetLinks.mobileAppOpens(delivery.toApp(issued, JitsiApp.IOS))))
                .isEqualTo("header.payload.signature");
        assertThat(JitsiMeetLinks.jwtInPage(JitsiMeetLinks.mobileAppOpens(delivery.toApp(issued, JitsiApp.ANDROID))))
                .isEqualTo("header.payload.signature");
        assertThat(JitsiMeetLinks.jwtInPage(JitsiMeetLinks.desktopAppOpens(delivery.toApp(issued, JitsiApp.DESKTOP)).url()))
                .isEqualTo("header.payload.signature");
        for (JitsiApp app : List.of(JitsiApp.IOS, JitsiApp.ANDROID)) {
            String opened = JitsiMeetLinks.mobileAppOpens(delivery.guestLink(request, Optional.of(app)));
            assertThat(opened).as(app + " as a guest").isEqualTo("https://meet.example.com/acme/team%20sync");
            assertThat(JitsiMeetLinks.jwtInPage(opened)).isNull();
        }
        JitsiMeetLinks.DesktopMeeting desktop = JitsiMeetLinks.desktopAppOpens(delivery.guestLink(request, Optional.of(JitsiApp.DESKTOP)));
        assertThat(desktop.server()).isEqualTo("meet.example.com/acme");
        assertThat(desktop.room()).isEqualTo("team%20sync");
        assertThat(JitsiMeetLinks.jwtInPage(desktop.url())).isNull();
    }
}
