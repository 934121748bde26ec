#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (driven by Playwright through its
# executable_path), unless it is there already. Playwright's own browser downloads are never used.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
exec bash "$(dirname "$0")/apt-install.sh" "Chromium at /usr/bin/chromium" \
    "install Debian's chromium package" \
    chromium fonts-dejavu-core fonts-noto-color-emoji
