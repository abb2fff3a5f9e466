package io.github.keycloakjitsi.keycloak;

import io.github.keycloakjitsi.keycloak.AcrossVersions.Form;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.invoke.MethodHandle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AcrossVersionsTest {

    /** Stands in for a Keycloak class of one version: it has the old name only. */
    public static class OldApi {
        public String name(int times) {
            return "old".repeat(times);
        }

        public String fails(String how) throws IOException {
            if (how.equals("checked")) {
                throw new IOException("checked");
            }
            throw new IllegalArgumentException("unchecked");
        }
    }

    /** The next version: the new name beside the old one. */
    public static class NewApi extends OldApi {
        public String newName(int times) {
            return "new".repeat(times);
        }
    }

    private static final Form NEW = Form.of("newName", String.class, int.class);
    private static final Form OLD = Form.of("name", String.class, int.class);

    @Test
    void theFirstFormTheClassHasIsTaken() {
        assertThat(AcrossVersions.call(AcrossVersions.first(NewApi.class, NEW, OLD), new NewApi(), 2)).isEqualTo("newnew");
        assertThat(AcrossVersions.call(AcrossVersions.first(OldApi.class, NEW, OLD), new OldApi(), 2)).isEqualTo("oldold");
    }

    @Test
    void aClassWithNoneOfTheFormsIsNamedWithThemAll() {
        assertThatThrownBy(() -> AcrossVersions.first(OldApi.class, NEW, Form.of("name", String.class, long.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("This Keycloak's OldApi has none of newName(int), name(long)");
    }

    @Test
    void whatTheMethodThrowsGoesOnUnchangedAndACheckedExceptionWrapped() {
        MethodHandle fails = AcrossVersions.first(OldApi.class, Form.of("fails", String.class, String.class));
        assertThatThrownBy(() -> AcrossVersions.call(fails, new OldApi(), "unchecked"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("unchecked");
        assertThatThrownBy(() -> AcrossVersions.call(fails, new OldApi(), "checked"))
                .isExactlyInstanceOf(IllegalStateException.class).hasCauseExactlyInstanceOf(IOException.class);
    }
}
