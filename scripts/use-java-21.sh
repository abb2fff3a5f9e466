# Sourced by start-keycloak.sh and .ci/run: makes sure JAVA_HOME points at a JDK 21+, which
# Keycloak 26.7 and this build need. Keeps JAVA_HOME (or the java on the PATH) when it is new
# enough, else takes the JDK with the highest version (21 or newer) under /usr/lib/jvm, else
# stops with what to install.

java_major() {
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

use_java_21() {
    local java home
    java=${JAVA_HOME:+$JAVA_HOME/bin/java}
    java=${java:-$(command -v java || true)}
    if [ -n "$java" ] && [ "$(java_major "$java")" -ge 21 ] 2>/dev/null; then
        return 0
    fi
    local best= best_major=0 major
    for home in /usr/lib/jvm/*/; do
        [ -x "$home/bin/java" ] || continue
        major=$(java_major "$home/bin/java")
        if [ "$major" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then
            best=${home%/}
            best_major=$major
        fi
    done
    if [ -z "$best" ]; then
        echo "keycloak-jitsi needs Java 21 or newer: install a JDK 21+ (e.g. Debian's openjdk-21-jdk) and set JAVA_HOME to it." >&2
        return 1
    fi
    export JAVA_HOME=$best
    export PATH="$JAVA_HOME/bin:$PATH"
}

use_java_21
