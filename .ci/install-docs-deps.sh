#!/usr/bin/env bash
# Install the system packages `dlkg docs` needs on a fresh Debian 12 machine:
#   graphviz       - the `dot` program that draws classes.svg/png and frameworks.svg/png
#   fonts-noto-cjk - fonts for the Chinese labels, so that no glyph is drawn as a box
# Run as root. Idempotent: does nothing (and touches no network) when both are present.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "install-docs-deps.sh: must run as root (apt-get)" >&2
    exit 1
fi

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" \
    || missing+=(fonts-noto-cjk)

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-docs-deps.sh: graphviz and fonts-noto-cjk already installed"
else
    echo "install-docs-deps.sh: installing ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Verify: `dot` must run and know the svg and png output formats.
command -v dot >/dev/null 2>&1 || { echo "install-docs-deps.sh: dot missing" >&2; exit 1; }
echo 'digraph { a -> b }' | dot -Tsvg >/dev/null
echo 'digraph { a -> b }' | dot -Tpng >/dev/null
echo "install-docs-deps.sh: $(dot -V 2>&1)"
