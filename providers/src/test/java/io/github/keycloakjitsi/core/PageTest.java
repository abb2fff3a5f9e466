package io.github.keycloakjitsi.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageTest {

    @Test
    void theFirstPageOfAHundredUnlessAskedOtherwise() throws Exception {
        assertThat(Page.parse(null, null)).isEqualTo(new Page(0, 100));
        assertThat(Page.parse("", "")).isEqualTo(new Page(0, 100));
        assertThat(Page.parse("200", "5")).isEqualTo(new Page(200, 5));
    }

    @ParameterizedTest(name = "first={0} max={1}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            -1    | null
            x     | null
            ' 1'  | null
            null  | 0
            null  | 101
            null  | 1000000
            null  | 1e2
            null  | ５
            """)
    void refusesWhatIsNoPage(String first, String max) {
        assertThatThrownBy(() -> Page.parse(first, max))
                .isInstanceOfSatisfying(Refusal.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error()).isEqualTo("invalid_request");
                });
    }
}
