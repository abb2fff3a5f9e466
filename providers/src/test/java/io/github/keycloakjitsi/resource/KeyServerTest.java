package io.github.keycloakjitsi.resource;

import org.junit.jupiter.api.Test;

import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class KeyServerTest {

    /** Prosody's asap_key_server asks for {@code <hex(sha256(kid))>.pem} (mod_auth_token's util). */
    @Test
    void aKeyIsNamedByTheSha256OfItsKid() {
        assertThat(KeyServer.fileOf("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.pem");
        assertThat(KeyServer.fileOf("é")).as("the kid's UTF-8 bytes").isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c.pem");
    }

    @Test
    void thePemIsThePublicKeyInLinesOf64() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic();
        String pem = KeyServer.toPem(key);
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("\n-----END PUBLIC KEY-----\n");
        String[] lines = pem.split("\n");
        for (int i = 1; i < lines.length - 2; i++) {
            assertThat(lines[i]).hasSize(64);
        }
        String body = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replace("\n", "");
        PublicKey read = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        assertThat(read).isEqualTo(key);
    }
}
