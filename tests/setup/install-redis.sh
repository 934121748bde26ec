#!/usr/bin/env bash
# Installs Debian's Redis server for the multi-worker tests, unless it is there already.
# The tests start and stop their own throw-away instance; nothing is configured system-wide.
set -euo pipefail
if command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "redis-server is not installed and apt-get is not available; install Redis" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
