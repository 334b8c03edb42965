#!/usr/bin/env bash
# The JavaScript clients the tests run (Comunica, jsonld.js), from tests/js/package-lock.json.
# `npm ci` is the only time they are fetched; the tests never download anything.
set -euo pipefail
cd "$(dirname "$0")/../tests/js"
command -v npm >/dev/null || { echo "install-node-clients: npm not found (Debian: nodejs npm)" >&2; exit 1; }
npm ci --no-audit --no-fund
