# The Keycloak image of Jitsi's authentication guide, with keycloak-jitsi built in:
#   docker compose up -d --build
# KC_VERSION must stay the Keycloak version pom.xml pins (a test checks it).
ARG KC_VERSION=26.7.5

# 1. The provider jar, built from this checkout.
FROM maven:3.9-eclipse-temurin-21 AS bundle
WORKDIR /src
COPY pom.xml ./
COPY providers/pom.xml providers/
COPY providers/src/main providers/src/main
RUN mvn -B -q -pl providers -am -Dmaven.test.skip=true package

# 2. The guide's builder stage: kc.sh build with the jar, the themes, health checks and Keycloak's
#    file vault (where an HS256 shared secret lives, never in the mapper's settings).
FROM quay.io/keycloak/keycloak:${KC_VERSION} AS builder
ARG KC_DB=dev-file
ENV KC_DB=${KC_DB}
COPY --from=bundle /src/providers/target/keycloak-jitsi.jar /opt/keycloak/providers/keycloak-jitsi.jar
COPY themes/ /opt/keycloak/themes/
RUN /opt/keycloak/bin/kc.sh build --health-enabled=true --vault=file
RUN mkdir -p /opt/keycloak/vault

# 3. The server: optimized start, the realm imported on first start, as the non-root keycloak user.
FROM quay.io/keycloak/keycloak:${KC_VERSION}
COPY --from=builder /opt/keycloak/ /opt/keycloak/
COPY --chown=keycloak:keycloak realm-export/jitsi-realm-realm.json /opt/keycloak/data/import/jitsi-realm-realm.json
USER keycloak
EXPOSE 8080 9000
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start", "--optimized", "--import-realm"]
