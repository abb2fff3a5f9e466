package io.github.keycloakjitsi.it;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** JSON for the tests' HTTP exchanges. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static Map<String, Object> object(String json) {
        try {
            return MAPPER.readValue(json, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: " + json, e);
        }
    }

    static List<Map<String, Object>> array(String json) {
        try {
            return MAPPER.readValue(json, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON array: " + json, e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
