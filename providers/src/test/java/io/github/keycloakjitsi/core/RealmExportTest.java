package io.github.keycloakjitsi.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped realm export, read as a file: what it must and must never contain. */
class RealmExportTest {

    private static final Path EXPORT = Path.of("../realm-export/jitsi-realm-realm.json");
    private static String text;
    private static JsonNode realm;

    @BeforeAll
    static void read() throws Exception {
        text = Files.readString(EXPORT);
        realm = new ObjectMapper().readTree(text);
    }

    private static JsonNode jitsiClient() {
        for (JsonNode client : realm.get("clients")) {
            if (client.get("clientId").asText().equals("jitsi")) {
                return client;
            }
        }
        throw new AssertionError("no jitsi client");
    }

    @Test
    void namedAfterItsRealmAsImportRequires() {
        assertThat(EXPORT.getFileName().toString()).isEqualTo(realm.get("realm").asText() + "-realm.json");
        assertThat(realm.get("realm").asText()).isEqualTo("jitsi-realm");
    }

    @Test
    void holdsNoUsersPasswordsOrSecrets() {
        assertThat(realm.has("users")).isFalse();
        assertThat(text).doesNotContain("\"credentials\"", "\"secret\"", "\"password\"", "\"value\"");
    }

    @Test
    void keepsLoginAndJitsiTokenEventsAndAdminEventsForThirtyDays() {
        assertThat(realm.get("eventsEnabled").asBoolean()).isTrue();
        assertThat(realm.get("eventsExpiration").asLong()).isEqualTo(30 * 24 * 3600);
        assertThat(realm.get("enabledEventTypes").toString()).contains("\"LOGIN\"", "\"LOGIN_ERROR\"", "\"TOKEN_EXCHANGE\"",
                "\"TOKEN_EXCHANGE_ERROR\"", "\"OAUTH2_EXTENSION_GRANT\"",
                "\"OAUTH2_EXTENSION_GRANT_ERROR\"", "\"CODE_TO_TOKEN\"", "\"REFRESH_TOKEN\"", "\"LOGOUT\"");
        assertThat(realm.get("adminEventsEnabled").asBoolean()).isTrue();
        assertThat(realm.get("attributes").get("adminEventsExpiration").asText()).isEqualTo(String.valueOf(30 * 24 * 3600));
    }

    @Test
    void asksForPasswordsOfTwelveCharactersThatAreNeitherUsernameNorEmail() {
        assertThat(realm.get("passwordPolicy").asText()).isEqualTo("length(12) and notUsername and notEmail");
    }

    private static JsonNode flow(String alias) {
        for (JsonNode flow : realm.get("authenticationFlows")) {
            if (flow.get("alias").asText().equals(alias)) {
                return flow;
            }
        }
        throw new AssertionError("no flow " + alias);
    }

    @Test
    void theJitsiClientsLoginThroughTheHostGate() {
        JsonNode top = flow("jitsi browser");
        assertThat(top.get("topLevel").asBoolean()).isTrue();
        for (JsonNode client : realm.get("clients")) {
            if (client.get("clientId").asText().equals("jitsi-meetings")) {
                assertThat(client.has("authenticationFlowBindingOverrides"))
                        .as("the meetings page signs in through the realm's usual login: who may not host reads why on the page")
                        .isFalse();
                continue;
            }
            assertThat(client.get("authenticationFlowBindingOverrides").get("browser").asText())
                    .as(client.get("clientId").asText()).isEqualTo(top.get("id").asText());
        }
        JsonNode steps = top.get("authenticationExecutions");
        assertThat(steps.get(0).get("flowAlias").asText()).isEqualTo("jitsi browser login");
        assertThat(steps.get(0).get("requirement").asText()).isEqualTo("REQUIRED");
        assertThat(steps.get(1).get("flowAlias").asText()).isEqualTo("jitsi host gate");
        assertThat(steps.get(1).get("requirement").asText()).isEqualTo("CONDITIONAL");

        JsonNode gate = flow("jitsi host gate").get("authenticationExecutions");
        assertThat(gate.get(0).get("authenticator").asText()).as("Keycloak's own condition decides").isEqualTo("conditional-user-role");
        assertThat(gate.get(1).get("authenticator").asText()).isEqualTo("jitsi-host-required");
        JsonNode condition = realm.get("authenticatorConfig").get(0);
        assertThat(condition.get("alias").asText()).isEqualTo(gate.get(0).get("authenticatorConfig").asText());
        assertThat(condition.get("config").get("condUserRole").asText()).isEqualTo("jitsi-host");
        assertThat(condition.get("config").get("negate").asText()).isEqualTo("true");

        assertThat(flow("jitsi browser login").get("authenticationExecutions").findValuesAsText("authenticator"))
                .contains("auth-cookie", "identity-provider-redirector");
        assertThat(flow("jitsi browser forms").get("authenticationExecutions").findValuesAsText("authenticator"))
                .contains("auth-username-password-form");
    }

    @Test
    void everyUserIsAHostAndEveryHostAModeratorUntilTheAdminNarrowsIt() throws Exception {
        JsonNode roles = realm.get("roles").get("realm");
        JsonNode host = null;
        JsonNode defaults = null;
        for (JsonNode role : roles) {
            if (role.get("name").asText().equals("jitsi-host")) {
                host = role;
            }
            if (role.get("name").asText().equals(realm.get("defaultRole").get("name").asText())) {
                defaults = role;
            }
        }
        assertThat(host).isNotNull();
        assertThat(host.get("composites").get("realm").toString()).as("every room a host opens has an owner").contains("\"jitsi-moderator\"");
        assertThat(defaults).isNotNull();
        assertThat(defaults.get("composites").get("realm").toString()).contains("\"jitsi-host\"", "\"offline_access\"");

        Map<String, String> config = new HashMap<>();
        jitsiClient().get("protocolMappers").get(0).get("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        assertThat(config.get("jitsi.token.required-role")).as("the gate and the endpoints ask the same role")
                .isEqualTo(realm.get("authenticatorConfig").get(0).get("config").get("condUserRole").asText());
    }

    @Test
    void everyDescriptionFitsKeycloaksColumn() {
        assertThat(realm.get("roles").get("realm").findValuesAsText("description")).allSatisfy(d -> assertThat(d).hasSizeLessThanOrEqualTo(255));
    }

    @Test
    void hasTheModeratorRoleAndBruteForceProtection() {
        assertThat(realm.get("bruteForceProtected").asBoolean()).isTrue();
        assertThat(realm.get("roles").get("realm").findValuesAsText("name")).contains("jitsi-moderator");
    }

    @Test
    void theJitsiClientIsPublicWithPkceAndNoFullScope() {
        JsonNode client = jitsiClient();
        assertThat(client.get("publicClient").asBoolean()).isTrue();
        assertThat(client.get("standardFlowEnabled").asBoolean()).isTrue();
        assertThat(client.get("implicitFlowEnabled").asBoolean()).isFalse();
        assertThat(client.get("directAccessGrantsEnabled").asBoolean()).isFalse();
        assertThat(client.get("serviceAccountsEnabled").asBoolean()).isFalse();
        assertThat(client.get("fullScopeAllowed").asBoolean()).isFalse();
        assertThat(client.get("attributes").get("pkce.code.challenge.method").asText()).isEqualTo("S256");
        assertThat(client.get("redirectUris").get(0).asText()).isEqualTo("https://${JITSI_HOST:localhost:8443}/static/sso.html");
        assertThat(client.get("attributes").get("post.logout.redirect.uris").asText()).isEqualTo("https://${JITSI_HOST:localhost:8443}/static/logout.html");
        assertThat(client.get("webOrigins").get(0).asText()).isEqualTo("https://${JITSI_HOST:localhost:8443}");
        assertThat(realm.get("attributes").get("frontendUrl").asText()).isEqualTo("${JITSI_FRONTEND_URL:}");
    }

    @Test
    void selectsTheMeetingThemeAndItsLanguages() throws Exception {
        assertThat(realm.get("loginTheme").asText()).isEqualTo("jitsi");
        assertThat(realm.get("internationalizationEnabled").asBoolean()).isTrue();
        List<String> locales = new ArrayList<>();
        realm.get("supportedLocales").forEach(l -> {
            assertThat(l.isTextual()).as("locale %s is a string", l).isTrue();
            locales.add(l.asText());
        });
        assertThat(locales).containsExactly("en", "de", "fr", "es");
        assertThat(locales).as("the default locale is one of them").contains(realm.get("defaultLocale").asText());
        Path theme = Path.of("../themes", realm.get("loginTheme").asText(), "login");
        Properties properties = new Properties();
        try (var in = Files.newInputStream(theme.resolve("theme.properties"))) {
            properties.load(in);
        }
        assertThat(List.of(properties.getProperty("locales", "").split(","))).as("the theme offers the realm's languages, no other")
                .containsExactlyElementsOf(locales);
        for (String locale : locales) {
            assertThat(theme.resolve("messages/messages_" + locale + ".properties")).as("the login theme's words in " + locale).isRegularFile();
        }
    }

    @Test
    void theJoinClientOnlyReturnsToTheJoinCallback() {
        JsonNode join = null;
        for (JsonNode client : realm.get("clients")) {
            if (client.get("clientId").asText().equals("jitsi-join")) {
                join = client;
            }
        }
        assertThat(join).isNotNull();
        assertThat(join.get("publicClient").asBoolean()).isTrue();
        assertThat(join.get("directAccessGrantsEnabled").asBoolean()).isFalse();
        assertThat(join.get("redirectUris").toString()).isEqualTo("[\"/realms/jitsi-realm/jitsi/join/callback\"]");
        assertThat(join.get("attributes").get("pkce.code.challenge.method").asText()).as("PKCE like client jitsi").isEqualTo("S256");
    }

    /** Keycloak keeps a client's name and description in columns of 255 characters: a longer one aborts the import. */
    @Test
    void clientNamesAndDescriptionsFitKeycloaksColumns() {
        for (JsonNode client : realm.get("clients")) {
            assertThat(client.path("name").asText()).as(client.get("clientId").asText()).hasSizeLessThanOrEqualTo(255);
            assertThat(client.path("description").asText()).as(client.get("clientId").asText()).hasSizeLessThanOrEqualTo(255);
        }
    }

    @Test
    void theMeetingsPageIsAClientListedInTheAccountConsoleThatOnlyReturnsToThePage() {
        JsonNode page = null;
        for (JsonNode client : realm.get("clients")) {
            if (client.get("clientId").asText().equals("jitsi-meetings")) {
                page = client;
            }
        }
        assertThat(page).isNotNull();
        assertThat(page.get("publicClient").asBoolean()).isTrue();
        assertThat(page.get("alwaysDisplayInConsole").asBoolean()).as("Applications in the account console link to it").isTrue();
        assertThat(page.get("rootUrl").asText()).isEqualTo("${authBaseUrl}");
        assertThat(page.get("baseUrl").asText()).isEqualTo("/realms/jitsi-realm/jitsi/meetings");
        assertThat(page.get("redirectUris").toString()).isEqualTo("[\"/realms/jitsi-realm/jitsi/meetings/callback\"]");
        assertThat(page.get("webOrigins")).as("nothing calls Keycloak from another origin for it").isEmpty();
        assertThat(page.get("fullScopeAllowed").asBoolean()).isFalse();
        assertThat(page.get("attributes").get("pkce.code.challenge.method").asText()).isEqualTo("S256");
        assertThat(realm.has("accountTheme")).as("the account console stays Keycloak's own").isFalse();
    }

    @Test
    void bothJitsiClientsSendBackChannelLogoutsWithTheSessionToJitsi() {
        for (JsonNode client : realm.get("clients")) {
            String id = client.get("clientId").asText();
            if (id.equals("jitsi") || id.equals("jitsi-join")) {
                assertThat(client.get("frontchannelLogout").asBoolean()).as(id + ": Keycloak sends back-channel logouts only without front-channel")
                        .isFalse();
                assertThat(client.get("attributes").get("backchannel.logout.url").asText()).as(id)
                        .isEqualTo("${JITSI_BACKCHANNEL_LOGOUT_URL:https://${JITSI_HOST:localhost:8443}/keycloak-logout}");
                assertThat(client.get("attributes").get("backchannel.logout.session.required").asText()).as(id).isEqualTo("true");
            }
        }
    }

    @Test
    void itsJitsiMapperHasValidSettingsForTheGuidesProsody() throws Exception {
        JsonNode mapper = jitsiClient().get("protocolMappers").get(0);
        assertThat(mapper.get("protocolMapper").asText()).isEqualTo("oidc-jitsi-meet-mapper");
        Map<String, String> config = importedMapperConfig();
        JitsiSettings settings = JitsiSettings.parse(config);
        assertThat(settings.audience()).as("a name no client has, never account").isEqualTo("jitsi-meet");
        assertThat(settings.moderatorRole()).isEqualTo("jitsi-moderator");
        assertThat(settings.room()).isNull();
        assertThat(settings.roomTokens().jitsiUrl()).hasToString("https://localhost:8443");
        assertThat(settings.includeEmail()).as("every participant sees context.user").isFalse();
        assertThat(settings.roomTokens().clients()).containsExactly("jitsi");
        assertThat(settings.roomTokens().tenants()).isEmpty();
        assertThat(settings.roomTokens().wildcardAllowed()).isFalse();
        assertThat(config).containsEntry("access.token.claim", "true");
    }

    @Test
    void theJitsiClientHasNoOtherGrantNoOfflineTokensAndShortLivedTokens() {
        for (JsonNode client : realm.get("clients")) {
            String id = client.get("clientId").asText();
            assertThat(client.get("implicitFlowEnabled").asBoolean()).as(id).isFalse();
            assertThat(client.get("directAccessGrantsEnabled").asBoolean()).as(id).isFalse();
            assertThat(client.get("serviceAccountsEnabled").asBoolean()).as(id).isFalse();
            assertThat(client.get("optionalClientScopes")).as(id + ": no offline_access, nothing to ask for").isEmpty();
            assertThat(client.get("defaultClientScopes").toString()).as(id).doesNotContain("offline_access", "roles");
            JsonNode attributes = client.get("attributes");
            assertThat(attributes.get("oauth2.device.authorization.grant.enabled").asText()).as(id).isEqualTo("false");
            assertThat(attributes.get("oidc.ciba.grant.enabled").asText()).as(id).isEqualTo("false");
            assertThat(attributes.get("standard.token.exchange.enabled").asText()).as(id).isEqualTo("false");
        }
        assertThat(jitsiClient().get("attributes").get("access.token.lifespan").asInt())
                .as("a disabled or demoted host's last token opens rooms for two minutes at most").isEqualTo(120);
    }

    @Test
    void invitesGuestsAndMakesOwnersFromMeetingsSubgroups() throws Exception {
        Map<String, String> config = importedMapperConfig();
        JitsiSettings settings = JitsiSettings.parse(config);
        assertThat(settings.invites().enabled()).isTrue();
        assertThat(settings.invites().guestFeatures()).as("guests get no features unless the admin grants them").isEmpty();
        assertThat(settings.ownersGroup()).isEqualTo("/meetings");
        assertThat(realm.get("groups").findValuesAsText("path")).contains("/meetings");
        assertThat(realm.get("groups").get(0).get("subGroups")).as("an admin adds rooms").isEmpty();
        assertThat(realm.get("roles").get("realm").findValuesAsText("name")).contains(settings.hiddenRole());
        assertThat(realm.get("defaultRole").toString()).doesNotContain(settings.hiddenRole());
    }

    /** The jitsi client's Jitsi Meet mapper settings as imported, with the defaults of its ${VAR:default} placeholders. */
    private static Map<String, String> importedMapperConfig() {
        Map<String, String> config = new HashMap<>();
        jitsiClient().get("protocolMappers").get(0).get("config").properties().forEach(e -> config.put(e.getKey(),
                e.getValue().asText().replaceAll("\\$\\{[A-Z_]+:([^}]*)}", "$1")));
        return config;
    }
}
