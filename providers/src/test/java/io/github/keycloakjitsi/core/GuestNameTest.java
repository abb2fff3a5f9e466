package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestNameTest {

    @Test
    void theNameAsShownIsNfcAndTrimmed() throws Exception {
        assertThat(GuestName.check("  Zoë Müller ")).isEqualTo("Zoë Müller");
        assertThat(GuestName.check("Zoe\u0308")).isEqualTo("Zoë");
        assertThat(GuestName.check("山田 太郎")).isEqualTo("山田 太郎");
    }

    @Test
    void atMost64Characters() throws Exception {
        assertThat(GuestName.check("😀".repeat(64))).hasSize(128);
        assertThatThrownBy(() -> GuestName.check("😀".repeat(65))).hasMessageContaining("64");
        assertThatThrownBy(() -> GuestName.check("a".repeat(65))).hasMessageContaining("64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\u200B"})
    void somethingVisibleIsRequired(String name) {
        assertThatThrownBy(() -> GuestName.check(name)).isInstanceOfSatisfying(Refusal.class,
                e -> assertThat(e.error()).isEqualTo("invalid_name"));
    }

    @Test
    void everyHiddenCharacterIsRefusedWhereverItIs() {
        List<String> accepted = new ArrayList<>();
        for (int c : Spellings.HIDDEN) {
            for (String name : List.of(Character.toString(c) + "Eve", "Ev" + Character.toString(c) + "e", "Eve" + Character.toString(c))) {
                try {
                    GuestName.check(name);
                    accepted.add(Integer.toHexString(c) + " in " + name);
                } catch (Refusal e) {
                    assertThat(e.error()).isEqualTo("invalid_name");
                }
            }
        }
        assertThat(Spellings.HIDDEN).contains(0x202E, 0x200B, 0x0000, 0x001B, 0x2066);
        assertThat(accepted).isEmpty();
    }
}
