package io.github.keycloakjitsi.invites;

import io.github.keycloakjitsi.core.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class InviteRulesTest {

    private static final long NOW = 1_000_000;

    private static InviteEntity invite() {
        InviteEntity invite = new InviteEntity();
        invite.setId("id-1");
        invite.setCreatedBy("host-1");
        invite.setRoom("weekly");
        invite.setCreatedAt(NOW - 100);
        invite.setExpiresAt(NOW + 100);
        invite.setWindowStart(NOW - 1000);
        return invite;
    }

    @Test
    void liveUntilItEndsOrIsUsedUp() {
        InviteEntity invite = invite();
        assertThat(InviteRules.whyNotLive(invite, NOW)).isEmpty();
        assertThat(InviteRules.isLive(invite, NOW)).isTrue();

        assertThat(InviteRules.whyNotLive(invite, NOW + 99)).as("a second before its end").isEmpty();
        assertThat(InviteRules.whyNotLive(invite, NOW + 100)).as("at its end").contains(InviteRules.Refused.ENDED);

        invite.setRevokedAt(NOW - 1);
        assertThat(InviteRules.whyNotLive(invite, NOW)).contains(InviteRules.Refused.ENDED);
        assertThat(InviteRules.isLive(invite, NOW)).isFalse();
    }

    @Test
    void usesCountOnlyWithALimit() {
        InviteEntity invite = invite();
        invite.setUses(1_000);
        assertThat(InviteRules.whyNotLive(invite, NOW)).as("no limit").isEmpty();
        invite.setMaxUses(3);
        invite.setUses(2);
        assertThat(InviteRules.whyNotLive(invite, NOW)).isEmpty();
        invite.setUses(3);
        assertThat(InviteRules.whyNotLive(invite, NOW)).contains(InviteRules.Refused.USED_UP);
        invite.setRevokedAt(NOW);
        assertThat(InviteRules.whyNotLive(invite, NOW)).as("ended says more than used up").contains(InviteRules.Refused.ENDED);
    }

    @Test
    void joinsPerMinuteCountInTheCurrentWindowOnly() {
        InviteEntity invite = invite();
        invite.setWindowStart(NOW - 30);
        invite.setWindowCount(4);
        assertThat(InviteRules.whyNot(invite, NOW, 5)).isEmpty();
        invite.setWindowCount(5);
        assertThat(InviteRules.whyNot(invite, NOW, 5)).contains(InviteRules.Refused.TOO_MANY_JOINS);
        assertThat(InviteRules.whyNot(invite, NOW + 30, 5)).as("a new minute").isEmpty();
        assertThat(InviteRules.isLive(invite, NOW)).as("busy is still live").isTrue();

        invite.setExpiresAt(NOW);
        assertThat(InviteRules.whyNot(invite, NOW, 5)).contains(InviteRules.Refused.ENDED);
    }

    @Test
    void everyRefusalHasItsOwnAnswer() {
        assertThat(InviteRules.refusal(InviteRules.Refused.UNKNOWN)).extracting(Refusal::status, Refusal::error)
                .containsExactly(404, "invite_not_found");
        assertThat(InviteRules.refusal(InviteRules.Refused.ENDED)).extracting(Refusal::status, Refusal::error)
                .containsExactly(410, "invite_ended");
        assertThat(InviteRules.refusal(InviteRules.Refused.USED_UP)).extracting(Refusal::status, Refusal::error)
                .containsExactly(410, "invite_used_up");
        assertThat(InviteRules.refusal(InviteRules.Refused.TOO_MANY_JOINS)).extracting(Refusal::status, Refusal::error)
                .containsExactly(429, "slow_down");
    }

    @Test
    void keysAre32LettersAndDigitsKeptAsTheirSha256() {
        assertThat(InviteRules.isKey("aZ09aZ09aZ09aZ09aZ09aZ09aZ09aZ09")).isTrue();
        assertThat(InviteRules.keyHash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "aZ09aZ09aZ09aZ09aZ09aZ09aZ09aZ0", "aZ09aZ09aZ09aZ09aZ09aZ09aZ09aZ09a",
            "aZ09aZ09aZ09aZ09aZ09aZ09aZ09aZ0-", "aZ09aZ09aZ09aZ09aZ09aZ09aZ09aZ0é", "aZ09aZ09aZ09aZ09aZ09aZ09aZ09aZ0５",
            "aZ09aZ09aZ09aZ09aZ09aZ09aZ09aZ0\n"})
    void anythingElseIsNoKey(String key) {
        assertThat(InviteRules.isKey(key)).isFalse();
    }

    @Test
    void noKeyIsNoKey() {
        assertThat(InviteRules.isKey(null)).isFalse();
    }

    @Test
    void hostsSeeTheirInvitationAdminsSeeWhoMadeItAndWhetherItIsLive() {
        InviteEntity invite = invite();
        invite.setKeyHash("the-hash");
        invite.setMaxUses(2);
        assertThat(InviteRules.view(invite)).containsOnlyKeys("id", "room", "room_name", "tenant", "name", "created_at", "expires_at",
                        "uses", "max_uses")
                .containsEntry("room", "weekly").containsEntry("room_name", "weekly")
                .containsEntry("tenant", "").containsEntry("max_uses", 2).doesNotContainValue("the-hash");
        assertThat(InviteRules.adminView(invite, NOW)).containsEntry("created_by", "host-1").containsEntry("live", true)
                .containsEntry("state", "live").containsEntry("revoked_at", null);
        assertThat(InviteRules.adminView(invite, NOW + 100)).containsEntry("live", false).containsEntry("state", "expired");
        assertThat(Optional.ofNullable(InviteRules.adminView(invite, NOW).get("key"))).isEmpty();
    }

    @Test
    void theRoomAsTypedIsWhatPeopleReadTheJitsiFormWhatTheTokenSays() {
        InviteEntity invite = invite();
        invite.setRoom("board%20meeting");
        invite.setRoomName("Board Meeting");
        assertThat(InviteRules.view(invite)).containsEntry("room", "board%20meeting").containsEntry("room_name", "Board Meeting");
        InviteSummary summary = InviteRules.summary(invite, NOW);
        assertThat(summary.roomName()).isEqualTo("Board Meeting");
        assertThat(summary.room()).isEqualTo("board%20meeting");
        invite.setRoomName(null);
        assertThat(InviteRules.summary(invite, NOW).roomName()).as("made before names were kept").isEqualTo("board meeting");
    }

    @Test
    void eachStateHasOneName() {
        InviteEntity invite = invite();
        invite.setMaxUses(2);
        assertThat(InviteRules.state(invite, NOW)).isEqualTo(InviteSummary.State.LIVE);
        assertThat(InviteRules.summary(invite, NOW).usesLeft()).isEqualTo(2);
        invite.setUses(2);
        assertThat(InviteRules.state(invite, NOW)).isEqualTo(InviteSummary.State.USED_UP);
        assertThat(InviteRules.summary(invite, NOW).usesLeft()).isZero();
        assertThat(InviteRules.state(invite, NOW + 100)).as("expiry before use").isEqualTo(InviteSummary.State.EXPIRED);
        invite.setRevokedAt(NOW - 1);
        assertThat(InviteRules.state(invite, NOW + 100)).as("a revocation names it first").isEqualTo(InviteSummary.State.REVOKED);
        invite.setMaxUses(null);
        assertThat(InviteRules.summary(invite, NOW).usesLeft()).as("no limit").isNull();
    }
}
