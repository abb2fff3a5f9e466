package io.github.keycloakjitsi.keycloak;

import org.keycloak.models.RealmModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a realm has a client of a given id, asked for every token the Jitsi Meet mapper writes
 * (is the Jitsi audience some client's id?). Keycloak's realm cache keeps clients it found, not the
 * ones it did not: a miss would be a database query per token. So each answer is kept for
 * {@value #FRESH_MILLIS} ms on this node: a client of that id created later makes the mapper leave
 * the Jitsi audience out within that time, on every node.
 */
public final class ClientIds {

    static final long FRESH_MILLIS = 10_000;
    /** Far more than realms times Jitsi audiences; past it the memory starts over. */
    private static final int MAX_ENTRIES = 1024;

    private record Answer(boolean exists, long until) {
    }

    private static final Map<String, Answer> ANSWERS = new ConcurrentHashMap<>();

    private ClientIds() {
    }

    public static boolean exists(RealmModel realm, String clientId) {
        String key = realm.getId() + '\n' + clientId;
        long now = System.currentTimeMillis();
        Answer answer = ANSWERS.get(key);
        if (answer == null || answer.until() < now) {
            answer = new Answer(realm.getClientByClientId(clientId) != null, now + FRESH_MILLIS);
            if (ANSWERS.size() >= MAX_ENTRIES) {
                ANSWERS.clear();
            }
            ANSWERS.put(key, answer);
        }
        return answer.exists();
    }
}
