package io.github.keycloakjitsi.service;

import io.github.keycloakjitsi.core.RoomRequest;
import io.github.keycloakjitsi.core.RoomTokenClaims;

/**
 * A signed room token, the room it opens and its claims. Where it goes is {@link Delivery}'s
 * to say; nothing else builds a meeting address.
 */
public record Issued(String token, RoomRequest request, RoomTokenClaims claims) {
}
