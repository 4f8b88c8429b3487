#!/bin/sh
# Installs what the browser tests need before `npm test` (its `pretest` script): Debian's
# Chromium, which test/web drives headless through playwright-core (playwright-core never
# downloads a browser of its own). Quiet and quick when /usr/bin/chromium is already there;
# otherwise apt-get, through sudo when not root, without questions. Safe to run again.
set -eu

# ENSURE_CHROMIUM_PATH only lets test/scripts/ensureChromium.test.ts point elsewhere.
CHROMIUM="${ENSURE_CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensureChromium: $CHROMIUM is missing and apt-get is not available: install Chromium so that $CHROMIUM runs it." >&2
  exit 1
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "ensureChromium: $CHROMIUM is missing; run as root or install sudo (apt-get install -y chromium)." >&2
    exit 1
  fi
  sudo='sudo'
fi

echo "ensureChromium: installing Debian's chromium for the browser tests (apt-get)…" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
[ -x "$CHROMIUM" ] || { echo "ensureChromium: apt-get finished but $CHROMIUM is still missing" >&2; exit 1; }
