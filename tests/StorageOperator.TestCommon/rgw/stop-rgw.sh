#!/usr/bin/env bash
# Stops what start-rgw.sh STATE_DIR started (by the pid files it wrote) and removes STATE_DIR.
set -uo pipefail
dir=${1:?usage: $0 STATE_DIR}
for pidfile in "$dir"/run/*.pid; do
    [[ -f $pidfile ]] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
done
for pidfile in "$dir"/run/*.pid; do
    [[ -f $pidfile ]] || continue
    pid=$(cat "$pidfile")
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
done
rm -rf "$dir"
