package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.github.keycloakjitsi.core.JitsiSettings.*;
import static org.assertj.core.api.Assertions.assertThat;

class JitsiContextTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> user(JitsiContext context) {
        return (Map<String, Object>) context.claim().get("user");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> features(JitsiContext context) {
        return (Map<String, Object>) context.claim().get("features");
    }

    /** A new mapper's settings (moderator role and avatar attribute suggested) changed by the given settings and values. */
    private static JitsiSettings settings(Object... settingsAndValues) throws InvalidSettingsException {
        Map<String, String> config = new java.util.HashMap<>(Map.of(MODERATOR_ROLE.key(), MODERATOR_ROLE.suggestion(),
                AVATAR_ATTRIBUTE.key(), AVATAR_ATTRIBUTE.suggestion()));
        for (int i = 0; i < settingsAndValues.length; i += 2) {
            config.put(((Setting) settingsAndValues[i]).key(), (String) settingsAndValues[i + 1]);
        }
        return JitsiSettings.parse(config);
    }

    @Test
    void aPlainMemberGetsNameEmailAndMemberAffiliation() throws Exception {
        FakeUser alice = new FakeUser().names("Alice", "Liddell").email("alice@example.com").attribute("picture", "https://img/a.png");

        JitsiContext context = JitsiContext.of(settings(INCLUDE_EMAIL, "true"), alice);

        assertThat(context.moderator()).isFalse();
        assertThat(user(context)).containsExactly(
                Map.entry("id", alice.id),
                Map.entry("name", "Alice Liddell"),
                Map.entry("email", "alice@example.com"),
                Map.entry("avatar", "https://img/a.png"),
                Map.entry("moderator", false),
                Map.entry("affiliation", "member"));
        assertThat(context.claim()).containsOnlyKeys("user");
    }

    @Test
    void theModeratorRoleMakesAnOwner() {
        JitsiContext context = JitsiContext.of(JitsiSettings.defaults(), new FakeUser().role("jitsi-moderator"));
        assertThat(context.moderator()).isTrue();
        assertThat(user(context)).containsEntry("moderator", true).containsEntry("affiliation", "owner");
    }

    @Test
    void theModeratorGroupMakesAnOwner() throws Exception {
        JitsiSettings s = settings(MODERATOR_GROUP, "/staff");
        assertThat(JitsiContext.of(s, new FakeUser().group("/staff")).moderator()).isTrue();
        assertThat(JitsiContext.of(s, new FakeUser().group("/others")).moderator()).isFalse();
    }

    @Test
    void withoutRoleOrGroupSettingNobodyIsModerator() throws Exception {
        JitsiSettings s = settings(MODERATOR_ROLE, "");
        assertThat(JitsiContext.of(s, new FakeUser().role("jitsi-moderator")).moderator()).isFalse();
    }

    @Test
    void aUserWithoutNamesOrEmailGetsTheUsernameAndNoNulls() {
        FakeUser bare = new FakeUser();
        bare.username = "bob";
        bare.firstName = "  ";
        bare.email = "";

        Map<String, Object> user = user(JitsiContext.of(JitsiSettings.defaults(), bare));

        assertThat(user).containsEntry("name", "bob").doesNotContainKeys("email", "avatar");
        assertThat(user.values()).doesNotContainNull();
    }

    @Test
    void aSingleNameIsUsedAlone() {
        assertThat(JitsiContext.displayName(new FakeUser().names(null, "Smith"))).isEqualTo("Smith");
        assertThat(JitsiContext.displayName(new FakeUser().names("Ann", null))).isEqualTo("Ann");
    }

    @Test
    void emailStaysOutOfTheSharedUserClaimUnlessSwitchedOn() throws Exception {
        FakeUser user = new FakeUser().email("a@b.c");
        assertThat(user(JitsiContext.of(JitsiSettings.defaults(), user))).as("off by default").doesNotContainKey("email");
        assertThat(user(JitsiContext.of(settings(INCLUDE_EMAIL, "false"), user))).doesNotContainKey("email");
        assertThat(user(JitsiContext.of(settings(INCLUDE_EMAIL, "true"), user))).containsEntry("email", "a@b.c");
    }

    @Test
    void avatarComesFromTheConfiguredAttribute() throws Exception {
        FakeUser user = new FakeUser().attribute("picture", "p").attribute("photo", "https://img/p.jpg");
        assertThat(user(JitsiContext.of(settings(AVATAR_ATTRIBUTE, "photo"), user))).containsEntry("avatar", "https://img/p.jpg");
        assertThat(user(JitsiContext.of(settings(AVATAR_ATTRIBUTE, ""), user))).doesNotContainKey("avatar");
    }

    @Test
    void groupComesFromTheConfiguredAttribute() throws Exception {
        JitsiSettings s = settings(GROUP_ATTRIBUTE, "department");
        assertThat(JitsiContext.of(s, new FakeUser().attribute("department", "sales")).claim()).containsEntry("group", "sales");
        assertThat(JitsiContext.of(s, new FakeUser()).claim()).doesNotContainKey("group");
    }

    @Test
    void featuresAreLeftOutUntilOneIsGranted() {
        assertThat(JitsiContext.of(JitsiSettings.defaults(), new FakeUser().role("jitsi-moderator")).claim())
                .doesNotContainKey("features");
    }

    @Test
    void theFeaturesTheAdminNamedAreTrueOrFalseTheOthersLeftToJitsi() throws Exception {
        JitsiSettings s = settings(
                FEATURES_EVERYONE, "screen-sharing",
                FEATURES_MODERATORS, "recording##lobby",
                FEATURES_BY_ROLE, "livestreaming=streamer");

        Map<String, Object> member = features(JitsiContext.of(s, new FakeUser()));
        Map<String, Object> moderator = features(JitsiContext.of(s, new FakeUser().role("jitsi-moderator")));
        Map<String, Object> streamer = features(JitsiContext.of(s, new FakeUser().role("streamer")));

        assertThat(member).as("named in a feature setting").containsOnlyKeys("screen-sharing", "recording", "lobby", "livestreaming");
        assertThat(member.values()).allMatch(v -> v instanceof Boolean);
        assertThat(member).containsEntry("screen-sharing", true).containsEntry("recording", false).containsEntry("livestreaming", false);
        assertThat(moderator).containsEntry("screen-sharing", true).containsEntry("recording", true).containsEntry("lobby", true)
                .containsEntry("livestreaming", false).doesNotContainKey("transcription").doesNotContainKey("send-groupchat");
        assertThat(streamer).containsEntry("livestreaming", true).containsEntry("recording", false);
    }

    @Test
    void aMemberOfTheRoomsSubgroupOwnsThatRoomOnly() throws Exception {
        JitsiSettings s = settings(OWNERS_GROUP, "/meetings");
        FakeUser bob = new FakeUser().group("/meetings/Café Team");

        assertThat(JitsiContext.forRoom(s, bob, new RoomRequest("caf%c3%a9%20team", null)).moderator()).isTrue();
        assertThat(user(JitsiContext.forRoom(s, bob, new RoomRequest("caf%c3%a9%20team", null))))
                .containsEntry("affiliation", "owner");
        assertThat(JitsiContext.forRoom(s, bob, new RoomRequest("board", null)).moderator()).isFalse();
        assertThat(JitsiContext.forRoom(s, bob, new RoomRequest("caf%c3%a9%20team", "acme")).moderator())
                .as("a tenant's room is another room").isFalse();
        assertThat(JitsiContext.forRoom(s, bob, new RoomRequest(RoomRequest.WILDCARD, null)).moderator()).isFalse();
        assertThat(JitsiContext.of(s, bob).moderator()).as("Keycloak's own tokens are for every room").isFalse();
    }

    @Test
    void tenantsOwnersAreInTheTenantsSubgroup() throws Exception {
        JitsiSettings s = settings(OWNERS_GROUP, "/meetings");
        FakeUser carol = new FakeUser().group("/meetings/acme/board");
        assertThat(JitsiContext.forRoom(s, carol, new RoomRequest("board", "acme")).moderator()).isTrue();
        assertThat(JitsiContext.forRoom(s, carol, new RoomRequest("board", null)).moderator()).isFalse();
        assertThat(JitsiContext.forRoom(s, carol, new RoomRequest("board", "other")).moderator()).isFalse();
    }

    @Test
    void onlyTheOwnersGroupsSubgroupsCount() throws Exception {
        JitsiSettings s = settings(OWNERS_GROUP, "/meetings");
        RoomRequest board = new RoomRequest("board", null);
        assertThat(JitsiContext.forRoom(s, new FakeUser().group("/meetings"), board).moderator()).isFalse();
        assertThat(JitsiContext.forRoom(s, new FakeUser().group("/meetingsboard"), board).moderator()).isFalse();
        assertThat(JitsiContext.forRoom(s, new FakeUser().group("/other/board"), board).moderator()).isFalse();
        assertThat(JitsiContext.forRoom(settings(), new FakeUser().group("/meetings/board"), board).moderator())
                .as("no owners group set").isFalse();
    }

    @Test
    void aTopLevelGroupWithASlashInItsNameOwnsNothing() throws Exception {
        JitsiSettings s = settings(OWNERS_GROUP, "/meetings");
        FakeUser mallory = new FakeUser().groupNamed("meetings/standup").groupNamed("meetings/acme", "board");
        assertThat(JitsiContext.forRoom(s, mallory, new RoomRequest("standup", null)).moderator())
                .as("its path reads /meetings/standup, but it is not below /meetings").isFalse();
        assertThat(JitsiContext.forRoom(s, new FakeUser().groupNamed("meetings", "standup"), new RoomRequest("standup", null)).moderator())
                .as("the real subgroup").isTrue();
    }

    @Test
    void aTenantsGroupsOwnOnlyThatTenantsRooms() throws Exception {
        JitsiSettings s = settings(OWNERS_GROUP, "/meetings", RoomTokenSettings.TENANTS, "acme");
        FakeUser carol = new FakeUser().group("/meetings/acme/board");
        assertThat(JitsiContext.forRoom(s, carol, new RoomRequest("board", "acme")).moderator()).isTrue();
        assertThat(JitsiContext.forRoom(s, carol, new RoomRequest("acme", null)).moderator())
                .as("/meetings/acme is the tenant's group, not the main domain's room acme").isFalse();
        assertThat(JitsiContext.forRoom(s, new FakeUser().group("/meetings/acme"), new RoomRequest("acme", null)).moderator())
                .as("not even for a member of the tenant's group itself").isFalse();
        assertThat(JitsiContext.forRoom(s, new FakeUser().group("/meetings/ACME/Board"), new RoomRequest("board", "acme")).moderator())
                .as("tenant groups without case, rooms as Jitsi sends them").isTrue();
        assertThat(JitsiContext.forRoom(s, new FakeUser().group("/meetings/acme"), new RoomRequest("board", "acme")).moderator())
                .as("the tenant's group owns no room of it").isFalse();
        JitsiSettings noTenants = settings(OWNERS_GROUP, "/meetings");
        assertThat(JitsiContext.forRoom(noTenants, new FakeUser().group("/meetings/acme"), new RoomRequest("acme", null)).moderator())
                .as("without tenants, /meetings/acme is room acme").isTrue();
    }

    @Test
    void holdersOfTheHiddenRoleAreHiddenFromTheRecorder() throws Exception {
        JitsiSettings s = settings(HIDDEN_ROLE, "interpreter");
        assertThat(user(JitsiContext.of(s, new FakeUser().role("interpreter")))).containsEntry("hidden-from-recorder", true);
        assertThat(user(JitsiContext.of(s, new FakeUser()))).doesNotContainKey("hidden-from-recorder");
        assertThat(user(JitsiContext.of(settings(), new FakeUser().role("interpreter")))).doesNotContainKey("hidden-from-recorder");
    }

    @Test
    void aGuestIsAMemberWithALockedNameAndOnlyGuestFeatures() throws Exception {
        JitsiSettings s = settings(InviteSettings.GUEST_FEATURES, "screen-sharing", FEATURES_EVERYONE, "recording");

        JitsiContext guest = JitsiContext.guest(s, "inv-1:abc", "Dora Guest");

        assertThat(guest.moderator()).isFalse();
        assertThat(user(guest)).containsExactly(
                Map.entry("id", "guest:inv-1:abc"),
                Map.entry("name", "Dora Guest"),
                Map.entry("moderator", false),
                Map.entry("affiliation", "member"));
        assertThat(features(guest)).as("only what guests are granted: the rest is the Jitsi client's default, as for a guest without a token")
                .containsOnly(Map.entry("name-readonly", true), Map.entry("screen-sharing", true));
        assertThat(features(JitsiContext.guest(settings(), "inv-2:def", "Eve"))).as("nothing granted")
                .containsOnly(Map.entry("name-readonly", true));
    }
}
