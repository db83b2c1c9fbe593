# Prepares the accessibility check in a real browser (tests/browser/axe.mjs, run by
# tests/api/accessibility.rs): installs its npm packages from the committed lock file and names
# Chromium in VEJVISER_TEST_CHROMIUM (/usr/bin/chromium unless already set). Sourced by scripts/test.

prepare_test_browser() {
  local dir chromium log
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/browser" && pwd)
  chromium=${VEJVISER_TEST_CHROMIUM:-$(command -v chromium || true)}
  if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
    echo "browser: Chromium is needed for the accessibility check (apt-get install chromium), or set VEJVISER_TEST_CHROMIUM" >&2
    return 1
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "browser: node and npm are needed for the accessibility check (apt-get install nodejs npm)" >&2
    return 1
  fi
  # npm records each install in node_modules/.package-lock.json: reinstall when that is missing or
  # older than the committed lock file. Never `npx playwright install`: Chromium comes from Debian.
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log=$(mktemp /tmp/vejviser-browser-npm.XXXXXX)
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) >"$log" 2>&1 \
      || { cat "$log" >&2; rm -f "$log"; return 1; }
    rm -f "$log"
    touch "$dir/node_modules/.package-lock.json"
  fi
  export VEJVISER_TEST_CHROMIUM="$chromium"
  echo "browser: $("$chromium" --version 2>/dev/null | head -n 1) with axe-core from tests/browser"
}
