#!/usr/bin/env bash
# Which Keycloak releases on Maven Central are newer than the ones the build pins and tests: the
# distribution of each minor in the matrix (providers/pom.xml) and the pinned one (pom.xml), the
# API jars the jar compiles against, and a next minor or major. Asks Maven Central directly (its
# maven-metadata.xml lags behind the releases), one HEAD request per candidate. Exits 1 when
# something newer is there, so the pins can be moved (README, "Supported Keycloak versions").
#
#   scripts/keycloak-patches.sh
set -euo pipefail
cd "$(dirname "$0")/.."

central=${MAVEN_CENTRAL:-https://repo1.maven.org/maven2}/org/keycloak

exists() { # artifact version extension
    curl -sfI -o /dev/null "$central/$1/$2/$1-$2.$3"
}

# The first version after $1 (major.minor.patch) that Maven Central has, trying the next few
# patches (Keycloak skips some numbers) of the same minor; nothing when there is none.
newer_patch() { # artifact version extension
    local major minor patch
    IFS=. read -r major minor patch <<<"$2"
    local found=""
    for next in $(seq $((patch + 1)) $((patch + 5))); do
        if exists "$1" "$major.$minor.$next" "$3"; then found="$major.$minor.$next"; fi
    done
    echo "$found"
}

pinned=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml)
api=$(sed -n 's:.*<keycloak.api.version>\(.*\)</keycloak.api.version>.*:\1:p' pom.xml)
matrix=$(sed -n 's:.*<keycloak.dist.version>\(.*\)</keycloak.dist.version>.*:\1:p' providers/pom.xml)

outdated=0
for version in $matrix $pinned; do
    newer=$(newer_patch keycloak-quarkus-dist "$version" zip)
    if [ -n "$newer" ]; then
        echo "Keycloak $version: $newer is on Maven Central"; outdated=1
    else
        echo "Keycloak $version: the newest patch of its minor"
    fi
done

newer=$(newer_patch keycloak-services "$api" jar)
if [ -n "$newer" ]; then
    echo "API jars $api: $newer's are on Maven Central (keycloak.api.version)"; outdated=1
else
    echo "API jars $api: the newest"
fi

IFS=. read -r major minor _ <<<"$pinned"
for next in "$major.$((minor + 1))" "$((major + 1)).0"; do
    for patch in 0 1 2 3; do
        if exists keycloak-quarkus-dist "$next.$patch" zip; then
            echo "Keycloak $next is out ($next.$patch on Maven Central): not yet supported"; outdated=1
            break
        fi
    done
done
exit $outdated
