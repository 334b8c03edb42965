#!/usr/bin/env bash
# Install the headless browser that the dlkg server's browser tests drive (tests/serve/
# test_serve_browser.py, through Playwright) on a fresh Debian 12 machine:
#   chromium        - the browser (Playwright launches /usr/bin/chromium; `playwright install`
#                     cannot download its own browser builds here)
#   chromium-driver - its WebDriver, for other drivers of the same browser
#   fonts-noto-cjk  - fonts for the Chinese pages, so that no glyph is drawn as a box
# Run as root. Idempotent: does nothing (and touches no network) when all are present.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser.sh: must run as root (apt-get)" >&2
    exit 1
fi

missing=()
for package in chromium chromium-driver fonts-noto-cjk; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-browser.sh: chromium, chromium-driver and fonts-noto-cjk already installed"
else
    echo "install-browser.sh: installing ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Verify: the browser must start headless and render a page.
command -v chromium >/dev/null 2>&1 || { echo "install-browser.sh: chromium missing" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --dump-dom 'data:text/html,<p>ok</p>' 2>/dev/null | grep -q '<p>ok</p>' \
    || { echo "install-browser.sh: chromium does not render a page headless" >&2; exit 1; }
echo "install-browser.sh: $(chromium --version 2>/dev/null)"
