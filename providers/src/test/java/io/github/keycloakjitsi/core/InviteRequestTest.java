package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.github.keycloakjitsi.core.Configs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InviteRequestTest {

    private static JitsiSettings settings(Object... more) throws InvalidSettingsException {
        Object[] all = new Object[more.length + 6];
        all[0] = RoomTokenSettings.JITSI_URL;
        all[1] = "https://meet.example.com";
        all[2] = InviteSettings.ENABLED;
        all[3] = "true";
        all[4] = RoomTokenSettings.TENANTS;
        all[5] = "acme";
        System.arraycopy(more, 0, all, 6, more.length);
        return JitsiSettings.parse(config(all));
    }

    private static InviteRequest parse(String room, String tenant, String validFor, String maxUses, String name) throws Exception {
        return InviteRequest.parse(room, tenant, validFor, maxUses, name, settings());
    }

    private static void assertRefused(String room, String validFor, String maxUses, String name, String error) {
        assertThatThrownBy(() -> parse(room, null, validFor, maxUses, name))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.error()).isEqualTo(error));
    }

    @Test
    void aDayOfOneRoomInJitsisFormByDefault() throws Exception {
        InviteRequest request = parse("Café Team", "ACME", null, null, null);
        assertThat(request.room()).isEqualTo(new RoomRequest("caf%c3%a9%20team", "acme"));
        assertThat(request.roomName()).as("people read what the host typed").isEqualTo("Café Team");
        assertThat(request.validSeconds()).isEqualTo(24 * 3600);
        assertThat(request.maxUses()).isNull();
        assertThat(request.name()).isNull();
    }

    @Test
    void theHostChoosesWithinTheAdminsBounds() throws Exception {
        InviteRequest request = parse("board", null, "3600", "3", "  Dora Guest ");
        assertThat(request.validSeconds()).isEqualTo(3600);
        assertThat(request.maxUses()).isEqualTo(3);
        assertThat(request.name()).isEqualTo("Dora Guest");
        assertThat(InviteRequest.parse("board", null, null, null, null,
                settings(InviteSettings.LONGEST_VALIDITY, "600")).validSeconds()).as("the default never exceeds the longest").isEqualTo(600);
    }

    @ParameterizedTest(name = "valid_for={0} max_uses={1}")
    @CsvSource(delimiter = '|', textBlock = """
            299     |      | invalid_request
            604801  |      | invalid_request
            1e4     |      | invalid_request
            -1      |      | invalid_request
            ' 3600' |      | invalid_request
            3600    | 0    | invalid_request
            3600    | 1001 | invalid_request
            3600    | two  | invalid_request
            """)
    void refusesValiditiesAndUsesOutOfBounds(String validFor, String maxUses, String error) {
        assertRefused("board", validFor, maxUses, null, error);
    }

    @Test
    void oneRoomCheckedLikeAnyRoomToken() {
        assertRefused("*", null, null, null, "wildcard_not_allowed");
        assertRefused("a%2fb", null, null, null, "invalid_room");
        assertRefused(null, null, null, null, "invalid_room");
        assertThatThrownBy(() -> parse("board", "other", null, null, null))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.error()).isEqualTo("tenant_not_allowed"));
    }

    @Test
    void aWildcardIsNeverInvitedInto() {
        assertThatThrownBy(() -> InviteRequest.parse("*", null, null, null, null, settings(RoomTokenSettings.WILDCARD, "true")))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.error()).isEqualTo("invalid_room"));
    }

    @Test
    void aFixedNameIsCheckedLikeATypedOne() {
        assertRefused("board", null, null, "a".repeat(65), "invalid_name");
        assertRefused("board", null, null, "Eve\u202Egnp.exe", "invalid_name");
    }

    @Test
    void nothingWhenInvitationsAreOff() {
        assertThatThrownBy(() -> InviteRequest.parse("board", null, null, null, null,
                JitsiSettings.parse(config(RoomTokenSettings.JITSI_URL, "https://meet.example.com"))))
                .isInstanceOfSatisfying(Refusal.class, e -> {
                    assertThat(e.error()).isEqualTo("invitations_disabled");
                    assertThat(e.status()).isEqualTo(403);
                });
    }
}
