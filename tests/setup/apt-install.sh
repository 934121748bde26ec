#!/usr/bin/env bash
# Installs Debian packages for the tests: apt-install.sh WHAT HOW-TO-INSTALL PACKAGE...
# Through sudo unless run as root; where apt-get is not available it says what to install by hand.
set -euo pipefail
what=$1
how=$2
shift 2
if ! command -v apt-get >/dev/null; then
    echo "$what is not installed and apt-get is not available; $how" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
