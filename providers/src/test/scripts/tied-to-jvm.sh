#!/usr/bin/env bash
# Runs a server for the integration tests (Keycloak, PostgreSQL) tied to the life of the test JVM
# that started it: when the JVM is gone, however it ended (exit, crash, kill -9), the server is
# stopped, so no server outlives a test run.
#
#   tied-to-jvm.sh [--stop-signal SIGNAL] COMMAND [ARG...]
#
# How it knows: the JVM holds the only writing end of this script's standard input (Java's
# ProcessBuilder pipes it by default; the JDK closes its pipes in every other child it starts), and
# the kernel closes it when the JVM dies, so reading it then returns end-of-file.
# COMMAND runs in a session of its own (one process group, standard input /dev/null). When the JVM
# is gone, or when this script gets TERM or INT (that is how the tests stop a server), the group
# gets SIGNAL (TERM unless told: PostgreSQL's fast shutdown is INT), and KILL if it still runs
# 30 s later. Exits with COMMAND's exit status.
set -u

signal=TERM
if [ "${1:-}" = --stop-signal ]; then
    signal=$2
    shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [--stop-signal SIGNAL] COMMAND [ARG...]" >&2; exit 2; }

# Keep the JVM's pipe as fd 3 for the watcher: a background list would read /dev/null otherwise.
exec 3<&0
setsid "$@" </dev/null 3<&- &
child=$!

# Whether a process of the command's group still runs (a zombie, ended but not yet reaped, does not).
alive() {
    ps -e -o pgid=,stat= | awk -v group="$child" '$1 == group && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

stop() {
    kill -"$signal" -- -"$child" 2>/dev/null || kill -"$signal" "$child" 2>/dev/null
    local deadline=$((SECONDS + 30))
    while [ "$SECONDS" -lt "$deadline" ]; do
        alive || return 0
        sleep 0.1
    done
    kill -KILL -- -"$child" 2>/dev/null || kill -KILL "$child" 2>/dev/null
}

# The watcher: the read ends when the JVM is gone.
{ while read -r _; do :; done; stop; } <&3 &
watcher=$!
exec 3<&-

trap stop TERM INT
# wait also returns when a trapped signal arrives: go on waiting until the command has ended,
# then ask once more for its exit status (bash keeps it).
while kill -0 "$child" 2>/dev/null; do
    wait "$child"
done
wait "$child"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
