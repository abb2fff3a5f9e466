package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenClaims;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

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
        assertThat(json).containsEntry("url", "https://meet.example.com/acme/team%20sync#jwt=header.payload.signature")
                .containsEntry("token", "header.payload.signature").containsEntry("room", "team%20sync")
                .containsEntry("tenant", "acme").containsEntry("expires_in", 120L).containsEntry("moderator", true);
        assertThat(delivery.guestLink(request)).isEqualTo("https://meet.example.com/acme/team%20sync");
        assertThat(delivery.asJson(issued(RoomRequest.parse("r", null, tokens)))).containsEntry("tenant", "");
    }

    @Test
    void aGuestWithoutARoomGoesToJitsiItself() throws Exception {
        RoomTokenSettings tokens = tokens();
        Delivery delivery = new Delivery(tokens);
        assertThat(delivery.guestLink(null)).isEqualTo("https://meet.example.com");
        assertThat(delivery.guestLink(RoomRequest.parse("*", null, tokens))).isEqualTo("https://meet.example.com");
    }
}
