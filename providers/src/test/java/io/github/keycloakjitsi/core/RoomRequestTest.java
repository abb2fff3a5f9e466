package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.github.keycloakjitsi.core.Configs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomRequestTest {

    private static final List<String> TENANTS = List.of("acme", "globex");

    private static RoomRequest parse(String room, String tenant) throws Refusal {
        return RoomRequest.parse(room, tenant, false, TENANTS);
    }

    private static void assertRefused(String room, String tenant, int status, String error) {
        assertThatThrownBy(() -> parse(room, tenant)).as("room [%s] tenant [%s]", room, tenant)
                .isInstanceOfSatisfying(Refusal.class, e -> {
                    assertThat(e.error()).isEqualTo(error);
                    assertThat(e.status()).isEqualTo(status);
                });
    }

    @Test
    void normalizesTheRoomAndLowercasesTheTenant() throws Exception {
        RoomRequest request = parse("Café Meeting", "AcMe");
        assertThat(request.room()).isEqualTo("caf%c3%a9%20meeting");
        assertThat(request.tenant()).isEqualTo("acme");
        assertThat(parse("daily", "").tenant()).isNull();
        assertThat(parse("daily", null).tenant()).isNull();
        assertThat(parse("Caf%C3%A9", null).room()).as("already encoded").isEqualTo("caf%c3%a9");
        assertThat(parse("a..b", null).room()).as("dots inside a name are fine").isEqualTo("a..b");
        assertThat(parse("a%C3%28b", null).room()).as("not UTF-8 once decoded: a literal name, as Jitsi keeps it").isEqualTo("a%25c3%2528b");
    }

    @Test
    void wildcardOnlyWhenAllowedHoweverItIsSpelled() throws Exception {
        for (String star : List.of("*", "%2a", "%2A", "%252a", "%25252A", "\uFF0A", "\uFE61", "%EF%BC%8A", "%25EF%25BC%258A", " * ")) {
            assertThat(RoomRequest.parse(star, null, true, TENANTS).room()).as(star).isEqualTo("*");
            assertRefused(star, null, 403, "wildcard_not_allowed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "../", "..", "a/b", "a\\b", "..%2f", "x\u0000y", "x\ny", "x\u200by", "?#[]@", ".",
            "%2e%2e", "%252e%252e", "\uFF0E\uFF0E", "\u2025", "a\uFF0Fb", "%EF%BC%8F", "a%252fb", "x%00y", "a%0d%0ab",
            "a%e2%80%aeb", "a\u202eb", "a\u2066b", "\u200b", "a%C2%ADb", "a%ef%bb%bfb", "a\uD800b",
            "Team*Room", "a%2ab", " weekly", "weekly ", "%20weekly", "%2525252525252525252a"})
    void refusesRoomsThatAreNotOneUsableName(String room) {
        assertThatThrownBy(() -> RoomRequest.parse(room, null, true, TENANTS)).as("[%s]", room)
                .isInstanceOfSatisfying(Refusal.class, e -> {
                    assertThat(e.error()).isEqualTo("invalid_room");
                    assertThat(e.status()).isEqualTo(400);
                });
    }

    @Test
    void everyGeneratedSpellingIsRefused() {
        assertThat(Spellings.compatibleFormsAreNfkcEquivalents()).isTrue();
        List<Spellings.Spelling> spellings = Spellings.all();
        assertThat(spellings).hasSizeGreaterThan(300);
        List<String> accepted = new ArrayList<>();
        for (Spellings.Spelling s : spellings) {
            // A * on its own (spaces around it count for nothing) asks for every room; anywhere else it is a bad name.
            boolean everyRoom = s.spells().equals("*") && !s.value().startsWith("Team");
            try {
                parse(s.value(), null);
                accepted.add("room " + s);
            } catch (Refusal e) {
                assertThat(e.error()).as(s.toString()).isEqualTo(everyRoom ? "wildcard_not_allowed" : "invalid_room");
                assertThat(e.status()).as(s.toString()).isEqualTo(everyRoom ? 403 : 400);
            }
            // No spelling is a tenant name at all, so none gets as far as the realm's list of tenants.
            try {
                parse("room", s.value());
                accepted.add("tenant " + s);
            } catch (Refusal e) {
                assertThat(e.error()).as(s.toString()).isEqualTo("invalid_tenant");
                assertThat(e.status()).as(s.toString()).isEqualTo(400);
            }
        }
        assertThat(accepted).isEmpty();
    }

    @Test
    void refusesRoomsOverJitsisLength() throws Exception {
        assertThat(parse("a".repeat(1023), null).room()).hasSize(1023);
        assertThatThrownBy(() -> parse("a".repeat(1024), null)).hasMessageContaining("longer");
        assertThatThrownBy(() -> parse("é".repeat(171), null)).as("171 x %c3%a9 = 1026 bytes").hasMessageContaining("longer");
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
            ac%00me
            acme%E2%80%AE
            """)
    void refusesTenantsThatAreNotOneSafeName(String tenant) {
        assertRefused("room", tenant, 400, "invalid_tenant");
    }

    @Test
    void onlyTheAdminsTenants() throws Exception {
        assertRefused("room", "initech", 403, "tenant_not_allowed");
        assertRefused("room", "0b6a0a2e-1111-4c4c-9999-123456789abc", 403, "tenant_not_allowed");
        assertThat(parse("room", "%61cme").tenant()).as("the decoded name is what counts").isEqualTo("acme");
        assertThat(parse("room", "\uFF41\uFF43\uFF4D\uFF45").tenant()).as("full-width acme").isEqualTo("acme");
        assertThatThrownBy(() -> RoomRequest.parse("room", "acme", false, List.of()))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.getMessage()).contains("not enabled"));
    }

    @Test
    void aLinkBackForAGuestHasTheSameRoomChecksAndAPlainTenant() {
        assertThat(RoomRequest.forLink("Team Sync", "")).contains(new RoomRequest("team%20sync", null));
        assertThat(RoomRequest.forLink("r", "Acme")).as("any plain tenant: a link, not a token").contains(new RoomRequest("r", "acme"));
        assertThat(RoomRequest.forLink("*", null)).isEmpty();
        assertThat(RoomRequest.forLink("%2a", null)).isEmpty();
        assertThat(RoomRequest.forLink("//evil.example/x", null)).isEmpty();
        assertThat(RoomRequest.forLink("x", "https://evil.example")).isEmpty();
        assertThat(RoomRequest.forLink("a\u202eb", null)).isEmpty();
        assertThat(RoomRequest.forLink(null, null)).isEmpty();
    }

    @Test
    void theMeetingUrlStaysUnderTheJitsiUrlAndCarriesTheTokenInTheFragment() throws Exception {
        RoomTokenSettings settings = JitsiSettings.parse(config(RoomTokenSettings.JITSI_URL, "https://meet.example.com/",
                RoomTokenSettings.TENANTS, "acme")).roomTokens();
        assertThat(settings.meetingUrl(RoomRequest.parse("Team Sync", "acme", settings), "T"))
                .isEqualTo("https://meet.example.com/acme/team%20sync#jwt=%22T%22");
        assertThat(settings.meetingUrl(RoomRequest.parse("@evil.example", null, settings), "T"))
                .isEqualTo("https://meet.example.com/evil.example#jwt=%22T%22");
        assertThat(settings.meetingUrl(RoomRequest.parse("x%3Fjwt%3Dforged%23", null, settings), "T"))
                .isEqualTo("https://meet.example.com/x%3fjwt%3dforged%23#jwt=%22T%22");
        assertThat(settings.meetingLink(RoomRequest.parse("Team Sync", "acme", settings))).isEqualTo("https://meet.example.com/acme/team%20sync");
    }
}
