package io.github.keycloakjitsi.resource;

import io.github.keycloakjitsi.core.JitsiSettings;
import io.github.keycloakjitsi.core.RoomTokenSettings;
import io.github.keycloakjitsi.service.JitsiUrls;
import io.github.keycloakjitsi.service.MeetingSignOut;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Jitsi side of this realm's deployment, filled in for the discovery document: the people who
 * may start meetings sign in (the guide's sso.html flow, or /join), anyone with the link joins as
 * a guest and waits until a host is in the room. Prosody's token, guest and lobby settings (and the
 * bundle's sign-out module), config.js, docker-jitsi-meet's .env and Jicofo's auto-owner switch, as
 * README.md explains them.
 */
final class ConfigSnippets {

    private ConfigSnippets() {
    }

    static Map<String, String> of(JitsiSettings settings, String roomTokenIssuer, JitsiUrls urls) {
        RoomTokenSettings tokens = settings.roomTokens();
        Map<String, String> snippets = new LinkedHashMap<>();
        snippets.put("prosody", prosody(settings, roomTokenIssuer, urls));
        snippets.put("config_js", configJs(tokens, urls));
        snippets.put("docker_jitsi_meet", dockerJitsiMeet(settings, roomTokenIssuer, urls));
        snippets.put("jicofo", "jicofo { conference { enable-auto-owner = false } }\n");
        return snippets;
    }

    /** Prosody's asap_accepted_issuers: the realm (client jitsi's access tokens) and the room tokens' issuer. */
    static Set<String> acceptedIssuers(JitsiUrls urls, String roomTokenIssuer) {
        Set<String> issuers = new LinkedHashSet<>();
        issuers.add(urls.realmIssuer());
        issuers.add(roomTokenIssuer);
        return issuers;
    }

    private static String prosody(JitsiSettings settings, String roomTokenIssuer, JitsiUrls urls) {
        RoomTokenSettings tokens = settings.roomTokens();
        String domain = tokens.subjectFor(null);
        Set<String> issuers = acceptedIssuers(urls, roomTokenIssuer);
        String keys = tokens.algorithm() == RoomTokenSettings.Algorithm.RS256
                ? "    cache_keys_url = \"" + urls.certs() + "\"\n"
                + "    asap_key_server = \"" + urls.keys() + "\"\n"
                : "    -- Room tokens are HS256 (the secret in Keycloak's vault); Keycloak's own tokens are RS256.\n"
                + "    app_secret = \"<the secret in Keycloak's vault>\"\n";
        return "muc_mapper_domain_base = \"" + domain + "\"\n"
                + "asap_accepted_issuers = { " + quoted(issuers) + " }\n"
                + "-- Only the Jitsi audience: never \"account\", which Keycloak puts in tokens of other clients (the account console's).\n"
                + "asap_accepted_audiences = { \"" + settings.audience() + "\" }\n"
                + "-- Guests come without a token: a required room claim would refuse them before the lobby.\n"
                + "asap_require_room_claim = false\n"
                + "\n"
                + "VirtualHost \"" + domain + "\"\n"
                + "    authentication = \"token\"\n"
                + "    app_id = \"jitsi\"\n"
                + "    -- A login without a token here would count as a host.\n"
                + "    allow_empty_token = false\n"
                + keys
                + "    -- keycloak_logout: the bundle's prosody-plugins/mod_keycloak_logout.lua (in plugin_paths; needs lua-luaossl).\n"
                + "    modules_enabled = { \"muc_lobby_rooms\"; \"persistent_lobby\"; \"keycloak_logout\"; }\n"
                + "    main_muc = \"conference." + domain + "\"\n"
                + "    lobby_muc = \"lobby." + domain + "\"\n"
                + "    -- Sign-outs in Keycloak reach running meetings: back-channel logout tokens of this realm only,\n"
                + "    -- for its Jitsi clients (each needs the Backchannel logout URL in Keycloak).\n"
                + "    keycloak_logout_issuers = { \"" + urls.realmIssuer() + "\" }\n"
                + "    keycloak_logout_certs_url = \"" + urls.certs() + "\"\n"
                + "    keycloak_logout_audiences = { " + luaStrings(MeetingSignOut.logoutAudiences(settings)) + " }\n"
                + "\n"
                + "-- Guests: anyone with the meeting link, no account.\n"
                + "VirtualHost \"guest." + domain + "\"\n"
                + "    authentication = \"jitsi-anonymous\"\n"
                + "    c2s_require_encryption = false\n"
                + "\n"
                + "Component \"conference." + domain + "\" \"muc\"\n"
                + "    modules_enabled = { \"muc_meeting_id\"; \"token_verification\"; \"muc_wait_for_host\"; \"token_affiliation\"; }\n"
                + "    -- Owners come from the token (context.user.affiliation), not from being signed in.\n"
                + "    wait_for_host_disable_auto_owners = true\n"
                + "\n"
                + "Component \"lobby." + domain + "\" \"muc\"\n"
                + "    storage = \"memory\"\n"
                + "    restrict_room_creation = true\n"
                + "    muc_room_locking = false\n"
                + "    muc_room_default_public_jids = true\n";
    }

    private static String configJs(RoomTokenSettings tokens, JitsiUrls urls) {
        String domain = tokens.subjectFor(null);
        String jitsi = tokens.jitsiUrl().toString();
        URI realm = URI.create(urls.realm());
        return "config.hosts.domain = '" + domain + "';\n"
                + "config.hosts.anonymousdomain = 'guest." + domain + "';\n"
                + "config.hosts.muc = 'conference." + domain + "';\n"
                + "// Hosts sign in through the realm: in a browser through Jitsi's sso.html (client jitsi, PKCE), from Jitsi's\n"
                + "// iOS, Android and desktop apps through the system browser and back to the app. Guests join without.\n"
                + "config.tokenAuthUrl = '" + urls.signIn() + "?state={state}&code_challenge={code_challenge}';\n"
                + "config.tokenLogoutUrl = '" + urls.realm() + "/protocol/openid-connect/logout?post_logout_redirect_uri="
                + jitsi + "/static/logout.html';\n"
                + "config.tokenAuthInline = true;\n"
                + "config.sso = { ssoService: '" + tokens.jitsiUrl().getAuthority() + "', tokenService: '" + realm.getAuthority()
                + realm.getRawPath() + "/protocol/openid-connect', clientId: 'jitsi' };\n";
    }

    private static String dockerJitsiMeet(JitsiSettings settings, String roomTokenIssuer, JitsiUrls urls) {
        RoomTokenSettings tokens = settings.roomTokens();
        String keys = tokens.algorithm() == RoomTokenSettings.Algorithm.RS256
                ? "JWT_ASAP_KEYSERVER=" + urls.keys() + "\n"
                : "JWT_APP_SECRET=<the secret in Keycloak's vault>\n";
        return "ENABLE_AUTH=1\n"
                + "ENABLE_GUESTS=1\n"
                + "AUTH_TYPE=jwt\n"
                + "JWT_APP_ID=jitsi\n"
                + "JWT_ACCEPTED_ISSUERS=" + roomTokenIssuer + "\n"
                + "JWT_ACCEPTED_AUDIENCES=" + settings.audience() + "\n"
                + keys
                + "JWT_ALLOW_EMPTY=0\n"
                + "TOKEN_AUTH_URL=" + urls.join() + "?room={room}&state={state}\n"
                + "ENABLE_LOBBY=1\n"
                + "XMPP_MODULES=persistent_lobby\n"
                + "XMPP_MUC_MODULES=muc_wait_for_host,token_affiliation\n"
                + "WAIT_FOR_HOST_DISABLE_AUTO_OWNERS=1\n"
                + "ENABLE_AUTO_OWNER=false\n"
                + "ENABLE_AUTO_LOGIN=1\n";
    }

    /** Lua string literals: a client id may hold any character but spaces and control characters. */
    static String luaStrings(Set<String> values) {
        return String.join(", ", values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
    }

    private static String quoted(Set<String> values) {
        return String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList());
    }
}
