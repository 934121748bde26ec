#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the integration tests, unless it is there already.
# The tests start and stop their own throw-away cluster; nothing is configured system-wide.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || command -v pg_ctl >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "PostgreSQL is not installed and apt-get is not available; install PostgreSQL" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
