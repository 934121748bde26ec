#!/usr/bin/env bash
# Installs Debian's Redis server for the multi-worker tests, unless it is there already.
# The tests start and stop their own throw-away instance; nothing is configured system-wide.
set -euo pipefail
if command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ]; then
    exit 0
fi
exec bash "$(dirname "$0")/apt-install.sh" redis-server "install Redis" \
    redis-server
