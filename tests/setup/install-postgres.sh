#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the integration tests, unless it is there already.
# The tests start and stop their own throw-away cluster; nothing is configured system-wide.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || command -v pg_ctl >/dev/null; then
    exit 0
fi
exec bash "$(dirname "$0")/apt-install.sh" PostgreSQL "install PostgreSQL" \
    postgresql
