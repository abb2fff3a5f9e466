package io.github.keycloakjitsi.mapper;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiContext;
import io.github.keycloakjitsi.core.JitsiFeature;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperContainerModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.ProtocolMapperConfigException;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.IDToken;

import java.util.Arrays;
import java.util.List;

/**
 * The "Jitsi Meet" protocol mapper: Jitsi's claims in Keycloak's own tokens. Keycloak glue only;
 * the rules live in {@link JitsiSettings} and {@link JitsiContext}.
 *
 * <p>{@code context} goes into every token the switches select. {@code aud}, {@code sub} and
 * {@code room} describe the token Prosody checks, so they change only the access token (and its
 * introspection): the ID token keeps {@code aud} = client id and the user id as {@code sub}, as
 * OIDC, logout's {@code id_token_hint} and userinfo require.
 */
public class JitsiMeetProtocolMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    public static final String PROVIDER_ID = "oidc-jitsi-meet-mapper";

    /**
     * Runs after Keycloak's own mappers (sub at -10, audience resolution at 30, scripts at 50), so
     * nothing adds an audience after {@code aud} has been replaced by a single string.
     */
    static final int PRIORITY = 100;

    private static final List<ProviderConfigProperty> CONFIG = configProperties();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Jitsi Meet";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds Jitsi Meet's claims (context.user with name, email, avatar and moderator; features; "
                + "a single-string aud; optional room and sub) so Prosody's token authentication accepts the token.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, ProtocolMapperContainerModel client,
                               ProtocolMapperModel mapperModel) throws ProtocolMapperConfigException {
        try {
            JitsiSettings.validate(mapperModel.getConfig(), new KeycloakRealmDirectory(session, realm));
        } catch (InvalidSettingsException e) {
            throw new ProtocolMapperConfigException(forMessageFormat(e.getMessage()), "jitsiMeetInvalidSettings");
        }
    }

    /**
     * Keycloak runs the refusal through {@link java.text.MessageFormat} before the admin sees it:
     * quote what it would take as syntax (apostrophes, braces from the admin's own values).
     */
    static String forMessageFormat(String message) {
        return message.replace("'", "''").replace("{", "'{'").replace("}", "'}'");
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        JitsiSettingsCache.of(mappingModel).ifPresent(settings ->
                token.getOtherClaims().put("context", context(settings, mappingModel, userSession, session).claim()));
    }

    /**
     * The user's Jitsi context, worked out once per request: a login or refresh asks for it for
     * the access token and again for the ID token (and userinfo or introspection).
     */
    private static JitsiContext context(JitsiSettings settings, ProtocolMapperModel mappingModel, UserSessionModel userSession,
                                        KeycloakSession session) {
        String key = "jitsi.context." + mappingModel.getId() + "." + userSession.getUser().getId();
        JitsiContext context = session.getAttribute(key, JitsiContext.class);
        if (context == null) {
            context = JitsiContext.of(settings, new KeycloakUserFacts(session, userSession.getRealm(), userSession.getUser()));
            session.setAttribute(key, context);
        }
        return context;
    }

    @Override
    public AccessToken transformAccessToken(AccessToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
                                            UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        AccessToken mapped = super.transformAccessToken(token, mappingModel, session, userSession, clientSessionCtx);
        if (OIDCAttributeMapperHelper.includeInAccessToken(mappingModel)) {
            JitsiSettingsCache.of(mappingModel).ifPresent(settings -> setJitsiTokenClaims(mapped, settings));
        }
        return mapped;
    }

    @Override
    public AccessToken transformIntrospectionToken(AccessToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
                                                   UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        AccessToken mapped = super.transformIntrospectionToken(token, mappingModel, session, userSession, clientSessionCtx);
        if (OIDCAttributeMapperHelper.includeInIntrospection(mappingModel)) {
            JitsiSettingsCache.of(mappingModel).ifPresent(settings -> setJitsiTokenClaims(mapped, settings));
        }
        return mapped;
    }

    /** Prosody wants one string in {@code aud}; Keycloak serializes a one-element audience as a string. */
    private static void setJitsiTokenClaims(AccessToken token, JitsiSettings settings) {
        if (settings.audience() != null) {
            token.audience(settings.audience());
        }
        if (settings.subject() != null) {
            token.subject(settings.subject());
        }
        if (settings.room() != null) {
            token.getOtherClaims().put("room", settings.room());
        }
    }

    private static List<ProviderConfigProperty> configProperties() {
        List<String> features = Arrays.stream(JitsiFeature.values()).map(JitsiFeature::key).toList();
        List<ProviderConfigProperty> properties = ProviderConfigurationBuilder.create()
                .property().name(JitsiSettings.MODERATOR_ROLE).label("Moderator role")
                .helpText("Users holding this role (realm role, or client role as clientId.role; through groups and "
                        + "composite roles too) are moderators: context.user.moderator=true and affiliation=owner. Empty: no role makes moderators.")
                .type(ProviderConfigProperty.ROLE_TYPE).defaultValue(JitsiSettings.DEFAULT_MODERATOR_ROLE).add()
                .property().name(JitsiSettings.MODERATOR_GROUP).label("Moderator group")
                .helpText("Members of this group, or of any of its subgroups, are moderators too. Optional.")
                .type(ProviderConfigProperty.GROUP_TYPE).add()
                .property().name(JitsiSettings.INCLUDE_EMAIL).label("Share email")
                .helpText("Put the user's email in context.user.email. Every context.user value is shown to all participants of a meeting.")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true").add()
                .property().name(JitsiSettings.AVATAR_ATTRIBUTE).label("Avatar attribute")
                .helpText("User attribute holding the avatar URL for context.user.avatar; left out when the user has none. Empty: no avatar.")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(JitsiSettings.DEFAULT_AVATAR_ATTRIBUTE).add()
                .property().name(JitsiSettings.GROUP_ATTRIBUTE).label("Group attribute")
                .helpText("User attribute copied to context.group (Jitsi's group, e.g. for breakout or reporting). Optional.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(JitsiSettings.FEATURES_EVERYONE).label("Features for everyone")
                .helpText("Jitsi features every signed-in user gets. Granting any feature here or below adds context.features "
                        + "with every known feature true or false, and Jitsi then denies what is not granted, to moderators too. "
                        + "Leave all three empty to let Jitsi decide (moderators get everything).")
                .type(ProviderConfigProperty.MULTIVALUED_LIST_TYPE).options(features).add()
                .property().name(JitsiSettings.FEATURES_MODERATORS).label("Features for moderators")
                .helpText("Jitsi features moderators get (see 'Features for everyone').")
                .type(ProviderConfigProperty.MULTIVALUED_LIST_TYPE).options(features).add()
                .property().name(JitsiSettings.FEATURES_BY_ROLE).label("Features by role")
                .helpText("Entries feature=role, e.g. recording=jitsi-recorder or livestreaming=jitsi.streamer: holders of the role get the feature. "
                        + "Known features: " + String.join(", ", features) + ".")
                .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
                .property().name(JitsiSettings.AUDIENCE).label("Audience (aud)")
                .helpText("Replaces the access token's aud with exactly this one string, which must be in Prosody's "
                        + "asap_accepted_audiences (Prosody refuses an aud list). Empty: keep Keycloak's audience.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(JitsiSettings.SUBJECT).label("Subject (sub)")
                .helpText("Replaces the access token's sub: the Jitsi domain, the tenant, or *. Needed with a room claim, since "
                        + "Prosody's domain verification matches the room against sub. Empty: keep the user id.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(JitsiSettings.ROOM).label("Room")
                .helpText("The access token's room claim: * for every room, or one room in the form Jitsi sends it "
                        + "(lower case, URI-encoded). Needs 'Subject (sub)'. Empty: no room claim (set asap_require_room_claim = false).")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(RoomTokenSettings.JITSI_URL).label("Jitsi URL")
                .helpText("Address of Jitsi Meet, e.g. https://meet.example.com. Switches on the realm's Jitsi token endpoint "
                        + "/realms/{realm}/jitsi (room tokens, TOKEN_AUTH_URL join, key server); read from the mapper of client 'jitsi'. "
                        + "Meeting links and /join redirects only ever point here. Empty: endpoint off.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(RoomTokenSettings.REQUIRED_ROLE).label("Token endpoint: required role")
                .helpText("Only users holding this role get room tokens (who may start meetings). Empty: every user of the realm.")
                .type(ProviderConfigProperty.ROLE_TYPE).add()
                .property().name(RoomTokenSettings.LIFETIME).label("Token endpoint: lifetime")
                .helpText("Seconds a room token is valid (" + RoomTokenSettings.MIN_LIFETIME + " to " + RoomTokenSettings.MAX_LIFETIME
                        + "), never past the user's SSO session (its idle and maximum times).")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(String.valueOf(RoomTokenSettings.DEFAULT_LIFETIME)).add()
                .property().name(RoomTokenSettings.ALGORITHM).label("Token endpoint: algorithm")
                .helpText("RS256: signed with the realm's key, checked by Prosody through /certs (cache_keys_url) or the key server "
                        + "(asap_key_server). HS256: signed with the shared secret below (Prosody's app_secret, docker-jitsi-meet's JWT_APP_SECRET).")
                .type(ProviderConfigProperty.LIST_TYPE).options("RS256", "HS256").defaultValue("RS256").add()
                .property().name(RoomTokenSettings.SECRET).label("Token endpoint: shared secret")
                .helpText("HS256 only: at least " + RoomTokenSettings.MIN_SECRET_LENGTH + " characters, or a vault reference ${vault.name}.")
                .type(ProviderConfigProperty.PASSWORD).secret(true).add()
                .property().name(RoomTokenSettings.ISSUER).label("Token endpoint: issuer (iss)")
                .helpText("iss of room tokens. Empty: the realm's issuer URL. With HS256 usually docker-jitsi-meet's JWT_APP_ID.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(RoomTokenSettings.AUDIENCE).label("Token endpoint: audience (aud)")
                .helpText("aud of room tokens, one string; must be in Prosody's asap_accepted_audiences. Default: jitsi.")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(RoomTokenSettings.DEFAULT_AUDIENCE).add()
                .property().name(RoomTokenSettings.SUBJECT).label("Token endpoint: subject (sub)")
                .helpText("sub of room tokens: the Jitsi domain for Prosody's domain verification. Empty: the host of the Jitsi URL; "
                        + "a requested tenant always wins.")
                .type(ProviderConfigProperty.STRING_TYPE).add()
                .property().name(RoomTokenSettings.WILDCARD).label("Token endpoint: allow room *")
                .helpText("Allow tokens for room * (every room). Off by default.")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
                .build();
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(properties, JitsiMeetProtocolMapper.class);
        return properties;
    }
}
