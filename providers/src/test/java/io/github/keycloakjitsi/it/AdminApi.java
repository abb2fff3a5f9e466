package io.github.keycloakjitsi.it;

import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.KeysMetadataRepresentation.KeyMetadataRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.common.util.MultivaluedHashMap;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static io.github.keycloakjitsi.it.KeycloakServer.REALM;

/**
 * What the tests set up in a realm, through Keycloak's own admin client (typed representations,
 * one admin login per server): users, roles, groups, clients, Jitsi mappers, keys, events. Each
 * step fails loudly when Keycloak refuses it.
 */
final class AdminApi {

    /** One admin client per server: it logs in once and refreshes its token itself. */
    private static final Map<String, Keycloak> CLIENTS = new ConcurrentHashMap<>();

    private final KeycloakServer server;
    private final Keycloak keycloak;
    private final HttpClient http = HttpClient.newHttpClient();

    AdminApi(KeycloakServer server) {
        this.server = server;
        this.keycloak = CLIENTS.computeIfAbsent(server.baseUrl() + " " + server.adminPassword(), k -> KeycloakBuilder.builder()
                .serverUrl(server.baseUrl()).realm("master").clientId("admin-cli")
                .username(KeycloakServer.ADMIN_USER).password(server.adminPassword()).build());
    }

    /** The Jitsi realm's admin resource, for what no helper here covers. */
    RealmResource realm() {
        return keycloak.realm(REALM);
    }

    Keycloak keycloak() {
        return keycloak;
    }

    /** The id Keycloak answers a create with; a refusal fails the test with Keycloak's reason. */
    private static String created(Response response) {
        try (response) {
            if (response.getStatus() != 201) {
                throw new AssertionError("Keycloak refused: " + response.getStatus() + " " + response.readEntity(String.class));
            }
            return CreatedResponseUtil.getCreatedId(response);
        }
    }

    /** Creates an enabled user with a password; {@code customize} sets more (names, email, attributes). */
    String createUser(String username, String password, Consumer<UserRepresentation> customize) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.setEmailVerified(true);
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        customize.accept(user);
        return created(realm().users().create(user));
    }

    /** A user with a unique username, first and last name and email. */
    TestUser newUser(String prefix, Consumer<UserRepresentation> customize) {
        String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        String id = createUser(username, password, user -> {
            user.setFirstName("Ada");
            user.setLastName("Lovelace");
            user.setEmail(username + "@example.test");
            customize.accept(user);
        });
        return new TestUser(id, username, password);
    }

    TestUser newUser(String prefix) {
        return newUser(prefix, user -> { });
    }

    /** The realm role every new user gets (the realm's default roles), which includes jitsi-host. */
    static final String DEFAULT_ROLES = "default-roles-" + REALM;

    /**
     * A user who may not start meetings: without the realm's default roles, so without jitsi-host.
     * The login gate of client jitsi stops them; elsewhere they sign in as plain members.
     */
    TestUser newNonHost(String prefix) {
        TestUser user = newUser(prefix);
        realm().users().get(user.id()).roles().realmLevel().remove(List.of(realmRole(DEFAULT_ROLES)));
        return user;
    }

    /**
     * A user who may not host, as in a realm where the admin took jitsi-host out of the default
     * roles (README): no jitsi-host, but the account console's client roles everyone keeps.
     */
    TestUser newNonHostOfTheAccountConsole(String prefix) {
        TestUser user = newNonHost(prefix);
        String account = client("account").getId();
        realm().users().get(user.id()).roles().clientLevel(account).add(List.of(
                realm().clients().get(account).roles().get("view-profile").toRepresentation(),
                realm().clients().get(account).roles().get("manage-account").toRepresentation()));
        return user;
    }

    /** Gives a client one of the realm's client scopes as a default scope (e.g. roles: roles and Keycloak's audience in its tokens). */
    void addDefaultScope(String clientId, String scopeName) {
        String scope = realm().clientScopes().findAll().stream().filter(s -> s.getName().equals(scopeName))
                .findFirst().orElseThrow().getId();
        clientResource(clientId).addDefaultClientScope(scope);
    }

    void leaveGroup(String userId, String groupId) {
        realm().users().get(userId).leaveGroup(groupId);
    }

    void removeComposite(String role, RoleRepresentation child) {
        realm().roles().get(role).deleteComposites(List.of(child));
    }

    /** Signs the user out of every SSO session, as the admin console's "Sign out" does (offline sessions stay). */
    void signOut(String userId) {
        realm().users().get(userId).logout();
    }

    /**
     * Ends the user's online sessions one by one, as they end by themselves (idle or at their
     * lifespan), leaving offline sessions. Unlike {@link #signOut} it sets no not-before time, which
     * would make every token issued before this second stale, offline ones included.
     */
    void endOnlineSessions(String userId) {
        realm().users().get(userId).getUserSessions().forEach(s -> realm().deleteSession(s.getId(), false));
    }

    /**
     * Runs {@code body} with Keycloak's offline_access client scope an optional scope of client
     * jitsi again (as an admin may have left it), then takes it away.
     */
    void withOfflineAccessForJitsi(ThrowingRunnable body) throws Exception {
        String scope = realm().clientScopes().findAll().stream().filter(s -> s.getName().equals("offline_access"))
                .findFirst().orElseThrow().getId();
        ClientResource jitsi = clientResource("jitsi");
        jitsi.addOptionalClientScope(scope);
        try {
            body.run();
        } finally {
            jitsi.removeOptionalClientScope(scope);
        }
    }

    /** Takes the host role away from a user (who may still hold a token from before). */
    void removeHostRole(String userId) {
        realm().users().get(userId).roles().realmLevel().remove(List.of(realmRole(DEFAULT_ROLES)));
    }

    /**
     * Runs {@code body} with jitsi-host no longer including jitsi-moderator (hosts who are plain
     * members, as an admin may set it up), then puts the composite back.
     */
    void withHostsThatAreNotModerators(ThrowingRunnable body) throws Exception {
        List<RoleRepresentation> moderator = List.of(realmRole("jitsi-moderator"));
        realm().roles().get("jitsi-host").deleteComposites(moderator);
        try {
            body.run();
        } finally {
            realm().roles().get("jitsi-host").addComposites(moderator);
        }
    }

    /**
     * Runs {@code body} with the login gate off (the browser flow overrides of clients jitsi and
     * jitsi-join removed: the one step README.md gives), then puts it back.
     */
    void withTheLoginGateOff(ThrowingRunnable body) throws Exception {
        Map<String, Map<String, String>> before = new HashMap<>();
        for (String clientId : List.of("jitsi", "jitsi-join")) {
            ClientRepresentation client = client(clientId);
            before.put(clientId, new HashMap<>(client.getAuthenticationFlowBindingOverrides()));
            client.setAuthenticationFlowBindingOverrides(new HashMap<>(Map.of("browser", "")));
            realm().clients().get(client.getId()).update(client);
        }
        try {
            body.run();
        } finally {
            for (String clientId : List.of("jitsi", "jitsi-join")) {
                ClientRepresentation client = client(clientId);
                client.setAuthenticationFlowBindingOverrides(before.get(clientId));
                realm().clients().get(client.getId()).update(client);
            }
        }
    }

    void disableUser(String userId) {
        UserRepresentation user = realm().users().get(userId).toRepresentation();
        user.setEnabled(false);
        realm().users().get(userId).update(user);
    }

    RoleRepresentation realmRole(String name) {
        return realm().roles().get(name).toRepresentation();
    }

    void createRealmRole(String name) {
        RoleRepresentation role = new RoleRepresentation();
        role.setName(name);
        realm().roles().create(role);
    }

    void makeComposite(String role, RoleRepresentation child) {
        realm().roles().get(role).addComposites(List.of(child));
    }

    void revokeRealmRole(String userId, String role) {
        realm().users().get(userId).roles().realmLevel().remove(List.of(realmRole(role)));
    }

    void grantRealmRole(String userId, String role) {
        realm().users().get(userId).roles().realmLevel().add(List.of(realmRole(role)));
    }

    String createGroup(String name) {
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        return created(realm().groups().add(group));
    }

    String groupByPath(String path) {
        return realm().getGroupByPath(path).getId();
    }

    String createSubgroup(String parentId, String name) {
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        return created(realm().groups().group(parentId).subGroup(group));
    }

    void grantGroupRealmRole(String groupId, String role) {
        realm().groups().group(groupId).roles().realmLevel().add(List.of(realmRole(role)));
    }

    void joinGroup(String userId, String groupId) {
        realm().users().get(userId).joinGroup(groupId);
    }

    ClientRepresentation client(String clientId) {
        List<ClientRepresentation> clients = realm().clients().findByClientId(clientId);
        if (clients.isEmpty()) {
            throw new AssertionError("no client " + clientId);
        }
        return clients.get(0);
    }

    ClientResource clientResource(String clientId) {
        return realm().clients().get(client(clientId).getId());
    }

    /** Creates a client from its representation; returns its internal id. */
    String createClient(ClientRepresentation client) {
        return created(realm().clients().create(client));
    }

    /** Creates a public client with one client role and returns its internal id. */
    String createClientWithRole(String clientId, String role) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setPublicClient(true);
        String id = createClient(client);
        RoleRepresentation rep = new RoleRepresentation();
        rep.setName(role);
        realm().clients().get(id).roles().create(rep);
        return id;
    }

    void grantClientRole(String userId, String clientInternalId, String role) {
        RoleRepresentation rep = realm().clients().get(clientInternalId).roles().get(role).toRepresentation();
        realm().users().get(userId).roles().clientLevel(clientInternalId).add(List.of(rep));
    }

    /**
     * A copy of the shipped {@code jitsi} client under another client id, its Jitsi mapper with the
     * given config instead: how the tests try mapper settings without touching the shipped client.
     * The copy is made one of the realm's "Jitsi clients" (on the shipped mapper), as an admin
     * running a second Jitsi client would: only then do its tokens carry the Jitsi audience.
     */
    String createJitsiClientCopy(String clientId, Map<String, String> mapperConfig, boolean fullScopeAllowed) {
        String id = createJitsiClientCopy(clientId, mapperConfig, fullScopeAllowed, false);
        addJitsiClient(clientId);
        return id;
    }

    /** The same, made a Jitsi client of the realm or not. */
    String createJitsiClientCopy(String clientId, Map<String, String> mapperConfig, boolean fullScopeAllowed, boolean jitsiClient) {
        ClientRepresentation client = copyOfJitsi(clientId);
        client.setFullScopeAllowed(fullScopeAllowed);
        for (ProtocolMapperRepresentation mapper : client.getProtocolMappers()) {
            if ("oidc-jitsi-meet-mapper".equals(mapper.getProtocolMapper())) {
                mapper.setConfig(new HashMap<>(mapperConfig));
            }
        }
        String id = createClient(client);
        if (jitsiClient) {
            addJitsiClient(clientId);
        }
        return id;
    }

    /** Adds a client to the realm's "Jitsi clients" (the shipped mapper's {@code jitsi.token.clients}). */
    void addJitsiClient(String clientId) {
        String clients = jitsiMapper().getConfig().getOrDefault("jitsi.token.clients", "jitsi");
        updateJitsiSettings(Map.of("jitsi.token.clients", clients + "##" + clientId));
    }

    /** A copy of the shipped {@code jitsi} client without its Jitsi Meet mapper, for comparisons. */
    String createJitsiClientCopyWithoutJitsiMapper(String clientId) {
        return createJitsiClientCopyWithoutJitsiMapper(clientId, List.of());
    }

    /** The same with other mappers in its place (say, Keycloak's own writing the same claims). */
    String createJitsiClientCopyWithoutJitsiMapper(String clientId, List<ProtocolMapperRepresentation> instead) {
        return createWithoutJitsiMapper(copyOfJitsi(clientId), instead);
    }

    /**
     * A twin of client jitsi, the same in all but its mappers, login flow included: the Jitsi Meet
     * mapper left out and {@code instead} in its place. What a benchmark of the mapper compares with.
     */
    String createJitsiClientTwinWithoutJitsiMapper(String clientId, List<ProtocolMapperRepresentation> instead) {
        ClientRepresentation client = copyOfJitsi(clientId);
        client.setAuthenticationFlowBindingOverrides(client("jitsi").getAuthenticationFlowBindingOverrides());
        return createWithoutJitsiMapper(client, instead);
    }

    private String createWithoutJitsiMapper(ClientRepresentation client, List<ProtocolMapperRepresentation> instead) {
        List<ProtocolMapperRepresentation> mappers = new ArrayList<>(client.getProtocolMappers().stream()
                .filter(m -> !"oidc-jitsi-meet-mapper".equals(m.getProtocolMapper())).toList());
        mappers.addAll(instead);
        client.setProtocolMappers(mappers);
        return createClient(client);
    }

    /** A copy of client jitsi without its login gate: the copies try mapper settings on any user. */
    private ClientRepresentation copyOfJitsi(String clientId) {
        ClientRepresentation client = client("jitsi");
        client.setId(null);
        client.setClientId(clientId);
        client.setAuthenticationFlowBindingOverrides(new HashMap<>());
        List<ProtocolMapperRepresentation> mappers = new ArrayList<>();
        for (ProtocolMapperRepresentation mapper : client.getProtocolMappers()) {
            mapper.setId(null);
            mappers.add(mapper);
        }
        client.setProtocolMappers(mappers);
        return client;
    }

    /** Adds a Jitsi Meet mapper to a client; returns Keycloak's answer so tests can see a refusal. */
    Response addJitsiMapper(String clientInternalId, String name, Map<String, String> config) {
        ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
        mapper.setName(name);
        mapper.setProtocol("openid-connect");
        mapper.setProtocolMapper("oidc-jitsi-meet-mapper");
        mapper.setConfig(new HashMap<>(config));
        return realm().clients().get(clientInternalId).getProtocolMappers().createMapper(mapper);
    }

    List<KeyMetadataRepresentation> keys() {
        return realm().keys().getKeyMetadata().getKeys();
    }

    /** The priority of the realm's active RS256 key (the highest when there are several). */
    long activeRs256Priority() {
        return keys().stream().filter(k -> "RS256".equals(k.getAlgorithm()) && "ACTIVE".equals(k.getStatus()))
                .mapToLong(KeyMetadataRepresentation::getProviderPriority).max().orElseThrow();
    }

    /** The kid of the key a key provider made. */
    String kidOf(String keyProviderId) {
        return keys().stream().filter(k -> keyProviderId.equals(k.getProviderId())).map(KeyMetadataRepresentation::getKid)
                .findFirst().orElseThrow();
    }

    /** Adds an RSA key provider (a new generated RS256 key) with the given priority; returns its id. */
    String addRsaKey(String name, long priority) {
        return addRsaKey(name, priority, "RS256");
    }

    /** The same for another RSA signature algorithm (RS384, RS512, PS256, ...). */
    String addRsaKey(String name, long priority, String algorithm) {
        ComponentRepresentation component = new ComponentRepresentation();
        component.setName(name);
        component.setProviderId("rsa-generated");
        component.setProviderType("org.keycloak.keys.KeyProvider");
        component.setParentId(realm().toRepresentation().getId());
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle("priority", String.valueOf(priority));
        config.putSingle("keySize", "2048");
        config.putSingle("active", "true");
        config.putSingle("enabled", "true");
        config.putSingle("algorithm", algorithm);
        component.setConfig(config);
        return created(realm().components().add(component));
    }

    /** The Jitsi Meet mapper of the shipped {@code jitsi} client: the token endpoint's settings. */
    ProtocolMapperRepresentation jitsiMapper() {
        return clientResource("jitsi").getProtocolMappers().getMappers().stream()
                .filter(m -> "oidc-jitsi-meet-mapper".equals(m.getProtocolMapper())).findFirst().orElseThrow();
    }

    /** Saves the shipped mapper as given; Keycloak's refusal comes as a BadRequestException. */
    void saveJitsiMapper(ProtocolMapperRepresentation mapper) {
        clientResource("jitsi").getProtocolMappers().update(mapper.getId(), mapper);
    }

    /** Changes the shipped mapper's settings as given (null removes a setting), for good. */
    void updateJitsiSettings(Map<String, String> changes) {
        ProtocolMapperRepresentation mapper = jitsiMapper();
        Map<String, String> changed = new LinkedHashMap<>(mapper.getConfig());
        changes.forEach((k, v) -> {
            if (v == null) {
                changed.remove(k);
            } else {
                changed.put(k, v);
            }
        });
        mapper.setConfig(changed);
        saveJitsiMapper(mapper);
    }

    /**
     * Runs {@code body} with the shipped mapper's settings changed as given (null removes a
     * setting), then puts the settings back as they were.
     */
    void withJitsiSettings(Map<String, String> changes, ThrowingRunnable body) throws Exception {
        Map<String, String> original = new LinkedHashMap<>(jitsiMapper().getConfig());
        updateJitsiSettings(changes);
        try {
            body.run();
        } finally {
            ProtocolMapperRepresentation mapper = jitsiMapper();
            mapper.setConfig(original);
            saveJitsiMapper(mapper);
        }
    }

    /** Runs {@code body} with a realm attribute (such as {@code frontendUrl}) set as given, then as it was. */
    void withRealmAttribute(String name, String value, ThrowingRunnable body) throws Exception {
        RealmRepresentation before = realm().toRepresentation();
        String original = before.getAttributes() == null ? null : before.getAttributes().get(name);
        setRealmAttribute(name, value);
        try {
            body.run();
        } finally {
            setRealmAttribute(name, original);
        }
    }

    void setRealmAttribute(String name, String value) {
        RealmRepresentation realm = realm().toRepresentation();
        Map<String, String> attributes = new LinkedHashMap<>(realm.getAttributes() == null ? Map.of() : realm.getAttributes());
        attributes.put(name, value == null ? "" : value);
        realm.setAttributes(attributes);
        realm().update(realm);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    List<EventRepresentation> events(String type) {
        return realm().getEvents(List.of(type), null, null, null, null, null, 0, 500);
    }

    /** An access token of {@code clientId} for the user by the password grant (no browser login). */
    String passwordGrant(String clientId, TestUser user) {
        return passwordGrant(REALM, clientId, user.username(), user.password());
    }

    private String passwordGrant(String realm, String clientId, String username, String password) {
        HttpResponse<String> token = Http.send(http, Http.postForm(server.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", clientId, "username", username, "password", password)).build());
        if (token.statusCode() != 200) {
            throw new AssertionError("password grant refused: " + token.body());
        }
        return (String) Json.object(token.body()).get("access_token");
    }

    private String introspector;

    /** Keycloak's token introspection of {@code token}, as a resource server of the realm asks it. */
    Map<String, Object> introspect(String token) {
        String secret = "introspector-secret-" + REALM;
        if (introspector == null) {
            introspector = "resource-server-" + UUID.randomUUID().toString().substring(0, 8);
            ClientRepresentation client = new ClientRepresentation();
            client.setClientId(introspector);
            client.setPublicClient(false);
            client.setSecret(secret);
            client.setServiceAccountsEnabled(true);
            client.setStandardFlowEnabled(false);
            // So that only the token itself decides: Keycloak 26.7 introspects only for a client in the token's aud.
            client.setAttributes(Map.of("allow.token.introspection.without.audience.check", "true"));
            createClient(client);
        }
        HttpResponse<String> response = Http.send(http, Http.postForm(server.oidcUrl() + "/token/introspect",
                Map.of("token", token, "client_id", introspector, "client_secret", secret)).build());
        if (response.statusCode() != 200) {
            throw new AssertionError("introspection refused: " + response.body());
        }
        return Json.object(response.body());
    }

    /** Creates a realm from its representation, as a realm import does (no mapper validation). */
    void createRealm(RealmRepresentation realm) {
        keycloak.realms().create(realm);
    }

    /** Another realm with a direct-grant client and one user, to get tokens that are not jitsi-realm's. */
    String otherRealmToken() {
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm("other-" + UUID.randomUUID().toString().substring(0, 8));
        realm.setEnabled(true);
        ClientRepresentation app = new ClientRepresentation();
        app.setClientId("app");
        app.setPublicClient(true);
        app.setDirectAccessGrantsEnabled(true);
        realm.setClients(List.of(app));
        createRealm(realm);
        String password = "eve-password-" + UUID.randomUUID();
        UserRepresentation eve = new UserRepresentation();
        eve.setUsername("eve");
        eve.setEnabled(true);
        eve.setFirstName("Eve");
        eve.setLastName("Other");
        eve.setEmail("eve@example.test");
        eve.setEmailVerified(true);
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        eve.setCredentials(List.of(credential));
        created(keycloak.realm(realm.getRealm()).users().create(eve));
        return passwordGrant(realm.getRealm(), "app", "eve", password);
    }

    record TestUser(String id, String username, String password) {
    }
}
