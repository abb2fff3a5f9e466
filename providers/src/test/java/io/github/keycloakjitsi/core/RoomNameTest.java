package io.github.keycloakjitsi.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RoomNameTest {

    /**
     * Expected values computed with Jitsi's client steps in a JavaScript engine:
     * strip :?#[]@!$&'()*+,;=></" then decodeURIComponent (kept when it throws),
     * s.normalize('NFKC').toLowerCase(), encodeURIComponent, toLowerCase.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            myroom                | myroom
            MyRoom                | myroom
            Weekly Standup        | weekly%20standup
            Café                  | caf%c3%a9
            CAFÉ                  | caf%c3%a9
            ｆｕｌｌｗｉｄｔｈ       | fullwidth
            ﬁle                   | file
            Ⅻ                     | xii
            a.b-c_d~e             | a.b-c_d~e
            what?why#now          | whatwhynow
            a/b\\c                | ab%5cc
            100%                  | 100%25
            x@y!z$&'()*+,;=<>"    | xyz
            Zürich Ü              | z%c3%bcrich%20%c3%bc
            日本                   | %e6%97%a5%e6%9c%ac
            emoji😀                | emoji%f0%9f%98%80
            İ                     | i%cc%87
            `[room]:`             | room
            caf%c3%a9             | caf%c3%a9
            Caf%C3%A9             | caf%c3%a9
            a%20b                 | a%20b
            a%23b                 | a%23b
            %zz                   | %25zz
            %c3                   | %25c3
            emoji%F0%9F%98%80     | emoji%f0%9f%98%80
            """)
    void normalizesLikeJitsisWebClient(String typed, String backendSafe) {
        assertThat(RoomName.normalize(typed)).isEqualTo(backendSafe);
    }

    @ParameterizedTest
    @CsvSource({"myroom,true", "caf%c3%a9,true", "Café,false", "MyRoom,false", "a b,false", "'',false"})
    void knowsTheNormalizedForm(String room, boolean normalized) {
        assertThat(RoomName.isNormalized(room)).isEqualTo(normalized);
    }

    /** What people read: as typed, every encoding undone, trimmed; tokens keep {@link RoomName#normalize}'s form. */
    @ParameterizedTest(name = "{0} reads {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Board Meeting         | Board Meeting
            '  Café Team  '       | Café Team
            caf%c3%a9%20team      | café team
            Q&A: Weekly           | Q&A: Weekly
            100%25                | 100%
            a%2541                | aA
            """)
    void readsARoomAsTyped(String typed, String read) {
        assertThat(RoomName.asTyped(typed)).isEqualTo(read);
        assertThat(RoomName.asTyped(read)).as("reading it again changes nothing").isEqualTo(read);
    }

    @Test
    void showsNothingItCannotShowSafely() {
        assertThat(RoomName.asTyped(null)).isNull();
        assertThat(RoomName.asTyped("   ")).isNull();
        assertThat(RoomName.asTyped("a%0Ab")).as("a line break, once decoded").isNull();
        assertThat(RoomName.asTyped("a\u202Eb")).as("a bidi override").isNull();
        assertThat(RoomName.asTyped("x".repeat(RoomName.MAX_TYPED_LENGTH + 1))).isNull();
        assertThat(RoomName.asTyped("x".repeat(RoomName.MAX_TYPED_LENGTH))).hasSize(RoomName.MAX_TYPED_LENGTH);
        assertThat(RoomName.asTyped("%" + "25".repeat(RoomName.MAX_DECODINGS + 1) + "41")).as("never settles").isNull();
    }

    @Test
    void peopleReadTheJitsiFormBackWhenNothingWasKept() {
        assertThat(RoomName.forPeople("Board Meeting", "board%20meeting")).isEqualTo("Board Meeting");
        assertThat(RoomName.forPeople(null, "caf%c3%a9%20team")).isEqualTo("café team");
    }
}
