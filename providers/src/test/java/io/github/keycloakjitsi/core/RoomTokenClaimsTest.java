package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.github.keycloakjitsi.core.Configs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomTokenClaimsTest {

    private static final String REALM_ISSUER = "https://sso.example.com/realms/jitsi-realm";

    private static JitsiSettings settings(Object... extra) throws InvalidSettingsException {
        Map<String, String> config = config(JitsiSettings.MODERATOR_ROLE, "jitsi-moderator",
                RoomTokenSettings.JITSI_URL, "https://meet.example.com");
        config.putAll(config(extra));
        return JitsiSettings.parse(config);
    }

    @Test
    void defaultsFollowTheRealmAndTheJitsiHost() throws Exception {
        JitsiSettings s = settings();
        JitsiContext context = JitsiContext.of(s, new FakeUser().role("jitsi-moderator"));
        RoomTokenClaims claims = RoomTokenClaims.of(s, context, RoomRequest.parse("Daily", null, s.roomTokens()),
                s.roomTokens().issuerOr(REALM_ISSUER), 1000, 99999);

        assertThat(claims.issuer()).isEqualTo(REALM_ISSUER);
        assertThat(claims.audience()).isEqualTo("jitsi-meet");
        assertThat(claims.subject()).isEqualTo("meet.example.com");
        assertThat(claims.room()).isEqualTo("daily");
        assertThat(claims.issuedAt()).isEqualTo(1000);
        assertThat(claims.notBefore()).isLessThanOrEqualTo(1000);
        assertThat(claims.expiresAt()).isEqualTo(1000 + 120);
        assertThat(claims.moderator()).isTrue();
        assertThat(claims.context()).isEqualTo(context.claim());
    }

    @Test
    void configuredValuesAndAnAllowedTenantWin() throws Exception {
        JitsiSettings s = settings(RoomTokenSettings.ISSUER, "my_app", JitsiSettings.AUDIENCE, "my_app",
                RoomTokenSettings.DOMAIN_SETTING, "meet.jitsi", RoomTokenSettings.LIFETIME, "600",
                RoomTokenSettings.TENANTS, "acme##Globex");
        JitsiContext context = JitsiContext.of(s, new FakeUser());
        RoomTokenClaims plain = RoomTokenClaims.of(s, context, RoomRequest.parse("r", null, s.roomTokens()),
                s.roomTokens().issuerOr(REALM_ISSUER), 0, 99999);
        RoomTokenClaims tenant = RoomTokenClaims.of(s, context, RoomRequest.parse("r", "GLOBEX", s.roomTokens()),
                s.roomTokens().issuerOr(REALM_ISSUER), 0, 99999);
        assertThat(plain.issuer()).isEqualTo("my_app");
        assertThat(plain.audience()).isEqualTo("my_app");
        assertThat(plain.subject()).isEqualTo("meet.jitsi");
        assertThat(plain.lifetimeSeconds()).isEqualTo(600);
        assertThat(tenant.subject()).isEqualTo("globex");
        assertThat(plain.moderator()).isFalse();
        assertThat(s.roomTokens().tenants()).isEqualTo(List.of("acme", "globex"));
    }

    @Test
    void theSubjectIsNeverTheCallersChoice() throws Exception {
        JitsiSettings s = settings(RoomTokenSettings.TENANTS, "acme");
        String someonesUserId = "0b6a0a2e-1111-4c4c-9999-123456789abc";
        assertThatThrownBy(() -> RoomRequest.parse("r", someonesUserId, s.roomTokens()))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.error()).isEqualTo("tenant_not_allowed"));
        assertThatThrownBy(() -> RoomRequest.parse("r", "acme", settings().roomTokens()))
                .as("tenants off").isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void neverOutlivesTheSsoSession() throws Exception {
        JitsiSettings s = settings();
        RoomTokenClaims claims = RoomTokenClaims.of(s, JitsiContext.of(s, new FakeUser()),
                RoomRequest.parse("r", null, s.roomTokens()), REALM_ISSUER, 1000, 1050);
        assertThat(claims.expiresAt()).isEqualTo(1050);
        assertThat(claims.lifetimeSeconds()).isEqualTo(50);
    }
}
