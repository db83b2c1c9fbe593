# Starts a throwaway S3-compatible server (moto_server, from PyPI `moto[server]`) on 127.0.0.1 for
# the test suite with one bucket, unless VEJVISER_TEST_S3_ENDPOINT already names one. Sourced by
# scripts/test; stops it on exit. moto accepts any credentials; the AWS chain reads the variables.

start_test_s3() {
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-vejviser-test}"
  export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-vejviser-test-secret}"
  export AWS_REGION="${AWS_REGION:-us-east-1}"
  export VEJVISER_TEST_S3_BUCKET="${VEJVISER_TEST_S3_BUCKET:-vejviser-test}"
  if [ -n "${VEJVISER_TEST_S3_ENDPOINT:-}" ]; then
    echo "s3: using VEJVISER_TEST_S3_ENDPOINT"
    return
  fi
  if ! command -v moto_server >/dev/null; then
    echo "s3: moto_server is needed (pip install 'moto[server]'), or set VEJVISER_TEST_S3_ENDPOINT" >&2
    return 1
  fi
  S3_DIR=$(mktemp -d /tmp/vejviser-s3.XXXXXX)
  S3_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$S3_PORT" >"$S3_DIR/moto.log" 2>&1 &
  S3_PID=$!
  local endpoint="http://127.0.0.1:$S3_PORT" deadline=$((SECONDS + 30))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$endpoint/")" = 200 ]; do
    if ! kill -0 "$S3_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "s3: moto_server did not come up on $endpoint; its log:" >&2
      cat "$S3_DIR/moto.log" >&2
      stop_test_s3
      return 1
    fi
    sleep 0.1
  done
  curl -sf -X PUT "$endpoint/$VEJVISER_TEST_S3_BUCKET" >/dev/null \
    || { echo "s3: could not create the test bucket" >&2; stop_test_s3; return 1; }
  export VEJVISER_TEST_S3_ENDPOINT="$endpoint"
  echo "s3: throwaway moto_server on $endpoint, bucket $VEJVISER_TEST_S3_BUCKET"
}

stop_test_s3() {
  if [ -n "${S3_PID:-}" ]; then
    kill "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
    S3_PID=
  fi
  [ -n "${S3_DIR:-}" ] && rm -rf "$S3_DIR"
  return 0
}
