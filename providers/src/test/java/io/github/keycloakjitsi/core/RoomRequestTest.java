package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomRequestTest {

    @Test
    void normalizesTheRoomAndLowercasesTheTenant() throws Exception {
        RoomRequest request = RoomRequest.parse("Café Meeting", "AcMe", false);
        assertThat(request.room()).isEqualTo("caf%c3%a9%20meeting");
        assertThat(request.tenant()).isEqualTo("acme");
        assertThat(RoomRequest.parse("daily", "", false).tenant()).isNull();
        assertThat(RoomRequest.parse("daily", null, false).tenant()).isNull();
    }

    @Test
    void wildcardOnlyWhenAllowed() throws Exception {
        assertThat(RoomRequest.parse("*", null, true).room()).isEqualTo("*");
        assertThatThrownBy(() -> RoomRequest.parse("*", null, false))
                .isInstanceOfSatisfying(RoomRequest.Refused.class, e -> assertThat(e.error()).isEqualTo("wildcard_not_allowed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "../", "..", "a/b", "a\\b", "..%2f", "x\u0000y", "x\ny", "x\u200by", "?#[]@", "."})
    void refusesRoomsThatAreNotOneUsableName(String room) {
        assertThatThrownBy(() -> RoomRequest.parse(room, null, true))
                .isInstanceOfSatisfying(RoomRequest.Refused.class, e -> assertThat(e.error()).isEqualTo("invalid_room"));
    }

    @Test
    void refusesRoomsOverJitsisLength() throws Exception {
        assertThat(RoomRequest.parse("a".repeat(1023), null, false).room()).hasSize(1023);
        assertThatThrownBy(() -> RoomRequest.parse("a".repeat(1024), null, false)).hasMessageContaining("longer");
        assertThatThrownBy(() -> RoomRequest.parse("é".repeat(171), null, false)).as("171 x %c3%a9 = 1026 bytes").hasMessageContaining("longer");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ../evil
            evil.example/x
            a b
            -lead
            ..
            https:
            %2e%2e
            """)
    void refusesTenantsThatAreNotOneSafeName(String tenant) {
        assertThatThrownBy(() -> RoomRequest.parse("room", tenant, false))
                .isInstanceOfSatisfying(RoomRequest.Refused.class, e -> assertThat(e.error()).isEqualTo("invalid_tenant"));
    }

    @Test
    void theMeetingUrlStaysUnderTheJitsiUrl() throws Exception {
        RoomTokenSettings settings = JitsiSettings.parse(java.util.Map.of(RoomTokenSettings.JITSI_URL, "https://meet.example.com/")).roomTokens();
        assertThat(settings.meetingUrl(RoomRequest.parse("Team Sync", "acme", false), "T"))
                .isEqualTo("https://meet.example.com/acme/team%20sync?jwt=T");
        assertThat(settings.meetingUrl(RoomRequest.parse("@evil.example", null, false), "T"))
                .isEqualTo("https://meet.example.com/evil.example?jwt=T");
    }
}
