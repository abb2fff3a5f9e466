package io.github.keycloakjitsi.it;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

/**
 * A browser's cookie jar: like browsers, it treats http://127.0.0.1 as a secure context, so the
 * Secure cookies Keycloak sets during login come back (the JDK's CookieManager sends them over https only).
 */
final class BrowserCookies extends CookieHandler {

    private final CookieManager jar = new CookieManager();

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) throws IOException {
        return jar.get(asSecureContext(uri), requestHeaders);
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
        jar.put(asSecureContext(uri), responseHeaders);
    }

    void clear() {
        jar.getCookieStore().removeAll();
    }

    private static URI asSecureContext(URI uri) {
        if (!"http".equals(uri.getScheme()) || !("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()))) {
            return uri;
        }
        try {
            return new URI("https", uri.getUserInfo(), uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
