package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.RoomTokenSettings;

/** Ready-to-paste Jitsi configuration matching a realm's token settings, for the discovery document. */
final class ConfigSnippets {

    private ConfigSnippets() {
    }

    static String prosody(RoomTokenSettings tokens, String issuer, JitsiUrls urls) {
        String host = tokens.subjectFor(null);
        String keys = tokens.algorithm() == RoomTokenSettings.Algorithm.RS256
                ? "    asap_key_server = \"" + urls.keys() + "\"\n"
                : "    app_secret = \"<the shared secret of the Jitsi Meet mapper>\"\n";
        return "VirtualHost \"" + host + "\"\n"
                + "    authentication = \"token\"\n"
                + "    app_id = \"" + tokens.audience() + "\"\n"
                + keys
                + "    asap_accepted_issuers = { \"" + issuer + "\" }\n"
                + "    asap_accepted_audiences = { \"" + tokens.audience() + "\" }\n"
                + "    asap_require_room_claim = true\n"
                + "    allow_empty_token = false\n"
                + "\n"
                + "Component \"conference." + host + "\" \"muc\"\n"
                + "    modules_enabled = { \"token_verification\"; \"token_affiliation\"; \"muc_wait_for_host\" }\n"
                + "    wait_for_host_disable_auto_owners = true\n";
    }

    static String configJs(JitsiUrls urls) {
        return "config.tokenAuthUrl = '" + urls.join() + "?room={room}';\n";
    }
}
