#!/bin/sh
# Installs what mbprov needs on a fresh Debian machine: the Debian packages the tests and benchmarks
# use (xmllint, xmlsec1, Chromium, systemd-analyze, FreeRADIUS and radclient for the RADIUS tests, and a
# CJK font so that Japanese pages render in the browser tests and screenshots), then the npm packages.
# Safe to run again.
set -e
need=""
command -v xmllint >/dev/null 2>&1 || need="$need libxml2-utils"
command -v xmlsec1 >/dev/null 2>&1 || need="$need xmlsec1"
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v systemd-analyze >/dev/null 2>&1 || need="$need systemd"
command -v freeradius >/dev/null 2>&1 || need="$need freeradius"
command -v radclient >/dev/null 2>&1 || need="$need freeradius-utils"
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || need="$need fonts-noto-cjk"
# FreeRADIUS with its rest module, radclient/radtest and eapol_test: the hotspot tests (freeradius-*.test.ts).
command -v freeradius >/dev/null 2>&1 || need="$need freeradius"
dpkg-query -W -f='${Status}' freeradius-rest 2>/dev/null | grep -q 'ok installed' || need="$need freeradius-rest"
command -v radclient >/dev/null 2>&1 || need="$need freeradius-utils"
command -v eapol_test >/dev/null 2>&1 || need="$need eapoltest"
if [ -n "$need" ]; then
  echo "mbprov setup: installing Debian packages:$need"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need
fi
echo "mbprov setup: installing npm packages (npm ci, from the committed lock file)"
npm ci --no-audit --no-fund
