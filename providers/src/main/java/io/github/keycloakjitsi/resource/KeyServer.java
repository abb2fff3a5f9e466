package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.Sha256;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The realm's public RS256 keys as Prosody's {@code asap_key_server} asks for them:
 * {@code <hex(sha256(kid))>.pem}, a PEM public key.
 */
final class KeyServer {

    private static final Pattern FILE = Pattern.compile("[0-9a-f]{64}\\.pem");

    private KeyServer() {
    }

    static Optional<String> pem(KeycloakSession session, RealmModel realm, String file) {
        if (file == null || !FILE.matcher(file).matches()) {
            return Optional.empty();
        }
        return session.keys().getKeysStream(realm, KeyUse.SIG, Algorithm.RS256)
                .filter(k -> k.getStatus().isEnabled() && k.getKid() != null && k.getPublicKey() != null)
                .filter(k -> fileOf(k.getKid()).equals(file))
                .findFirst()
                .map(KeyWrapper::getPublicKey)
                .map(KeyServer::toPem);
    }

    /** The file Prosody asks for the key {@code kid}: {@code hex(sha256(kid)).pem}. */
    static String fileOf(String kid) {
        return Sha256.hex(kid) + ".pem";
    }

    static String toPem(Key key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
