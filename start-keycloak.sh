#!/usr/bin/env bash
# Starts Keycloak with the keycloak-jitsi bundle on this machine, no Docker needed:
#   1. builds the provider jar (mvn package) unless it is newer than its sources,
#   2. fetches the pinned Keycloak distribution from Maven Central and unpacks it once,
#   3. installs the provider jar, themes/ and the realm export into it,
#   4. starts Keycloak in dev mode with the realm imported, on the embedded H2 database.
# The distribution and its database live in .keycloak/ and are kept between starts.
# With --install-only it stops after step 3: a Keycloak with the bundle in KC_HOME, to build and
# start yourself (kc.sh build --db=postgres ...; kc.sh start --optimized --import-realm).
#
# Settings (environment):
#   KC_HTTP_HOST (127.0.0.1: this machine only; 0.0.0.0 for every interface, the management
#   interface follows it), KC_HTTP_PORT (8080), KC_HTTP_MANAGEMENT_PORT (9000), KC_BOOTSTRAP_ADMIN_USERNAME (admin),
#   KC_BOOTSTRAP_ADMIN_PASSWORD (admin, for a local start only), JITSI_HOST and JITSI_FRONTEND_URL
#   (read by the realm import, see README.md), KC_HOME (where Keycloak is installed),
#   KEYCLOAK_VERSION (another Keycloak 26.x than the one pom.xml pins; the jar supports 26.4 on),
#   KC_VAULT_DIR (Keycloak's file vault, default .keycloak/vault: an HS256 shared secret goes in
#   <dir>/jitsi-realm_jitsi__secret), SKIP_BUILD=1 (use the jar already in providers/target),
#   FORCE_BUILD=1 (build the jar even when it is newer than its sources).
set -euo pipefail

install_only=
case "${1:-}" in
    --install-only) install_only=1 ;;
    "") ;;
    *) echo "usage: $0 [--install-only]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

# Keycloak 26.7 runs on Java 21+.
. "$root/scripts/use-java-21.sh"

# The Keycloak release: the one pom.xml pins, unless KEYCLOAK_VERSION names another 26.x.
KC_VERSION=${KEYCLOAK_VERSION:-$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -n 1)}
KC_HOME=${KC_HOME:-$root/.keycloak/keycloak-$KC_VERSION}
# Loopback only unless told otherwise: this is a development start with a known admin password.
# The management interface (health, metrics) follows the HTTP host.
export KC_HTTP_HOST=${KC_HTTP_HOST:-127.0.0.1}
export KC_HTTP_PORT=${KC_HTTP_PORT:-8080}
export KC_HTTP_MANAGEMENT_PORT=${KC_HTTP_MANAGEMENT_PORT:-9000}
export KC_HEALTH_ENABLED=true
export KC_BOOTSTRAP_ADMIN_USERNAME=${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}
export KC_BOOTSTRAP_ADMIN_PASSWORD=${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}
export KC_VAULT=${KC_VAULT:-file}
export KC_VAULT_DIR=${KC_VAULT_DIR:-$root/.keycloak/vault}
mkdir -p "$KC_VAULT_DIR"
chmod 700 "$KC_VAULT_DIR"

jar=$root/providers/target/keycloak-jitsi.jar
# Build the jar unless SKIP_BUILD=1, or unless it is newer than every source it is built from
# (FORCE_BUILD=1 builds anyway).
if [ "${SKIP_BUILD:-}" != 1 ]; then
    if [ "${FORCE_BUILD:-}" != 1 ] && [ -f "$jar" ] \
        && [ -z "$(find providers/src pom.xml providers/pom.xml -newer "$jar" -print -quit)" ]; then
        echo "The provider jar is up to date with its sources: not building it again (FORCE_BUILD=1 builds anyway)."
    else
        echo "Building the keycloak-jitsi provider jar..."
        mvn -q -B -DskipTests package
    fi
fi
[ -f "$jar" ] || { echo "No provider jar at $jar: run without SKIP_BUILD=1." >&2; exit 1; }

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    zip=${MAVEN_REPOSITORY:-$HOME/.m2/repository}/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip
    if [ ! -f "$zip" ]; then
        echo "Fetching Keycloak $KC_VERSION from Maven Central..."
        mvn -q -B dependency:get -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -Dtransitive=false
    fi
    echo "Unpacking Keycloak $KC_VERSION into $KC_HOME..."
    mkdir -p "$(dirname "$KC_HOME")"
    unpack=$(mktemp -d "$(dirname "$KC_HOME")/.unpack.XXXXXX")
    unzip -q "$zip" -d "$unpack"
    mv "$unpack/keycloak-$KC_VERSION" "$KC_HOME"
    rmdir "$unpack"
fi

# Install the bundle (replacing what an earlier start installed; the database stays).
cp "$jar" "$KC_HOME/providers/keycloak-jitsi.jar"
for theme in themes/*/; do
    [ -d "$theme" ] || continue
    rm -rf "$KC_HOME/themes/$(basename "$theme")"
    cp -r "$theme" "$KC_HOME/themes/"
done
mkdir -p "$KC_HOME/data/import"
cp realm-export/jitsi-realm-realm.json "$KC_HOME/data/import/"
if [ -n "$install_only" ]; then
    echo "Keycloak $KC_VERSION with keycloak-jitsi installed in $KC_HOME."
    exit 0
fi

host=$KC_HTTP_HOST
[ "$host" = 0.0.0.0 ] && host=localhost
base=http://$host:$KC_HTTP_PORT
cat <<INFO
Starting Keycloak $KC_VERSION with keycloak-jitsi (Java: ${JAVA_HOME:-$(command -v java)}).
  Admin console: $base/admin/  (user $KC_BOOTSTRAP_ADMIN_USERNAME; the password is KC_BOOTSTRAP_ADMIN_PASSWORD, 'admin' unless set)
  Jitsi realm:   $base/realms/jitsi-realm  (keys: $base/realms/jitsi-realm/protocol/openid-connect/certs)
  Readiness:     http://$host:$KC_HTTP_MANAGEMENT_PORT/health/ready
  Data:          $KC_HOME/data (kept between starts)
  Vault:         $KC_VAULT_DIR (secrets referenced as \${vault.<name>})
Ready in about 30 s (the first start, with the realm import, in about a minute). Stop with Ctrl+C.
INFO
exec "$KC_HOME/bin/kc.sh" start-dev --import-realm
