#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (driven by Playwright through its
# executable_path), unless it is there already. Playwright's own browser downloads are never used.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "Chromium is not installed at /usr/bin/chromium and apt-get is not available;" \
        "install Debian's chromium package" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-noto-color-emoji >/dev/null
