package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** jitsi-meet's {state}, as its web client and apps fill it in ({@code _getTokenAuthState}, {@code getTokenAuthUrl}). */
class JitsiStateTest {

    private static Map<String, Object> state(Object... keysAndValues) {
        Map<String, Object> json = new HashMap<>();
        json.put("room", "Team Sync");
        json.put("roomSafe", "team%20sync");
        json.put("config.subject", "");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            json.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return json;
    }

    @Test
    void aBrowsersStateNamesNoApp() throws Exception {
        JitsiState state = JitsiState.of(state("tenant", "acme"));
        assertThat(state).isEqualTo(new JitsiState("Team Sync", "acme", Optional.empty()));
    }

    @Test
    void eachAppIsKnownByTheKeyItAdds() throws Exception {
        assertThat(JitsiState.of(state("ios", true)).app()).contains(JitsiApp.IOS);
        assertThat(JitsiState.of(state("android", true)).app()).contains(JitsiApp.ANDROID);
        assertThat(JitsiState.of(state("electron", true)).app()).contains(JitsiApp.DESKTOP);
    }

    @Test
    void onlyAJsonTrueMarksAnApp() throws Exception {
        for (Object notTrue : new Object[]{"true", 1, false, "ios", List.of(true), Map.of()}) {
            assertThat(JitsiState.of(state("ios", notTrue)).app()).as(String.valueOf(notTrue)).isEmpty();
        }
    }

    @Test
    void twoAppsAtOnceAreRefused() {
        assertThatThrownBy(() -> JitsiState.of(state("ios", true, "android", true)))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.error()).isEqualTo("invalid_request"));
    }

    @Test
    void aRoomOrTenantThatIsNoTextIsRefused() {
        for (String key : List.of("room", "tenant")) {
            for (Object value : new Object[]{1, true, List.of("r"), Map.of("a", "b")}) {
                assertThatThrownBy(() -> JitsiState.of(state(key, value))).as(key + "=" + value)
                        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.status()).isEqualTo(400));
            }
        }
    }

    @Test
    void anEmptyTenantIsNone() throws Exception {
        assertThat(JitsiState.of(state("tenant", "")).tenant()).isNull();
        assertThat(JitsiState.of(state("tenant", null)).tenant()).isNull();
    }
}
