package io.github.keycloakjitsi.keycloak;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A Keycloak method whose name or form differs between the 26.x minors the one jar runs on, found
 * once in the running Keycloak: the first of the given forms it has (the newest first, so a
 * method Keycloak marked for removal is called only where its replacement does not exist yet).
 */
public final class AcrossVersions {

    /** One form of the method: its name and type (return type first, then the parameters). */
    public record Form(String name, MethodType type) {

        public static Form of(String name, Class<?> returns, Class<?>... parameters) {
            return new Form(name, MethodType.methodType(returns, parameters));
        }

        @Override
        public String toString() {
            return name + Arrays.stream(type.parameterArray()).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
        }
    }

    private AcrossVersions() {
    }

    /** The first form {@code owner} has in the running Keycloak; a start-up error naming them all when it has none. */
    public static MethodHandle first(Class<?> owner, Form... forms) {
        for (Form form : forms) {
            try {
                return MethodHandles.publicLookup().findVirtual(owner, form.name(), form.type());
            } catch (NoSuchMethodException | IllegalAccessException e) {
                // the next form, from the other side of the change
            }
        }
        throw new IllegalStateException("This Keycloak's " + owner.getSimpleName() + " has none of "
                + Arrays.stream(forms).map(Form::toString).collect(Collectors.joining(", ")));
    }

    /** Calls a method found by {@link #first}; what it throws goes on unchanged. */
    public static Object call(MethodHandle method, Object... arguments) {
        try {
            return method.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
