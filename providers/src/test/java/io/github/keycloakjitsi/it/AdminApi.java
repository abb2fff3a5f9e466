package io.github.keycloakjitsi.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.github.keycloakjitsi.it.KeycloakServer.REALM;

/**
 * Keycloak's admin REST API, as the admin console uses it: users, roles, groups, clients and
 * mappers set up by each test. Every call checks its status so a broken setup fails loudly.
 */
final class AdminApi {

    private final KeycloakServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    AdminApi(KeycloakServer server) {
        this.server = server;
    }

    private String token() {
        HttpResponse<String> response = Http.send(http, Http.postForm(server.baseUrl() + "/realms/master/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "admin-cli",
                        "username", KeycloakServer.ADMIN_USER, "password", server.adminPassword())).build());
        expect(response, 200);
        return (String) Json.object(response.body()).get("access_token");
    }

    HttpResponse<String> call(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/realms/" + REALM + path))
                .header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        return Http.send(http, request.build());
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new AssertionError(response.request().method() + " " + response.uri() + " -> " + response.statusCode() + ": " + response.body());
    }

    private static String idFromLocation(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Creates an enabled user with a password; {@code extra} adds representation fields (names, email, attributes). */
    String createUser(String username, String password, Map<String, Object> extra) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("emailVerified", true);
        user.put("credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)));
        user.putAll(extra);
        return idFromLocation(expect(call("POST", "/users", user), 201));
    }

    /** A user with a unique username, first and last name and email. */
    TestUser newUser(String prefix, Map<String, Object> extra) {
        String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> fields = new LinkedHashMap<>(Map.of("firstName", "Ada", "lastName", "Lovelace", "email", username + "@example.test"));
        fields.putAll(extra);
        String password = "pw-" + UUID.randomUUID();
        return new TestUser(createUser(username, password, fields), username, password);
    }

    TestUser newUser(String prefix) {
        return newUser(prefix, Map.of());
    }

    void updateUser(String userId, Map<String, Object> fields) {
        expect(call("PUT", "/users/" + userId, fields), 204);
    }

    Map<String, Object> realmRole(String name) {
        return Json.object(expect(call("GET", "/roles/" + Http.encode(name), null), 200).body());
    }

    void createRealmRole(String name) {
        expect(call("POST", "/roles", Map.of("name", name)), 201);
    }

    void makeComposite(String role, Map<String, Object> child) {
        expect(call("POST", "/roles/" + Http.encode(role) + "/composites", List.of(child)), 204);
    }

    void grantRealmRole(String userId, String role) {
        expect(call("POST", "/users/" + userId + "/role-mappings/realm", List.of(realmRole(role))), 204);
    }

    String createGroup(String name) {
        return idFromLocation(expect(call("POST", "/groups", Map.of("name", name)), 201));
    }

    String createSubgroup(String parentId, String name) {
        HttpResponse<String> response = expect(call("POST", "/groups/" + parentId + "/children", Map.of("name", name)), 201);
        return (String) Json.object(response.body()).get("id");
    }

    void grantGroupRealmRole(String groupId, String role) {
        expect(call("POST", "/groups/" + groupId + "/role-mappings/realm", List.of(realmRole(role))), 204);
    }

    void joinGroup(String userId, String groupId) {
        expect(call("PUT", "/users/" + userId + "/groups/" + groupId, null), 204);
    }

    Map<String, Object> client(String clientId) {
        List<Map<String, Object>> clients = Json.array(expect(call("GET", "/clients?clientId=" + Http.encode(clientId), null), 200).body());
        if (clients.isEmpty()) {
            throw new AssertionError("no client " + clientId);
        }
        return clients.get(0);
    }

    /** Creates a client (with one client role) and returns its internal id. */
    String createClientWithRole(String clientId, String role) {
        String id = idFromLocation(expect(call("POST", "/clients", Map.of("clientId", clientId, "publicClient", true)), 201));
        expect(call("POST", "/clients/" + id + "/roles", Map.of("name", role)), 201);
        return id;
    }

    void grantClientRole(String userId, String clientInternalId, String role) {
        Map<String, Object> roleRep = Json.object(expect(call("GET", "/clients/" + clientInternalId + "/roles/" + role, null), 200).body());
        expect(call("POST", "/users/" + userId + "/role-mappings/clients/" + clientInternalId, List.of(roleRep)), 204);
    }

    /**
     * A copy of the shipped {@code jitsi} client under another client id, its Jitsi mapper with the
     * given config instead: how the tests try mapper settings without touching the shipped client.
     */
    @SuppressWarnings("unchecked")
    String createJitsiClientCopy(String clientId, Map<String, String> mapperConfig, boolean fullScopeAllowed) {
        Map<String, Object> client = new LinkedHashMap<>(client("jitsi"));
        client.remove("id");
        client.put("clientId", clientId);
        client.put("fullScopeAllowed", fullScopeAllowed);
        List<Map<String, Object>> mappers = new ArrayList<>();
        for (Map<String, Object> mapper : (List<Map<String, Object>>) client.get("protocolMappers")) {
            Map<String, Object> copy = new LinkedHashMap<>(mapper);
            copy.remove("id");
            if ("oidc-jitsi-meet-mapper".equals(copy.get("protocolMapper"))) {
                copy.put("config", mapperConfig);
            }
            mappers.add(copy);
        }
        client.put("protocolMappers", mappers);
        return idFromLocation(expect(call("POST", "/clients", client), 201));
    }

    /** A copy of the shipped {@code jitsi} client without its Jitsi Meet mapper, for comparisons. */
    @SuppressWarnings("unchecked")
    String createJitsiClientCopyWithoutJitsiMapper(String clientId) {
        Map<String, Object> client = new LinkedHashMap<>(client("jitsi"));
        client.remove("id");
        client.put("clientId", clientId);
        client.put("protocolMappers", ((List<Map<String, Object>>) client.get("protocolMappers")).stream()
                .filter(m -> !"oidc-jitsi-meet-mapper".equals(m.get("protocolMapper")))
                .map(m -> { Map<String, Object> copy = new LinkedHashMap<>(m); copy.remove("id"); return copy; })
                .toList());
        return idFromLocation(expect(call("POST", "/clients", client), 201));
    }

    /** Adds a Jitsi Meet mapper to a client; returns the raw response so tests can see a refusal. */
    HttpResponse<String> addJitsiMapper(String clientInternalId, String name, Map<String, String> config) {
        return call("POST", "/clients/" + clientInternalId + "/protocol-mappers/models",
                Map.of("name", name, "protocol", "openid-connect", "protocolMapper", "oidc-jitsi-meet-mapper", "config", config));
    }

    List<Map<String, Object>> keys() {
        Map<String, Object> keys = Json.object(expect(call("GET", "/keys", null), 200).body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) keys.get("keys");
        return list;
    }

    /** Adds an RSA key provider (a new generated RS256 key) with the given priority. */
    String addRsaKey(String name, long priority) {
        Map<String, Object> component = Map.of(
                "name", name,
                "providerId", "rsa-generated",
                "providerType", "org.keycloak.keys.KeyProvider",
                "config", Map.of("priority", List.of(String.valueOf(priority)), "keySize", List.of("2048"),
                        "active", List.of("true"), "enabled", List.of("true"), "algorithm", List.of("RS256")));
        return idFromLocation(expect(call("POST", "/components", component), 201));
    }

    /** The Jitsi Meet mapper of the shipped {@code jitsi} client: the token endpoint's settings. */
    Map<String, Object> jitsiMapper() {
        String clientId = client("jitsi").get("id").toString();
        return Json.array(expect(call("GET", "/clients/" + clientId + "/protocol-mappers/models", null), 200).body()).stream()
                .filter(m -> "oidc-jitsi-meet-mapper".equals(m.get("protocolMapper"))).findFirst().orElseThrow();
    }

    /** Changes the shipped mapper's settings as given (null removes a setting), for good. */
    @SuppressWarnings("unchecked")
    void updateJitsiSettings(Map<String, String> changes) {
        String clientId = client("jitsi").get("id").toString();
        Map<String, Object> mapper = new LinkedHashMap<>(jitsiMapper());
        Map<String, String> changed = new LinkedHashMap<>((Map<String, String>) mapper.get("config"));
        changes.forEach((k, v) -> {
            if (v == null) {
                changed.remove(k);
            } else {
                changed.put(k, v);
            }
        });
        mapper.put("config", changed);
        expect(call("PUT", "/clients/" + clientId + "/protocol-mappers/models/" + mapper.get("id"), mapper), 204);
    }

    /**
     * Runs {@code body} with the shipped mapper's settings changed as given (null removes a
     * setting), then puts the settings back as they were.
     */
    @SuppressWarnings("unchecked")
    void withJitsiSettings(Map<String, String> changes, ThrowingRunnable body) throws Exception {
        String clientId = client("jitsi").get("id").toString();
        Map<String, Object> mapper = jitsiMapper();
        Map<String, String> original = new LinkedHashMap<>((Map<String, String>) mapper.get("config"));
        Map<String, String> changed = new LinkedHashMap<>(original);
        changes.forEach((k, v) -> {
            if (v == null) {
                changed.remove(k);
            } else {
                changed.put(k, v);
            }
        });
        String path = "/clients/" + clientId + "/protocol-mappers/models/" + mapper.get("id");
        Map<String, Object> update = new LinkedHashMap<>(mapper);
        update.put("config", changed);
        expect(call("PUT", path, update), 204);
        try {
            body.run();
        } finally {
            update.put("config", original);
            expect(call("PUT", path, update), 204);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** An access token of {@code clientId} for the user by the password grant (no browser login). */
    String passwordGrant(String clientId, TestUser user) {
        HttpResponse<String> token = Http.send(http, Http.postForm(server.oidcUrl() + "/token",
                Map.of("grant_type", "password", "client_id", clientId, "username", user.username(), "password", user.password())).build());
        return (String) Json.object(expect(token, 200).body()).get("access_token");
    }

    private String introspector;

    /** Keycloak's token introspection of {@code token}, as a resource server of the realm asks it. */
    Map<String, Object> introspect(String token) {
        String secret = "introspector-secret-" + REALM;
        if (introspector == null) {
            introspector = "resource-server-" + UUID.randomUUID().toString().substring(0, 8);
            expect(call("POST", "/clients", Map.of("clientId", introspector, "publicClient", false, "secret", secret,
                    "serviceAccountsEnabled", true, "standardFlowEnabled", false)), 201);
        }
        HttpResponse<String> response = Http.send(http, Http.postForm(server.oidcUrl() + "/token/introspect",
                Map.of("token", token, "client_id", introspector, "client_secret", secret)).build());
        return Json.object(expect(response, 200).body());
    }

    List<Map<String, Object>> events(String type) {
        return Json.array(expect(call("GET", "/events?type=" + type + "&max=500", null), 200).body());
    }

    /** Creates a realm from its representation, as a realm import does (no mapper validation). */
    void createRealm(Map<String, Object> representation) {
        expect(Http.send(http, HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/realms"))
                .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(representation))).build()), 201);
    }

    /** Another realm with a direct-grant client and one user, to get tokens that are not jitsi-realm's. */
    String otherRealmToken() {
        String realm = "other-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = Http.send(http, HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/realms"))
                .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of(
                        "realm", realm, "enabled", true,
                        "clients", List.of(Map.of("clientId", "app", "publicClient", true, "directAccessGrantsEnabled", true)),
                        "users", List.of(Map.of("username", "eve", "enabled", true, "firstName", "Eve", "lastName", "Other",
                                "email", "eve@example.test", "emailVerified", true,
                                "credentials", List.of(Map.of("type", "password", "value", "eve-password", "temporary", false)))))))).build());
        expect(created, 201);
        HttpResponse<String> token = Http.send(http, Http.postForm(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "app", "username", "eve", "password", "eve-password")).build());
        return (String) Json.object(expect(token, 200).body()).get("access_token");
    }

    record TestUser(String id, String username, String password) {
    }
}
