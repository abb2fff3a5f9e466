package io.github.keycloakjitsi.it;

import java.util.function.Supplier;

/**
 * The starts of a server that the test classes of one JVM share (the shared Keycloak, the cluster,
 * PostgreSQL). A start that fails has stopped whatever it started (see {@link ServerProcess}) and
 * leaves nothing half-built behind: the next test class that asks starts afresh, since the cause
 * may have passed (a port another program took). After {@value #FAILED_STARTS_BEFORE_GIVING_UP}
 * failed starts in a row it does not try again: every later class fails at once, with the last
 * start's failure as the cause, instead of waiting for the same failure once more.
 */
final class SharedFixture {

    static final int FAILED_STARTS_BEFORE_GIVING_UP = 2;

    private final String name;
    private int failedInARow;
    private Throwable lastFailure;

    SharedFixture(String name) {
        this.name = name;
    }

    synchronized <T> T start(Supplier<T> start) {
        if (failedInARow >= FAILED_STARTS_BEFORE_GIVING_UP) {
            throw new IllegalStateException(name + " failed to start " + failedInARow + " times in a row in this test run;"
                    + " not trying again. The last start failed with: " + lastFailure, lastFailure);
        }
        try {
            T started = start.get();
            failedInARow = 0;
            lastFailure = null;
            return started;
        } catch (RuntimeException | Error e) {
            failedInARow++;
            lastFailure = e;
            throw e;
        }
    }
}
