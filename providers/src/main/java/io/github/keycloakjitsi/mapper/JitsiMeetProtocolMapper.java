package io.github.keycloakjitsi.mapper;

import io.github.keycloakjitsi.core.InvalidSettingsException;
import io.github.keycloakjitsi.core.JitsiContext;
import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.Setting;
import io.github.keycloakjitsi.keycloak.ClientIds;
import io.github.keycloakjitsi.keycloak.KeycloakRealmDirectory;
import io.github.keycloakjitsi.keycloak.KeycloakUserFacts;
import io.github.keycloakjitsi.keycloak.MapperSettings;
import io.github.keycloakjitsi.keycloak.RealmJitsiMapper;
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
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.IDToken;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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

    public static final String PROVIDER_ID = RealmJitsiMapper.PROVIDER_ID;

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
        Optional<ProtocolMapperModel> other = client.getProtocolMappersStream()
                .filter(m -> PROVIDER_ID.equals(m.getProtocolMapper()) && !m.getId().equals(mapperModel.getId())).findFirst();
        if (other.isPresent()) {
            throw new ProtocolMapperConfigException(forMessageFormat("There is a Jitsi Meet mapper here already (\"" + other.get().getName()
                    + "\"): edit that one. Two would each decide what the token says."), "jitsiMeetInvalidSettings");
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
        MapperSettings.of(session, mappingModel).ifPresent(settings ->
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
            MapperSettings.of(session, mappingModel).ifPresent(settings -> setJitsiTokenClaims(mapped, settings, session, userSession, clientSessionCtx));
        }
        return mapped;
    }

    @Override
    public AccessToken transformIntrospectionToken(AccessToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
                                                   UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        AccessToken mapped = super.transformIntrospectionToken(token, mappingModel, session, userSession, clientSessionCtx);
        if (OIDCAttributeMapperHelper.includeInIntrospection(mappingModel)) {
            MapperSettings.of(session, mappingModel).ifPresent(settings -> setJitsiTokenClaims(mapped, settings, session, userSession, clientSessionCtx));
        }
        return mapped;
    }

    /**
     * Whether this token may be one Jitsi takes, by the realm's Jitsi settings (the Jitsi Meet
     * mapper of client {@code jitsi}, {@link RealmJitsiMapper}): issued to one of its Jitsi clients, for a user who
     * may host now ({@link JitsiSettings#whyNotAHost}: enabled, holding the host role), and no
     * client of the realm has the Jitsi audience as its id ({@link ClientIds}: known within seconds
     * of such a client's creation). One rule for the realm, whichever Jitsi Meet mapper runs. The
     * mapper runs for every grant that issues a token (code, refresh, offline refresh, exchange),
     * so the answer is Keycloak's at that moment, not at the first login.
     */
    private static boolean mayBeForJitsi(JitsiSettings jitsi, KeycloakSession session, UserSessionModel userSession,
                                         ClientSessionContext clientSessionCtx) {
        RealmModel realm = userSession.getRealm();
        return jitsi.roomTokens().clients().contains(clientSessionCtx.getClientSession().getClient().getClientId())
                && jitsi.whyNotAHost(new KeycloakUserFacts(session, realm, userSession.getUser())).isEmpty()
                && !ClientIds.exists(realm, jitsi.audience());
    }

    /**
     * Prosody wants one string in {@code aud}; Keycloak serializes a one-element audience as a
     * string. A token not for Jitsi keeps Keycloak's audience, never with a Jitsi audience in it.
     */
    private static void setJitsiTokenClaims(AccessToken token, JitsiSettings settings, KeycloakSession session,
                                            UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        Optional<JitsiSettings> realmSettings = RealmJitsiMapper.find(userSession.getRealm(), clientSessionCtx.getClientSession().getClient())
                .flatMap(mapper -> MapperSettings.of(session, mapper));
        if (realmSettings.isEmpty() || !mayBeForJitsi(realmSettings.get(), session, userSession, clientSessionCtx)) {
            List<String> jitsiAudiences = List.of(settings.audience(), realmSettings.map(JitsiSettings::audience).orElse(settings.audience()));
            String[] audience = token.getAudience();
            if (audience != null && Arrays.stream(audience).anyMatch(jitsiAudiences::contains)) {
                token.audience(Arrays.stream(audience).filter(a -> !jitsiAudiences.contains(a)).toArray(String[]::new));
            }
            return;
        }
        token.audience(realmSettings.get().audience());
        if (settings.subject() != null) {
            token.subject(settings.subject());
        }
        if (settings.room() != null) {
            token.getOtherClaims().put("room", settings.room());
        }
    }

    /** The admin form, built from the settings' one description each ({@link JitsiSettings#all()}). */
    private static List<ProviderConfigProperty> configProperties() {
        List<ProviderConfigProperty> properties = new ArrayList<>();
        for (Setting setting : JitsiSettings.all()) {
            ProviderConfigProperty property = new ProviderConfigProperty(setting.key(), setting.label(), setting.help(),
                    type(setting.type()), setting.initialValue());
            if (!setting.options().isEmpty()) {
                property.setOptions(setting.options());
            }
            properties.add(property);
        }
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(properties, JitsiMeetProtocolMapper.class);
        return properties;
    }

    private static String type(Setting.Type type) {
        return switch (type) {
            case STRING -> ProviderConfigProperty.STRING_TYPE;
            case BOOLEAN -> ProviderConfigProperty.BOOLEAN_TYPE;
            case ROLE -> ProviderConfigProperty.ROLE_TYPE;
            case GROUP -> ProviderConfigProperty.GROUP_TYPE;
            case LIST -> ProviderConfigProperty.LIST_TYPE;
            case MULTIVALUED_LIST -> ProviderConfigProperty.MULTIVALUED_LIST_TYPE;
            case MULTIVALUED_STRING -> ProviderConfigProperty.MULTIVALUED_STRING_TYPE;
        };
    }
}
