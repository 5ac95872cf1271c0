#!/usr/bin/env bash
# Browser tests need a Chromium. Playwright's own download is blocked on our machines, so use
# Debian's package, installing it when missing and we are allowed to (root with apt-get).
set -euo pipefail
if [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No system Chromium found; Playwright will use its own browser (npx playwright install chromium)." >&2
