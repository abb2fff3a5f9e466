package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.github.keycloakjitsi.core.Configs.config;
import static io.github.keycloakjitsi.core.JitsiSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JitsiSettingsTest {

    private static final RealmDirectory REALM = new RealmDirectory() {
        @Override
        public boolean roleExists(String roleName) {
            return Set.of("jitsi-moderator", "jitsi-recorder", "app.streamer").contains(roleName);
        }

        @Override
        public boolean groupExists(String groupPath) {
            return groupPath.equals("/staff");
        }

        @Override
        public boolean clientExists(String clientId) {
            return Set.of("jitsi", "meetings-app").contains(clientId);
        }

        @Override
        public List<String> audienceWriters(String audience) {
            return audience.equals("portal-audience") ? List.of("mapper \"aud\" of client \"portal\"") : List.of();
        }
    };

    @Test
    void eachSettingIsDescribedOnceWithALabelAndHelp() {
        List<Setting> all = JitsiSettings.all();
        assertThat(all.stream().map(Setting::key)).doesNotHaveDuplicates();
        assertThat(all.stream().map(Setting::label)).doesNotHaveDuplicates();
        assertThat(all).allSatisfy(s -> {
            assertThat(s.label()).isNotBlank();
            assertThat(s.help()).isNotBlank();
        });
        assertThat(all).contains(MODERATOR_ROLE, RoomTokenSettings.JITSI_URL, RoomTokenSettings.CLIENTS, RoomTokenSettings.TENANTS);
    }

    @Test
    void aNewMapperSuggestsTheModeratorRoleAndPictureAndSharesNoEmail() {
        JitsiSettings s = JitsiSettings.defaults();
        assertThat(s.includeEmail()).as("every participant sees context.user").isFalse();
        assertThat(s.avatarAttribute()).isEqualTo("picture");
        assertThat(s.moderatorRole()).isEqualTo("jitsi-moderator");
        assertThat(s.moderatorGroup()).isNull();
        assertThat(s.featuresEnabled()).isFalse();
        assertThat(s.audience()).as("a name no client has").isEqualTo("jitsi-meet");
        assertThat(s.subject()).isNull();
        assertThat(s.room()).isNull();
        assertThat(s.groupAttribute()).isNull();
    }

    @Test
    void absentOrEmptyValuesMeanNotSet() throws Exception {
        // Keycloak drops empty values when it stores a mapper: both must read the same.
        for (Map<String, String> config : List.of(Map.<String, String>of(), config(MODERATOR_ROLE, "", AVATAR_ATTRIBUTE, "", INCLUDE_EMAIL, ""))) {
            JitsiSettings s = JitsiSettings.parse(config);
            assertThat(s.moderatorRole()).isNull();
            assertThat(s.avatarAttribute()).isNull();
            assertThat(s.includeEmail()).isFalse();
            assertThat(s.featuresEnabled()).isFalse();
        }
    }

    @Test
    void readsEverySetting() throws Exception {
        Map<String, String> config = config(
                INCLUDE_EMAIL, "true",
                AVATAR_ATTRIBUTE, "avatar_url",
                MODERATOR_ROLE, "app.streamer",
                MODERATOR_GROUP, "/staff",
                FEATURES_EVERYONE, "screen-sharing##send-groupchat",
                FEATURES_MODERATORS, "recording##lobby",
                FEATURES_BY_ROLE, "livestreaming=app.streamer## recording = jitsi-recorder",
                GROUP_ATTRIBUTE, "department",
                AUDIENCE, "meet-audience",
                SUBJECT, "meet.example.com",
                ROOM, "caf%c3%a9");

        JitsiSettings s = JitsiSettings.validate(config, REALM);

        assertThat(s.includeEmail()).isTrue();
        assertThat(s.avatarAttribute()).isEqualTo("avatar_url");
        assertThat(s.moderatorRole()).isEqualTo("app.streamer");
        assertThat(s.moderatorGroup()).isEqualTo("/staff");
        assertThat(s.featuresForEveryone()).containsExactlyInAnyOrder(JitsiFeature.SCREEN_SHARING, JitsiFeature.SEND_GROUPCHAT);
        assertThat(s.featuresForModerators()).containsExactlyInAnyOrder(JitsiFeature.RECORDING, JitsiFeature.LOBBY);
        assertThat(s.featuresByRole()).containsOnly(
                Map.entry(JitsiFeature.LIVESTREAMING, List.of("app.streamer")),
                Map.entry(JitsiFeature.RECORDING, List.of("jitsi-recorder")));
        assertThat(s.featuresEnabled()).isTrue();
        assertThat(s.groupAttribute()).isEqualTo("department");
        assertThat(s.audience()).isEqualTo("meet-audience");
        assertThat(s.subject()).isEqualTo("meet.example.com");
        assertThat(s.room()).isEqualTo("caf%c3%a9");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            jitsi.user.email            | yes                    | must be true or false
            jitsi.features.everyone     | recording##teleport    | unknown Jitsi feature "teleport"
            jitsi.features.moderators   | Recording              | unknown Jitsi feature "Recording"
            jitsi.features.by-role      | recording              | written feature=role
            jitsi.features.by-role      | =jitsi-recorder        | written feature=role
            jitsi.features.by-role      | teleport=jitsi-recorder| unknown Jitsi feature "teleport"
            jitsi.aud                   | account jitsi          | must not contain spaces
            jitsi.aud                   | ' account'             | must not contain spaces
            jitsi.aud                   | account                | the id of a client every realm has
            jitsi.aud                   | account-console        | the id of a client every realm has
            jitsi.aud                   | admin-cli              | the id of a client every realm has
            jitsi.aud                   | jitsi                  | the id of a client every realm has
            jitsi.aud                   | jitsi-join             | the id of a client every realm has
            jitsi.aud                   | *                      | it stands for every audience
            jitsi.aud                   | jitsi-meet","account   | takes letters, digits and . _ - : / only
            jitsi.aud                   | account,jitsi-meet     | takes letters, digits and . _ - : / only
            jitsi.aud                   | jitsi\u00a0meet        | takes letters, digits and . _ - : / only
            jitsi.aud                   | jitsi\u200bmeet        | takes letters, digits and . _ - : / only
            jitsi.user.avatar.attribute | a\tb                   | must not contain spaces
            jitsi.room                  | a/b                    | cannot be "a/b": A room is a single name, without / or \\ (encoded or not). Type * for every room
            jitsi.room                  | a%2fb                  | A room is a single name, without / or \\
            jitsi.room                  | ::                     | Nothing usable is left of the room name
            jitsi.room                  | x*                     | A room name cannot contain *
            jitsi.room                  | a\u200bb               | invisible characters
            """)
    void refusesWrongValues(String key, String value, String message) {
        Map<String, String> config = new HashMap<>(Map.of(key, value.replace("\\t", "\t")));
        if (key.equals(ROOM.key())) {
            config.put(SUBJECT.key(), "*");
        }
        assertThatThrownBy(() -> JitsiSettings.parse(config))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theTokenEndpointIsOffUntilAJitsiUrlIsSet() throws Exception {
        RoomTokenSettings off = JitsiSettings.defaults().roomTokens();
        assertThat(off.enabled()).isFalse();
        assertThat(off.lifetimeSeconds()).as("used at once, checked once").isEqualTo(120);
        assertThat(off.algorithm()).isEqualTo(RoomTokenSettings.Algorithm.RS256);
        assertThat(off.wildcardAllowed()).isFalse();
        assertThat(off.clients()).as("only the Jitsi web client by default").containsExactly("jitsi");
        assertThat(off.tenants()).as("tenants off by default").isEmpty();

        RoomTokenSettings on = JitsiSettings.parse(config(RoomTokenSettings.JITSI_URL, "https://meet.example.com/",
                RoomTokenSettings.ALGORITHM, "HS256", RoomTokenSettings.SECRET, "${vault.jitsi_secret}",
                RoomTokenSettings.WILDCARD, "true", RoomTokenSettings.REQUIRED_ROLE, "jitsi-moderator",
                RoomTokenSettings.CLIENTS, "jitsi##meetings-app", RoomTokenSettings.TENANTS, "Acme##globex",
                RoomTokenSettings.DOMAIN_SETTING, "Meet.Jitsi")).roomTokens();
        assertThat(on.enabled()).isTrue();
        assertThat(on.jitsiUrl()).hasToString("https://meet.example.com");
        assertThat(on.algorithm()).isEqualTo(RoomTokenSettings.Algorithm.HS256);
        assertThat(on.secret()).isEqualTo("${vault.jitsi_secret}");
        assertThat(on.wildcardAllowed()).isTrue();
        assertThat(on.requiredRole()).isEqualTo("jitsi-moderator");
        assertThat(on.clients()).containsExactly("jitsi", "meetings-app");
        assertThat(on.tenants()).containsExactly("acme", "globex");
        assertThat(on.domain()).isEqualTo("meet.jitsi");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            jitsi.url             | meet.example.com                         | "Jitsi URL" must be the address of Jitsi Meet
            jitsi.url             | ftp://meet.example.com                   | "Jitsi URL" must be the address of Jitsi Meet
            jitsi.url             | https://meet.example.com/?a=b            | "Jitsi URL" must be the address of Jitsi Meet
            jitsi.url             | https://user@meet.example.com            | "Jitsi URL" must be the address of Jitsi Meet
            jitsi.token.lifetime  | 59                                       | from 60 to 86400
            jitsi.token.lifetime  | 86401                                    | from 60 to 86400
            jitsi.token.lifetime  | hour                                     | from 60 to 86400
            jitsi.token.algorithm | ES256                                    | must be RS256 or HS256
            jitsi.token.algorithm | HS256                                    | HS256 needs
            jitsi.token.secret    | short                                    | never the secret itself
            jitsi.token.secret    | literal-secret-0123456789-abcdefghijkl   | Keycloak's vault
            jitsi.token.secret    | ${vault.}                                | a vault reference
            jitsi.token.secret    | x${vault.jitsi_secret}                   | a vault reference
            jitsi.token.wildcard  | sometimes                                | must be true or false
            jitsi.token.issuer    | http://a","http://evil                   | takes letters, digits and . _ - : / only
            jitsi.token.issuer    | my_app,other                             | takes letters, digits and . _ - : / only
            jitsi.token.audience  | jitsi                                    | "Token endpoint: audience (aud)" is gone
            jitsi.token.subject   | *                                        | must be a domain name
            jitsi.token.subject   | 0b6a0a2e_1111                            | must be a domain name
            jitsi.token.tenants   | acme##../x                               | "Token endpoint: tenants" entries
            jitsi.token.tenants   | a b                                      | "Token endpoint: tenants" entries
            jitsi.token.clients   | jitsi##admin cli                         | must not contain spaces
            """)
    void refusesWrongTokenEndpointValues(String key, String value, String message) {
        assertThatThrownBy(() -> JitsiSettings.parse(Map.of(key, value)))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aLiteralSecretIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> JitsiSettings.parse(config(RoomTokenSettings.ALGORITHM, "HS256",
                RoomTokenSettings.SECRET, "a-very-long-literal-secret-0123456789abcdef")))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .contains("never the secret itself", "--vault=file", "${vault.jitsi_secret}"));
    }

    @Test
    void refusesReferencesTheRealmDoesNotHave() {
        assertThatThrownBy(() -> JitsiSettings.validate(config(RoomTokenSettings.REQUIRED_ROLE, "starter"), REALM))
                .hasMessageContaining("Token endpoint role \"starter\" does not exist");
        assertThatThrownBy(() -> JitsiSettings.validate(config(RoomTokenSettings.CLIENTS, "jitsi##ghost-app"), REALM))
                .hasMessageContaining("Client \"ghost-app\" in \"Jitsi clients\" does not exist");
    }

    @Test
    void nothingThatCouldBreakOutOfTheSnippetsQuotes() {
        assertThatThrownBy(() -> JitsiSettings.parse(config(AUDIENCE, "jitsi'meet"))).hasMessageContaining("takes letters");
        assertThatThrownBy(() -> JitsiSettings.parse(config(RoomTokenSettings.JITSI_URL, "https://meet.example.com/it's")))
                .hasMessageContaining("must be the address of Jitsi Meet");
        assertThatThrownBy(() -> JitsiSettings.parse(config(RoomTokenSettings.ISSUER, "my_app\\x"))).hasMessageContaining("takes letters");
    }

    @Test
    void theJitsiAudienceIsNoClientsIdAndNothingElseWritesIt() throws Exception {
        assertThatThrownBy(() -> JitsiSettings.validate(config(AUDIENCE, "meetings-app"), REALM))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .contains("\"meetings-app\" is the id of a client of this realm"));
        assertThatThrownBy(() -> JitsiSettings.validate(config(AUDIENCE, "portal-audience"), REALM))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .contains("also written into tokens by mapper \"aud\" of client \"portal\""));
        assertThat(JitsiSettings.validate(config(AUDIENCE, "my-jitsi"), REALM).audience()).isEqualTo("my-jitsi");
    }

    @Test
    void onlyAnEnabledHolderOfTheHostRoleMayHost() throws Exception {
        JitsiSettings gated = JitsiSettings.parse(config(RoomTokenSettings.REQUIRED_ROLE, "jitsi-host"));
        assertThat(gated.whyNotAHost(new FakeUser().role("jitsi-host"))).isEmpty();
        assertThat(gated.whyNotAHost(new FakeUser())).contains(NotAHost.MISSING_ROLE);
        assertThat(gated.whyNotAHost(new FakeUser().role("jitsi-host").disabled())).contains(NotAHost.DISABLED);
        JitsiSettings open = JitsiSettings.parse(Map.of());
        assertThat(open.whyNotAHost(new FakeUser())).as("no host role: every enabled user").isEmpty();
        assertThat(open.whyNotAHost(new FakeUser().disabled())).contains(NotAHost.DISABLED);
    }

    @Test
    void refusesOverlongValues() {
        assertThatThrownBy(() -> JitsiSettings.parse(config(AUDIENCE, "a".repeat(256))))
                .hasMessageContaining("longer than 255");
    }

    /** The admin types a room as people type it, or in Jitsi's form; the claim is Jitsi's form either way. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Board Meeting       | board%20meeting
            Café Team           | caf%c3%a9%20team
            caf%c3%a9%20team    | caf%c3%a9%20team
            weekly              | weekly
            ' *  '              | *
            """)
    void aRoomIsTypedAsPeopleTypeItAndReadInJitsisForm(String typed, String claim) throws Exception {
        assertThat(JitsiSettings.parse(config(ROOM, typed, SUBJECT, "*")).room()).isEqualTo(claim);
    }

    @Test
    void aRoomClaimNeedsASubjectForDomainVerification() {
        assertThatThrownBy(() -> JitsiSettings.parse(config(ROOM, "*")))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("domain verification");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> JitsiSettings.parse(config(INCLUDE_EMAIL, "1", FEATURES_EVERYONE, "nope",
                RoomTokenSettings.SECRET, "literal", RoomTokenSettings.TENANTS, "../x")))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).hasSize(4));
    }

    @Test
    void refusesRolesAndGroupsTheRealmDoesNotHave() {
        Map<String, String> config = config(
                MODERATOR_ROLE, "no-such-role",
                MODERATOR_GROUP, "/nobody",
                FEATURES_BY_ROLE, "recording=ghost");
        assertThatThrownBy(() -> JitsiSettings.validate(config, REALM))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).containsExactly(
                        "Moderator role \"no-such-role\" does not exist in this realm.",
                        "Moderator group \"/nobody\" does not exist in this realm.",
                        "Role \"ghost\" in \"Features by role\" does not exist in this realm."));
    }

    @Test
    void invitationsAreOffUntilAllowedAndBounded() throws Exception {
        InviteSettings off = JitsiSettings.defaults().invites();
        assertThat(off.enabled()).isFalse();
        assertThat(off.maxValiditySeconds()).isEqualTo(7 * 24 * 3600);
        assertThat(off.guestFeatures()).isEmpty();
        assertThat(off.joinsPerMinute()).isEqualTo(20);
        assertThat(off.maxLivePerHost()).isEqualTo(50);

        InviteSettings on = JitsiSettings.parse(config(InviteSettings.ENABLED, "true", InviteSettings.LONGEST_VALIDITY, "3600",
                InviteSettings.GUEST_FEATURES, "screen-sharing", InviteSettings.JOINS_PER_MINUTE, "5")).invites();
        assertThat(on.enabled()).isTrue();
        assertThat(on.maxValiditySeconds()).isEqualTo(3600);
        assertThat(on.guestFeatures()).containsExactly(JitsiFeature.SCREEN_SHARING);
        assertThat(on.joinsPerMinute()).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            jitsi.invites.enabled          | maybe      | must be true or false
            jitsi.invites.max-validity     | 60         | from 300 to 2592000
            jitsi.invites.max-validity     | 2592001    | from 300 to 2592000
            jitsi.invites.max-validity     | week       | from 300 to 2592000
            jitsi.invites.guest-features   | teleport   | unknown Jitsi feature "teleport"
            jitsi.invites.joins-per-minute | 0          | from 1 to 10000
            jitsi.invites.max-live-per-host | 0         | from 1 to 1000
            jitsi.invites.max-live-per-host | 1001      | from 1 to 1000
            jitsi.invites.max-live-per-host | many      | from 1 to 1000
            """)
    void refusesWrongInvitationValues(String key, String value, String message) {
        assertThatThrownBy(() -> JitsiSettings.parse(Map.of(key, value)))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theOwnersGroupAndHiddenRoleMustExist() throws Exception {
        JitsiSettings s = JitsiSettings.validate(config(OWNERS_GROUP, "/staff", HIDDEN_ROLE, "jitsi-recorder"), REALM);
        assertThat(s.ownersGroup()).isEqualTo("/staff");
        assertThat(s.hiddenRole()).isEqualTo("jitsi-recorder");
        assertThatThrownBy(() -> JitsiSettings.validate(config(OWNERS_GROUP, "/meetings", HIDDEN_ROLE, "interpreter"), REALM))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).containsExactly(
                        "Room owners group \"/meetings\" does not exist in this realm.",
                        "Hidden from recorder role \"interpreter\" does not exist in this realm."));
    }

    @Test
    void parsingAloneDoesNotLookUpTheRealm() throws Exception {
        assertThat(JitsiSettings.parse(config(MODERATOR_ROLE, "no-such-role")).moderatorRole()).isEqualTo("no-such-role");
    }
}
