package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoomTokenClaimsTest {

    private static final String REALM_ISSUER = "https://sso.example.com/realms/jitsi-realm";

    private static JitsiSettings settings(Map<String, String> extra) throws InvalidSettingsException {
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                JitsiSettings.MODERATOR_ROLE, "jitsi-moderator",
                RoomTokenSettings.JITSI_URL, "https://meet.example.com"));
        config.putAll(extra);
        return JitsiSettings.parse(config);
    }

    @Test
    void defaultsFollowTheRealmAndTheJitsiHost() throws Exception {
        JitsiSettings s = settings(Map.of());
        JitsiContext context = JitsiContext.of(s, new FakeUser().role("jitsi-moderator"));
        RoomTokenClaims claims = RoomTokenClaims.of(s.roomTokens(), context, RoomRequest.parse("Daily", null, false), REALM_ISSUER, 1000, 99999);

        assertThat(claims.issuer()).isEqualTo(REALM_ISSUER);
        assertThat(claims.audience()).isEqualTo("jitsi");
        assertThat(claims.subject()).isEqualTo("meet.example.com");
        assertThat(claims.room()).isEqualTo("daily");
        assertThat(claims.issuedAt()).isEqualTo(1000);
        assertThat(claims.notBefore()).isLessThanOrEqualTo(1000);
        assertThat(claims.expiresAt()).isEqualTo(1000 + 3600);
        assertThat(claims.moderator()).isTrue();
        assertThat(claims.context()).isEqualTo(context.claim());
    }

    @Test
    void configuredValuesAndTenantWin() throws Exception {
        JitsiSettings s = settings(Map.of(RoomTokenSettings.ISSUER, "my_app", RoomTokenSettings.AUDIENCE, "my_app",
                RoomTokenSettings.SUBJECT, "meet.jitsi", RoomTokenSettings.LIFETIME, "600"));
        JitsiContext context = JitsiContext.of(s, new FakeUser());
        RoomTokenClaims plain = RoomTokenClaims.of(s.roomTokens(), context, RoomRequest.parse("r", null, false), REALM_ISSUER, 0, 99999);
        RoomTokenClaims tenant = RoomTokenClaims.of(s.roomTokens(), context, RoomRequest.parse("r", "acme", false), REALM_ISSUER, 0, 99999);
        assertThat(plain.issuer()).isEqualTo("my_app");
        assertThat(plain.audience()).isEqualTo("my_app");
        assertThat(plain.subject()).isEqualTo("meet.jitsi");
        assertThat(plain.lifetimeSeconds()).isEqualTo(600);
        assertThat(tenant.subject()).isEqualTo("acme");
        assertThat(plain.moderator()).isFalse();
    }

    @Test
    void neverOutlivesTheSsoSession() throws Exception {
        JitsiSettings s = settings(Map.of());
        RoomTokenClaims claims = RoomTokenClaims.of(s.roomTokens(), JitsiContext.of(s, new FakeUser()),
                RoomRequest.parse("r", null, false), REALM_ISSUER, 1000, 1500);
        assertThat(claims.expiresAt()).isEqualTo(1500);
        assertThat(claims.lifetimeSeconds()).isEqualTo(500);
    }
}
