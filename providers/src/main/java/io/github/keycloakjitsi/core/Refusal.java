package io.github.keycloakjitsi.core;

/**
 * Why a Jitsi request is refused: the HTTP status and error code the caller gets, a sentence for
 * people, and the reason the Keycloak event records. Thrown by each check, from the room rules
 * to the Keycloak glue, and answered in one place per endpoint; never with a token.
 */
public class Refusal extends Exception {

    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHORIZED = 401;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int CONFLICT = 409;
    public static final int GONE = 410;
    public static final int UNSUPPORTED_MEDIA_TYPE = 415;
    public static final int TOO_MANY_REQUESTS = 429;

    private final int status;
    private final String error;
    private final String reason;

    public Refusal(int status, String error, String description, String reason) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.reason = reason;
    }

    public Refusal(int status, String error, String description) {
        this(status, error, description, description);
    }

    /** The realm is not set up for what was asked (404 {@code not_configured}). */
    public static Refusal notConfigured(String description) {
        return new Refusal(NOT_FOUND, "not_configured", description);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** What the event records: may say more than the caller is told. */
    public String reason() {
        return reason;
    }
}
