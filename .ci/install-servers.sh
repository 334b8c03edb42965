#!/usr/bin/env bash
# Install the triple-store servers that the dlkg tests start (tests/support/servers.py)
# on a fresh Debian 12 machine. Run as root. Idempotent: does nothing when present.
#
# The Oxigraph server is NOT installed here: it comes from PyPI (`oxigraph`) with the
# project's test extras.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "install-servers.sh: must run as root (apt-get)" >&2
    exit 1
fi

if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    echo "install-servers.sh: Virtuoso already installed: $(command -v virtuoso-t)"
else
    echo "install-servers.sh: installing virtuoso-opensource"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends virtuoso-opensource
fi

# Verify: the tests need the server and Virtuoso's SQL client (not unixODBC's isql).
# (The system service is not used: the tests start private instances on free ports.)
for exe in virtuoso-t isql-vt; do
    command -v "$exe" >/dev/null 2>&1 || { echo "install-servers.sh: $exe missing" >&2; exit 1; }
done
echo "install-servers.sh: $(virtuoso-t -? 2>&1 | sed -n 2p || true)"
