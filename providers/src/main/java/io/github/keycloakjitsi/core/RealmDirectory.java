package io.github.keycloakjitsi.core;

/** The realm objects the settings may name, so saved settings can be checked against them. */
public interface RealmDirectory {

    /** {@code roleName} is a realm role name or {@code clientId.roleName}. */
    boolean roleExists(String roleName);

    /** {@code groupPath} is a group path such as {@code /staff/teachers}. */
    boolean groupExists(String groupPath);

    /** {@code clientId} as the admin console shows it, e.g. {@code jitsi}. */
    boolean clientExists(String clientId);

    /**
     * What, besides the Jitsi Meet mapper of client jitsi, writes {@code audience} into tokens of
     * this realm (audience mappers, hard-coded aud claims of clients and client scopes), each
     * described for the admin, e.g. {@code mapper "extra" of client "portal"}.
     */
    java.util.List<String> audienceWriters(String audience);
}
