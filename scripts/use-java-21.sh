# Sourced by start-keycloak.sh and .ci/run: makes sure JAVA_HOME points at a JDK 21+, which
# Keycloak 26.7 and this build need. Keeps JAVA_HOME (or the java on the PATH) when it is new
# enough, else takes the newest JDK 21+ under /usr/lib/jvm, else stops with what to install.

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
    for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -r); do
        if [ -x "$home/bin/java" ] && [ "$(java_major "$home/bin/java")" -ge 21 ] 2>/dev/null; then
            export JAVA_HOME=${home%/}
            export PATH="$JAVA_HOME/bin:$PATH"
            return 0
        fi
    done
    echo "keycloak-jitsi needs Java 21 or newer: install a JDK 21+ (e.g. Debian's openjdk-21-jdk) and set JAVA_HOME to it." >&2
    return 1
}

use_java_21
