# Starts a throwaway OpenID provider (npm oidc-provider, tests/oidc/op.mjs) on 127.0.0.1 for the test
# suite, unless VEJVISER_TEST_OIDC_ISSUER already names one. Sourced by scripts/test; stops it on exit.

start_test_oidc_provider() {
  if [ -n "${VEJVISER_TEST_OIDC_ISSUER:-}" ]; then
    echo "oidc: using VEJVISER_TEST_OIDC_ISSUER"
    return
  fi
  local dir
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/oidc" && pwd)
  if ! command -v node >/dev/null || ! command -v npm >/dev/null || ! command -v curl >/dev/null; then
    echo "oidc: node, npm and curl are needed for the test OpenID provider (apt-get install nodejs npm curl), or set VEJVISER_TEST_OIDC_ISSUER" >&2
    return 1
  fi
  OIDC_DIR=$(mktemp -d /tmp/vejviser-oidc.XXXXXX)
  # npm records each install in node_modules/.package-lock.json: reinstall when that is missing or
  # older than the committed lock file.
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund) >"$OIDC_DIR/npm.log" 2>&1 \
      || { cat "$OIDC_DIR/npm.log" >&2; return 1; }
    touch "$dir/node_modules/.package-lock.json"
  fi
  OIDC_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  OP_PORT="$OIDC_PORT" node "$dir/op.mjs" >"$OIDC_DIR/op.log" 2>&1 &
  OIDC_PID=$!
  local issuer="http://127.0.0.1:$OIDC_PORT" deadline=$((SECONDS + 30))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$issuer/.well-known/openid-configuration")" = 200 ]; do
    if ! kill -0 "$OIDC_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "oidc: the test OpenID provider did not come up on $issuer; its log:" >&2
      cat "$OIDC_DIR/op.log" >&2
      stop_test_oidc_provider
      return 1
    fi
    sleep 0.1
  done
  export VEJVISER_TEST_OIDC_ISSUER="$issuer"
  echo "oidc: throwaway OpenID provider on $issuer"
}

stop_test_oidc_provider() {
  if [ -n "${OIDC_PID:-}" ]; then
    kill "$OIDC_PID" 2>/dev/null || true
    wait "$OIDC_PID" 2>/dev/null || true
    OIDC_PID=
  fi
  if [ -n "${OIDC_DIR:-}" ]; then
    rm -rf "$OIDC_DIR"
    OIDC_DIR=
  fi
}
