package io.github.keycloakjitsi.keycloak;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.TokenCategory;
import org.keycloak.representations.JsonWebToken;

/**
 * What /join remembers while the user is at the login page: the room asked for (and the Jitsi app
 * asking, if one did), bound to the
 * browser by a nonce also kept in a cookie. Signed with the realm's internal key (nobody outside
 * Keycloak can make one), short-lived, and accepted once.
 */
public class JoinState extends JsonWebToken {

    /** The client /join sends people through the login page with; its state is a JoinState. */
    public static final String CLIENT_ID = "jitsi-join";

    @JsonProperty("room")
    private String room;

    @JsonProperty("tenant")
    private String tenant;

    @JsonProperty("nonce")
    private String nonce;

    /** The room as typed, for the events only; the token is for {@link #getRoom()}. */
    @JsonProperty("room_name")
    private String roomName;

    /** The state key of the Jitsi app the login was for ({@code JitsiApp#stateKey}), or null for a browser. */
    @JsonProperty("app")
    private String app;

    public JoinState() {
    }

    public JoinState(String room, String tenant, String nonce, String roomName, String app) {
        this.room = room;
        this.tenant = tenant;
        this.nonce = nonce;
        this.roomName = roomName;
        this.app = app;
    }

    public String getRoomName() {
        return roomName;
    }

    public String getRoom() {
        return room;
    }

    public String getTenant() {
        return tenant;
    }

    public String getNonce() {
        return nonce;
    }

    public String getApp() {
        return app;
    }

    @Override
    public TokenCategory getCategory() {
        return TokenCategory.INTERNAL;
    }
}
