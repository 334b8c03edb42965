#!/usr/bin/env bash
# Install jsonld.js (the version package-lock.json pins) for tests/test_export_jsonld_js.py,
# which expands dlkg's JSON-LD export with it: `npm ci` in tests/js/jsonld/. Needs Node.js
# (18 or later) and npm. Idempotent: `npm ci` reinstalls exactly the locked tree.
set -euo pipefail
cd "$(dirname "$0")/../tests/js/jsonld"

command -v node >/dev/null 2>&1 || { echo "install-js-jsonld.sh: node missing (apt-get install nodejs npm)" >&2; exit 1; }
npm ci --no-audit --no-fund
node -e 'import("jsonld").then(m => console.log("install-js-jsonld.sh: jsonld.js " + (m.default.version || "installed")))'
