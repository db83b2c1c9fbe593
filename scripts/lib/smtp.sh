# Starts two throwaway SMTP servers (aiosmtpd 1.4.6 from PyPI, tests/smtp/server.py) on
# 127.0.0.1 for the test suite, each writing what it accepts to a maildir the tests read: one
# plain, and one that requires STARTTLS (a test CA and certificate made here with openssl) and
# a login (vejviser / test-password). Sourced by scripts/test; stops them on exit.
# Exports VEJVISER_TEST_SMTP_PORT/_DIR, VEJVISER_TEST_SMTP_TLS_PORT/_TLS_DIR and _CA.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_one_smtp PORT MAILDIR LOG [server options...]: starts one server, echoes its pid.
start_one_smtp() {
  local port=$1 dir=$2 log=$3
  shift 3
  python3 tests/smtp/server.py --port "$port" --maildir "$dir" "$@" >"$log" 2>&1 &
  local pid=$! deadline=$((SECONDS + 30))
  until grep -q '^ready' "$log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "smtp: the server on port $port did not come up; its log:" >&2
      cat "$log" >&2
      kill "$pid" 2>/dev/null || true
      return 1
    fi
    sleep 0.1
  done
  echo "$pid"
}

start_test_smtp() {
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    echo "smtp: aiosmtpd is needed (pip install aiosmtpd==1.4.6)" >&2
    return 1
  fi
  SMTP_DIR=$(mktemp -d /tmp/vejviser-smtp.XXXXXX)
  # A test CA and a certificate for 127.0.0.1 and localhost signed by it (rustls refuses a CA
  # certificate presented as the server's own).
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vejviser test CA" \
    -keyout "$SMTP_DIR/ca.key" -out "$SMTP_DIR/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$SMTP_DIR/server.key" -out "$SMTP_DIR/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    >"$SMTP_DIR/server.ext"
  openssl x509 -req -in "$SMTP_DIR/server.csr" -CA "$SMTP_DIR/ca.pem" -CAkey "$SMTP_DIR/ca.key" \
    -CAcreateserial -days 2 -extfile "$SMTP_DIR/server.ext" -out "$SMTP_DIR/server.pem" >/dev/null 2>&1 \
    || { echo "smtp: openssl could not make the test certificate" >&2; return 1; }
  local port tls_port
  port=$(free_port)
  tls_port=$(free_port)
  SMTP_PID=$(start_one_smtp "$port" "$SMTP_DIR/plain" "$SMTP_DIR/plain.log") || return 1
  SMTP_TLS_PID=$(start_one_smtp "$tls_port" "$SMTP_DIR/tls" "$SMTP_DIR/tls.log" \
    --cert "$SMTP_DIR/server.pem" --key "$SMTP_DIR/server.key" --auth vejviser:test-password) \
    || { stop_test_smtp; return 1; }
  export VEJVISER_TEST_SMTP_PORT="$port" VEJVISER_TEST_SMTP_DIR="$SMTP_DIR/plain"
  export VEJVISER_TEST_SMTP_TLS_PORT="$tls_port" VEJVISER_TEST_SMTP_TLS_DIR="$SMTP_DIR/tls"
  export VEJVISER_TEST_SMTP_CA="$SMTP_DIR/ca.pem"
  echo "smtp: aiosmtpd on 127.0.0.1:$port (plain) and :$tls_port (STARTTLS + login), maildirs in $SMTP_DIR"
}

stop_test_smtp() {
  local pid
  for pid in "${SMTP_PID:-}" "${SMTP_TLS_PID:-}"; do
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  SMTP_PID= SMTP_TLS_PID=
  [ -n "${SMTP_DIR:-}" ] && rm -rf "$SMTP_DIR"
  return 0
}
