#!/usr/bin/env bash
# The topology test (npm run test:topology) runs HAProxy. Use Debian's package, installing it when missing
# and we are allowed to (root with apt-get), as scripts/ensure-chromium.sh does for the browser tests.
set -euo pipefail
if command -v haproxy >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's haproxy for the topology test…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  exit 0
fi
echo "No haproxy found: install it (apt-get install -y haproxy) to run the topology test." >&2
exit 1
