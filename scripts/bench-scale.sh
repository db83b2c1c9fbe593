#!/usr/bin/env bash
# Request cost at national scale (issue #13): the same requests, from the same coordinator, at
# BENCH_SMALL_CASES and then at BENCH_LARGE_CASES cases on one PostgreSQL, each under wrk with
# BENCH_CONNECTIONS connections for BENCH_SECONDS; prints a Markdown table (also written to
# target/bench-scale.md) of throughput and p50/p99 at both sizes, and whether p99 stays under
# 20 ms and within 1.2x of the small database's.
#
# Requests: the session check (GET /api/v1/me), the coordinator's case list, a case (API and
# page), the case's document list, a document's metadata, and a 4 KiB download. Every read
# writes its access-log row, as in production.
#
# The data: `vejviser dev seed-scale` (release build), 10-30 documents of 1-4 versions a case,
# 5-15 participants; the coordinator (the demo's Karen Holm) keeps 40 cases at both sizes.
# PostgreSQL: a throwaway cluster (scripts/lib/postgres.sh) with fsync and synchronous commit
# on, vacuumed and analysed after each seeding. Service settings as production's: a pool of BENCH_POOL.
#
# Usage (from the repo root): scripts/bench-scale.sh
#   BENCH_SMALL_CASES=1000  BENCH_LARGE_CASES=20000  BENCH_SECONDS=10  BENCH_CONNECTIONS=50
#   BENCH_POOL=20           database.max_connections of the service
#   BENCH_ROOT=target/bench where the temp directory goes
# Needs curl, python3, PostgreSQL's server (apt-get install postgresql) and wrk (installed with
# apt-get when missing and run as root).
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
SMALL=${BENCH_SMALL_CASES:-1000}
LARGE=${BENCH_LARGE_CASES:-20000}
SECS=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
POOL=${BENCH_POOL:-20}
ROOT=${BENCH_ROOT:-$REPO/target/bench}
OUT_MD=$REPO/target/bench-scale.md

die() { echo "bench-scale: $*" >&2; exit 1; }
log() { echo "bench-scale: $*" >&2; }
for n in "$SMALL" "$LARGE" "$SECS" "$CONNECTIONS" "$POOL"; do
    [[ $n =~ ^[0-9]+$ && $n -ge 1 ]] || die "the BENCH_ numbers must be whole and at least 1"
done
((LARGE > SMALL)) || die "BENCH_LARGE_CASES must be more than BENCH_SMALL_CASES"
for tool in curl python3 psql; do
    command -v "$tool" >/dev/null || die "needs $tool"
done
if ! command -v wrk >/dev/null && [[ $(id -u) == 0 ]]; then
    log "installing wrk"
    { timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq wrk; } >/dev/null 2>&1 ||
        die "apt-get install wrk failed"
fi
command -v wrk >/dev/null || die "needs wrk: apt-get install -y wrk"

mkdir -p "$ROOT"
T=$(mktemp -d "$ROOT/scale.XXXXXX")
T=$(cd "$T" && pwd)
SERVICE_PID=''
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
cleanup() {
    local rc=$?
    set +e
    if [[ -n $SERVICE_PID ]]; then
        kill -TERM "$SERVICE_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVICE_PID" 2>/dev/null
    fi
    if [[ $rc -ne 0 && -f $T/service.log ]]; then
        echo "--- last lines of the service log ---" >&2
        tail -n 20 "$T/service.log" >&2
    fi
    stop_test_postgres
    rm -rf "$T"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

log "building (release)"
cargo build --release --locked --quiet || die "cargo build --release failed"
BIN=$REPO/target/release/vejviser

VEJVISER_PG_DURABLE=1 start_test_postgres >&2 || die "PostgreSQL did not start"
ADMIN_URL=${VEJVISER_TEST_POSTGRES_URL/vejviser_test:vejviser_test@/postgres@}
psql "$ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE vejviser_bench OWNER vejviser_test" ||
    die "creating the database failed"
DB_URL=${VEJVISER_TEST_POSTGRES_URL%/*}/vejviser_bench
ADMIN_DB_URL=${ADMIN_URL%/*}/vejviser_bench

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
cat >"$T/bench.toml" <<EOF
data_dir = "$T/data"
[server]
address = "127.0.0.1:$PORT"
public_url = "$BASE"
shutdown_timeout_secs = 2
[database]
url = "$DB_URL"
max_connections = $POOL
[documents.scrub]
enabled = false
EOF
log "starting the service on $BASE (pool $POOL)"
start_service "$BIN" "$T/bench.toml" "$BASE" "$T/service.log"

# seed N: adds N cases; prints the seconds it took.
seed() {
    local start out
    start=$(date +%s.%N)
    out=$("$BIN" --config "$T/bench.toml" dev seed-scale --cases "$1" 2>"$T/seed.log") ||
        die "seeding failed: $(tail -n 5 "$T/seed.log")"
    log "$out"
    # Vacuumed and analysed now, so autovacuum does not take the freshly inserted million rows
    # on during the measurement, and the planner knows the new sizes.
    psql "$ADMIN_DB_URL" -q -c "VACUUM (ANALYZE)" -c "CHECKPOINT" >/dev/null
    python3 -c "print(f'{$(date +%s.%N) - $start:.0f}')"
}
counts() { # "cases accounts participants documents versions"
    psql "$ADMIN_DB_URL" -At -F' ' -c "SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM accounts), \
        (SELECT COUNT(*) FROM participants), (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM document_versions)"
}

log "seeding $SMALL cases"
SMALL_SEED_SECS=$(seed "$SMALL")
SMALL_COUNTS=$(counts)

JAR=$T/jar
curl -sf -L -c "$JAR" -b "$JAR" -o /dev/null --max-time 30 \
    "$BASE/auth/login/staff?login_hint=coordinator" || die "login as coordinator failed"
COOKIE=$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) { printf "%s%s=%s", sep, $6, $7; sep="; " } }' "$JAR")
[[ -n $COOKIE ]] || die "no session cookie after logging in"
CASE=$(curl -sf -b "$JAR" --max-time 10 "$BASE/api/v1/cases" | json "d[0]['id']") || die "no case in the list"
DOCUMENT=$(curl -sf -b "$JAR" --max-time 10 "$BASE/api/v1/cases/$CASE/documents" | json "d[0]['id']") ||
    die "no document on case $CASE"
head -c 4096 /dev/urandom | base64 -w 76 | head -c 4096 >"$T/small.txt"
SMALL_DOC=$(curl -sf -b "$JAR" --max-time 30 -F title="Lille fil" -F kind=other \
    -F "file=@$T/small.txt;type=text/plain;filename=lille.txt" "$BASE/api/v1/cases/$CASE/documents" |
    json "d['id']") || die "uploading the small document failed"

TARGETS=(
    "session check|/api/v1/me"
    "case list|/api/v1/cases"
    "case (API)|/api/v1/cases/$CASE"
    "case (page)|/cases/$CASE"
    "document list|/api/v1/cases/$CASE/documents"
    "document metadata|/api/v1/documents/$DOCUMENT"
    "4 KiB download|/api/v1/documents/$SMALL_DOC/content"
)

# measure SIZE: runs wrk on every target; appends "size|name|rps|p50ms|p99ms" to results.
RESULTS=$T/results
measure() {
    local target name path out
    for target in "${TARGETS[@]}"; do
        name=${target%%|*} path=${target#*|}
        curl -sf -o /dev/null -b "$JAR" --max-time 10 "$BASE$path" || die "$path does not answer 200"
        log "$1 cases: $name ($SECS s, $CONNECTIONS connections)"
        out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECS}s" --timeout 10s --latency -H "Cookie: $COOKIE" "$BASE$path")
        if grep -q "Non-2xx" <<<"$out"; then
            die "$path: wrk saw answers other than 2xx: $(grep Non-2xx <<<"$out")"
        fi
        python3 - "$1" "$name" >>"$RESULTS" <<PY
import re, sys
out = """$out"""
def ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
print(f"{sys.argv[1]}|{sys.argv[2]}|{rps:.0f}|{p50:.2f}|{p99:.2f}")
PY
    done
}

measure "$SMALL"
log "seeding $((LARGE - SMALL)) more cases"
LARGE_SEED_SECS=$(seed "$((LARGE - SMALL))")
LARGE_COUNTS=$(counts)
measure "$LARGE"

{
    echo "## Scale benchmark: $SMALL and $LARGE cases on PostgreSQL ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    read -r c a p d v <<<"$SMALL_COUNTS"
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), $(psql --version | cut -d' ' -f3-), service pool $POOL, wrk -t2 -c$CONNECTIONS for $SECS s a request; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Small: $c cases, $a accounts, $p participants, $d documents, $v versions (seeded in $SMALL_SEED_SECS s)."
    read -r c a p d v <<<"$LARGE_COUNTS"
    echo "Large: $c cases, $a accounts, $p participants, $d documents, $v versions (the rest seeded in $LARGE_SEED_SECS s)."
    echo
    python3 - "$RESULTS" "$SMALL" "$LARGE" <<'PY'
import sys
rows = [line.strip().split("|") for line in open(sys.argv[1]) if line.strip()]
small, large = sys.argv[2], sys.argv[3]
by = {(size, name): (rps, p50, p99) for size, name, rps, p50, p99 in rows}
names = list(dict.fromkeys(name for _, name, *_ in rows))
print(f"| request | {small} cases: req/s, p50, p99 | {large} cases: req/s, p50, p99 | p99 growth | p99 < 20 ms and growth ≤ 1.2x |")
print("|---|---|---|---|---|")
for name in names:
    a, b = by[(small, name)], by[(large, name)]
    growth = float(b[2]) / float(a[2])
    ok = float(b[2]) < 20 and float(a[2]) < 20 and growth <= 1.2
    print(f"| {name} | {a[0]}, {a[1]} ms, {a[2]} ms | {b[0]}, {b[1]} ms, {b[2]} ms | {growth:.2f}x | {'PASS' if ok else 'FAIL'} |")
PY
} | tee "$OUT_MD"
log "written to $OUT_MD"
