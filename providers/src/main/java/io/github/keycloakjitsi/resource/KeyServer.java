package io.github.keycloakjitsi.resource;

import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The realm's public RS256 keys as Prosody's {@code asap_key_server} asks for them:
 * {@code <hex(sha256(kid))>.pem}, a PEM public key.
 */
final class KeyServer {

    private KeyServer() {
    }

    static Optional<String> pem(KeycloakSession session, RealmModel realm, String file) {
        if (file == null || !file.matches("[0-9a-f]{64}\\.pem")) {
            return Optional.empty();
        }
        String name = file.substring(0, 64);
        return session.keys().getKeysStream(realm, KeyUse.SIG, Algorithm.RS256)
                .filter(k -> k.getStatus().isEnabled() && k.getKid() != null && k.getPublicKey() != null)
                .filter(k -> sha256Hex(k.getKid()).equals(name))
                .findFirst()
                .map(KeyServer::toPem);
    }

    private static String toPem(KeyWrapper key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
