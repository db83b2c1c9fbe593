#!/usr/bin/env bash
# Benchmarks the document path on loopback and prints a Markdown table (also written to
# target/bench-documents.md):
#   1. memory: the service's peak RSS while it streams a BENCH_MEM_MIB file in and out again
#      (sampled from /proc every ~50 ms, plus VmHWM reset before each phase);
#   2. download, side by side in one run on a BENCH_MIB file: the service's decrypting download
#      vs nginx (sendfile) serving the same plaintext and vs `rclone serve http` over an rclone
#      `crypt` remote holding the same file (an encrypted-at-rest file server);
#   3. upload: the service's encrypting multipart upload vs nginx receiving the same body with a
#      WebDAV PUT (body spooled to its temp file, renamed) and vs `dd conv=fsync` (the service
#      fsyncs every blob, nginx does not);
#   4. the ceiling: the blob format (ring AES-256-GCM) and SHA-256 in memory, one core (the
#      criterion benchmark benches/stream.rs).
#
# Usage (from the repo root): scripts/bench-documents.sh
#   BENCH_MIB=512      size of the throughput file in MiB (e.g. BENCH_MIB=64 for a smoke test)
#   BENCH_MEM_MIB=1024 size of the memory phase's file in MiB
#   BENCH_RUNS=3       timed runs of each upload/download; the best run is reported
#   BENCH_CEILING=1    0 skips the in-memory crypto benchmark (and its release bench build)
#   BENCH_ROOT=target/bench   where the temp directory goes (needs about 4 × BENCH_MEM_MIB)
# Needs curl, python3, openssl, nginx with the DAV module and rclone; run as root, it installs the
# last two with apt-get when they are missing (nginx-light, rclone).
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
MIB=${BENCH_MIB:-512}
MEM_MIB=${BENCH_MEM_MIB:-1024}
RUNS=${BENCH_RUNS:-3}
CEILING=${BENCH_CEILING:-1}
ROOT=${BENCH_ROOT:-$REPO/target/bench}
OUT_MD=$REPO/target/bench-documents.md
MEM_LIMIT_MIB=16
SIZE=$((MIB * 1024 * 1024))
MEM_SIZE=$((MEM_MIB * 1024 * 1024))
CURL_TIMEOUT=$((120 + (MIB > MEM_MIB ? MIB : MEM_MIB)))   # generous: never hang, even at 10 MB/s

die() { echo "bench-documents: $*" >&2; exit 1; }
log() { echo "bench-documents: $*" >&2; }
[[ $MIB =~ ^[0-9]+$ && $MIB -ge 1 ]] || die "BENCH_MIB must be a whole number of MiB"
[[ $MEM_MIB =~ ^[0-9]+$ && $MEM_MIB -ge 1 ]] || die "BENCH_MEM_MIB must be a whole number of MiB"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "BENCH_RUNS must be at least 1"
for tool in curl python3 openssl dd; do
    command -v "$tool" >/dev/null || die "needs $tool"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if { [[ ! -x $NGINX ]] || ! command -v rclone >/dev/null; } && [[ $(id -u) == 0 ]]; then
    log "installing nginx-light and rclone"
    { timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq nginx-light rclone; } \
        >/dev/null 2>&1 || die "apt-get install nginx-light rclone failed"
fi
[[ -x $NGINX ]] || die "needs nginx: apt-get install -y nginx-light"
command -v rclone >/dev/null || die "needs rclone: apt-get install -y rclone"
"$NGINX" -V 2>&1 | grep -q -- --with-http_dav_module || die "nginx lacks the DAV module (PUT baseline)"

# All state (the test file, data dir, nginx prefix) in one temp dir on the real disk, not /tmp
# (which may be a small tmpfs and would also make the fsync baseline meaningless).
mkdir -p "$ROOT"
T=$(mktemp -d "$ROOT/run.XXXXXX")
T=$(cd "$T" && pwd)
SERVICE_PID='' NGINX_PID='' RCLONE_PID='' SAMPLER_PID=''
cleanup() {
    local rc=$?
    set +e
    [[ -n $SAMPLER_PID ]] && touch "$T/stop-sampler" && wait "$SAMPLER_PID" 2>/dev/null
    for pid in $SERVICE_PID $NGINX_PID $RCLONE_PID; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in $SERVICE_PID $NGINX_PID $RCLONE_PID; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [[ $rc -ne 0 && -f $T/service.log ]]; then
        echo "--- last lines of the service log ---" >&2
        tail -n 20 "$T/service.log" >&2
    fi
    rm -rf "$T"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh
now() { date +%s.%N; }
mbps() { python3 -c "import sys; print(f'{$SIZE/1e6/float(sys.argv[1]):.0f}')" "$1"; }
kib_to_mib() { python3 -c "import sys; print(f'{int(sys.argv[1])/1024:.1f}')" "$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
best() { printf '%s\n' "$@" | sort -g | head -n1; }   # the shortest time of the runs
median() { python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
proc_kib() { # VmRSS or VmHWM of a process, in KiB, without forking (read in a loop)
    local k v _
    while read -r k v _; do [[ $k == "$2:" ]] && { echo "$v"; return; }; done <"/proc/$1/status"
    echo 0
}

# --- build -------------------------------------------------------------------------------
log "building (release)"
cargo build --release --locked --quiet || die "cargo build --release failed"
BIN=$REPO/target/release/vejviser

# --- 4. the ceiling first, while the machine is otherwise idle ----------------------------
CEILING_LINE="(skipped: BENCH_CEILING=0)"
if [[ $CEILING == 1 ]]; then
    log "blob format and SHA-256 in memory (cargo bench --bench stream)"
    cargo bench --locked --bench stream >/dev/null || die "cargo bench --bench stream failed"
    # Criterion leaves its estimates (nanoseconds per iteration) and the bytes per iteration in
    # <target>/criterion/stream/<benchmark>/new/.
    TARGET_DIR=$(cargo metadata --locked --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    CEILING_LINE=$(python3 - "$TARGET_DIR/criterion/stream" <<'PY'
import json, sys

def mb_s(name):
    folder = f"{sys.argv[1]}/{name}/new"
    with open(f"{folder}/benchmark.json") as f:
        size = json.load(f)["throughput"]["BytesDecimal"]
    with open(f"{folder}/estimates.json") as f:
        estimates = json.load(f)
    nanoseconds = (estimates.get("slope") or estimates["mean"])["point_estimate"]
    return size / nanoseconds * 1000

print(f"encrypt {mb_s('encrypt'):.0f} MB/s, decrypt {mb_s('decrypt'):.0f} MB/s, "
      f"SHA-256 {mb_s('sha256'):.0f} MB/s")
PY
) || die "no figures from the stream benchmark"
fi

# --- the test files: UTF-8 text (sniffed as text/plain), random so nothing is special -------
make_text() { # PATH BYTES
    python3 - "$1" "$2" <<'PY'
import base64, os, sys
path, left = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as out:
    while left > 0:
        text = base64.encodebytes(os.urandom(57 * 16384))  # lines of 76 characters
        out.write(text[:left])
        left -= min(left, len(text))
PY
    [[ $(stat -c %s "$1") == "$2" ]] || die "test file $1 has the wrong size"
}
log "making a $MIB MiB and a $MEM_MIB MiB text file"
FILE=$T/bench.txt MEM_FILE=$T/memory.txt
make_text "$FILE" "$SIZE"
make_text "$MEM_FILE" "$MEM_SIZE"
FILE_SHA=$(openssl dgst -sha256 -r "$FILE" | cut -d' ' -f1)
MEM_SHA=$(openssl dgst -sha256 -r "$MEM_FILE" | cut -d' ' -f1)
printf 'warm-up document\n' >"$T/small.txt"

# --- the service: own data dir, free port, uploads allowed past the file's size ------------
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
cat >"$T/bench.toml" <<EOF
data_dir = "$T/data"
[server]
address = "127.0.0.1:$PORT"
public_url = "$BASE"
shutdown_timeout_secs = 2
[documents]
max_upload_bytes = $((SIZE + MEM_SIZE + 1024 * 1024 * 1024))
[documents.scrub]
enabled = false
EOF
log "starting the service on $BASE"
start_service "$BIN" "$T/bench.toml" "$BASE" "$T/service.log"

# --- nginx: throwaway instance, own prefix, sendfile, DAV PUT into its body temp dir --------
NPORT=$(free_port)
NBASE=http://127.0.0.1:$NPORT
mkdir -p "$T/nginx/www/files" "$T/nginx/www/put" "$T/nginx/tmp"
ln "$FILE" "$T/nginx/www/files/bench.txt"
cat >"$T/nginx/nginx.conf" <<EOF
user root;
daemon off;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    client_body_temp_path $T/nginx/tmp/body;
    proxy_temp_path $T/nginx/tmp/proxy;
    fastcgi_temp_path $T/nginx/tmp/fastcgi;
    uwsgi_temp_path $T/nginx/tmp/uwsgi;
    scgi_temp_path $T/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$NPORT;
        root $T/nginx/www;
        location /files/ { }
        # PUT: nginx reads the whole body into a temp file, then renames it into place.
        location /put/ {
            dav_methods PUT;
            client_max_body_size 0;
            client_body_buffer_size 1m;
        }
    }
}
EOF
log "starting nginx on $NBASE"
"$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/error.log" &
NGINX_PID=$!
for i in $(seq 100); do
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited at start: $(cat "$T/nginx/error.log")"
    curl -s -o /dev/null --max-time 2 "$NBASE/" && break
    [[ $i == 100 ]] && die "nginx did not answer within 10 s"
    sleep 0.1
done

# --- rclone: the same file in a crypt remote (NaCl secretbox, 64 KiB chunks, names encrypted),
# served over HTTP by `rclone serve http`, which decrypts on the way out ----------------------
RPORT=$(free_port)
RBASE=http://127.0.0.1:$RPORT
export RCLONE_CONFIG=$T/rclone.conf
mkdir -p "$T/rclone/store"
printf '[secret]\ntype = crypt\nremote = %s\npassword = %s\n' \
    "$T/rclone/store" "$(rclone obscure "$(openssl rand -hex 16)")" >"$RCLONE_CONFIG"
log "copying the file into the rclone crypt remote"
rclone copyto "$FILE" secret:bench.txt || die "rclone copyto into the crypt remote failed"
log "starting rclone serve http on $RBASE"
rclone serve http secret: --addr "127.0.0.1:$RPORT" --read-only >"$T/rclone.log" 2>&1 &
RCLONE_PID=$!
for i in $(seq 100); do
    kill -0 "$RCLONE_PID" 2>/dev/null || die "rclone exited at start: $(tail -n 5 "$T/rclone.log")"
    curl -s -o /dev/null --max-time 2 "$RBASE/" && break
    [[ $i == 100 ]] && die "rclone did not answer within 10 s"
    sleep 0.1
done

# --- log in as the dev coordinator, create a case (the coordinator may write documents) ----
JAR=$T/jar
curl -sf -L -c "$JAR" -b "$JAR" -o /dev/null --max-time 30 \
    "$BASE/auth/login/staff?login_hint=coordinator" || die "login as coordinator failed"
identity() { curl -sf --max-time 10 "$BASE/dev-idp/identities" | json "[i for i in d if i['login_hint']=='young17'][0]['$1']"; }
CASE=$(curl -sf -b "$JAR" --max-time 30 -H 'content-type: application/json' -X POST "$BASE/api/v1/cases" \
    -d "{\"young_person\":{\"cpr\":\"$(identity cpr)\",\"name\":\"$(identity name)\"}}" | json "d['id']") ||
    die "creating a case failed"

# upload FILE NAME -> prints "seconds document-id sha256"; fails unless 201. No `Expect:
# 100-continue` (curl would wait for it on a large body), so both sides see the same request.
upload() {
    local status
    status=$(curl -s -b "$JAR" --max-time "$CURL_TIMEOUT" -H 'Expect:' -o "$T/upload.json" \
        -w '%{http_code} %{time_total}' -F title="$2" -F kind=other \
        -F "file=@$1;type=text/plain;filename=$2.txt" "$BASE/api/v1/cases/$CASE/documents") || true
    [[ ${status%% *} == 201 ]] || die "upload of $2: HTTP ${status%% *} $(head -c 500 "$T/upload.json" 2>/dev/null)"
    echo "${status#* } $(json "d['id']" <"$T/upload.json") $(json "d['sha256']" <"$T/upload.json")"
}
# download URL [OUT] -> prints seconds; fails unless 200 with SIZE bytes.
download() {
    local status code secs bytes
    status=$(curl -s -b "$JAR" --max-time "$CURL_TIMEOUT" -o "$2" \
        -w '%{http_code} %{time_total} %{size_download}' "$1") || true
    read -r code secs bytes <<<"$status"
    [[ $code == 200 && $bytes == "$3" ]] || die "download of $1: HTTP ${code:-none}, ${bytes:-0} bytes"
    echo "$secs"
}

# Warm-up: a small upload and download, so lazily made state (pools, case key) is in the baseline.
warm=$(upload "$T/small.txt" warm-up)
read -r _ warm_doc _ <<<"$warm"
download "$BASE/api/v1/documents/$warm_doc/content" /dev/null "$(stat -c %s "$T/small.txt")" >/dev/null
sleep 0.5
BASELINE_KIB=$(proc_kib "$SERVICE_PID" VmRSS)

# RSS sampler: every ~50 ms, keeps the maximum VmRSS in a file, until the stop file appears.
start_sampler() {
    rm -f "$T/stop-sampler"
    echo 5 >"/proc/$SERVICE_PID/clear_refs" 2>/dev/null || true   # resets VmHWM to VmRSS
    (
        max=0
        while [[ ! -e $T/stop-sampler ]] && kill -0 "$SERVICE_PID" 2>/dev/null; do
            v=$(proc_kib "$SERVICE_PID" VmRSS)
            ((v > max)) && max=$v && echo "$max" >"$T/rss-max.tmp" && mv "$T/rss-max.tmp" "$T/rss-max"
            sleep 0.05
        done
    ) &
    SAMPLER_PID=$!
}
stop_sampler() { # sets PEAK_KIB: the larger of the samples and VmHWM
    touch "$T/stop-sampler"
    wait "$SAMPLER_PID" || true
    SAMPLER_PID=
    local sampled hwm
    sampled=$(cat "$T/rss-max" 2>/dev/null || echo 0)
    hwm=$(proc_kib "$SERVICE_PID" VmHWM)
    PEAK_KIB=$((sampled > hwm ? sampled : hwm))
}

# --- 1. memory: one BENCH_MEM_MIB upload, then its download, each with RSS watched ----------
log "memory: $MEM_MIB MiB up and down"
UP_START_KIB=$(proc_kib "$SERVICE_PID" VmRSS)
start_sampler
mem=$(upload "$MEM_FILE" memory)
read -r _ mem_doc mem_sha <<<"$mem"
[[ $mem_sha == "$MEM_SHA" ]] || die "the service hashed the upload as $mem_sha, expected $MEM_SHA"
stop_sampler
UP_PEAK_KIB=$PEAK_KIB
DOWN_START_KIB=$(proc_kib "$SERVICE_PID" VmRSS)
start_sampler
got=$(curl -s -b "$JAR" --max-time "$CURL_TIMEOUT" "$BASE/api/v1/documents/$mem_doc/content" |
    openssl dgst -sha256 -r | cut -d' ' -f1)
[[ $got == "$MEM_SHA" ]] || die "the downloaded bytes differ from the file (sha256 $got)"
stop_sampler
DOWN_PEAK_KIB=$PEAK_KIB

# --- 3. uploads: nginx PUT and dd+fsync runs interleaved ------------------------------------
log "uploads: $RUNS × service, nginx PUT, dd conv=fsync"
svc_up=() ngx_up=() dd_up=() DOC=
for run in $(seq "$RUNS"); do
    up=$(upload "$FILE" "bench-$run")
    read -r secs doc sha <<<"$up"
    [[ $sha == "$FILE_SHA" ]] || die "the service hashed the upload as $sha, expected $FILE_SHA"
    svc_up+=("$secs")
    DOC=${DOC:-$doc}

    status=$(curl -s --max-time "$CURL_TIMEOUT" -H 'Expect:' -T "$FILE" -o /dev/null \
        -w '%{http_code} %{time_total}' "$NBASE/put/bench-$run.txt") || true
    [[ ${status%% *} == 201 || ${status%% *} == 204 ]] || die "nginx PUT: HTTP ${status%% *}"
    [[ $(stat -c %s "$T/nginx/www/put/bench-$run.txt") == "$SIZE" ]] || die "nginx stored a short body"
    rm -f "$T/nginx/www/put/bench-$run.txt"
    ngx_up+=("${status#* }")

    start=$(now)
    dd if="$FILE" of="$T/dd.out" bs=1M conv=fsync status=none
    secs=$(python3 -c "print($(now) - $start)")
    dd_up+=("$secs")
    rm -f "$T/dd.out"
done

# --- 2. downloads side by side: each checked once against the file's SHA-256, then timed -----
log "downloads: $RUNS × service, nginx, rclone crypt"
for url in "$BASE/api/v1/documents/$DOC/content" "$RBASE/bench.txt"; do
    got=$(curl -s -b "$JAR" --max-time "$CURL_TIMEOUT" "$url" | openssl dgst -sha256 -r | cut -d' ' -f1)
    [[ $got == "$FILE_SHA" ]] || die "$url: the downloaded bytes differ from the file (sha256 $got)"
done
svc_down=() ngx_down=() rcl_down=()
for run in $(seq "$RUNS"); do
    svc_down+=("$(download "$BASE/api/v1/documents/$DOC/content" /dev/null "$SIZE")")
    ngx_down+=("$(download "$NBASE/files/bench.txt" /dev/null "$SIZE")")
    rcl_down+=("$(download "$RBASE/bench.txt" /dev/null "$SIZE")")
done

# --- the report --------------------------------------------------------------------------
ratio() { python3 -c "print(f'{$2 / $1 * 100:.0f} %')"; }   # ratio T_SERVICE T_BASELINE: speed ratio
verdict() { python3 -c "print('PASS' if $1 else 'FAIL')"; }
runs_mbps() { # "median M [run1/run2/...]" in MB/s
    local out=() s
    for s in "$@"; do out+=("$(mbps "$s")"); done
    local IFS=/
    echo "median $(mbps "$(median "$@")") [${out[*]}]"
}
growth_up=$(kib_to_mib $((UP_PEAK_KIB - BASELINE_KIB)))
growth_down=$(kib_to_mib $((DOWN_PEAK_KIB - BASELINE_KIB)))
bsu=$(best "${svc_up[@]}") bnu=$(best "${ngx_up[@]}") bdu=$(best "${dd_up[@]}")
bsd=$(best "${svc_down[@]}") bnd=$(best "${ngx_down[@]}") brd=$(best "${rcl_down[@]}")
{
    echo "## Document benchmark: $MIB MiB (memory: $MEM_MIB MiB) on loopback ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(curl --version | head -n1 | cut -d' ' -f1-2), $("$NGINX" -v 2>&1 | cut -d' ' -f3), $(rclone version | head -n1). MB = 10^6 bytes; throughput: the best of $RUNS runs (ratios use the best), then the median and every run in brackets."
    echo
    echo "| measurement | service | baseline | result | target |"
    echo "|---|---|---|---|---|"
    echo "| RSS growth, $MEM_MIB MiB upload | $(kib_to_mib "$BASELINE_KIB") → peak $(kib_to_mib "$UP_PEAK_KIB") MiB: **+$growth_up MiB** | RSS after start + warm-up | $(verdict "$growth_up < $MEM_LIMIT_MIB") | < $MEM_LIMIT_MIB MiB |"
    echo "| RSS growth, $MEM_MIB MiB download | $(kib_to_mib "$DOWN_START_KIB") at start → peak $(kib_to_mib "$DOWN_PEAK_KIB") MiB: **+$growth_down MiB** over the same baseline | $(kib_to_mib "$BASELINE_KIB") MiB | $(verdict "$growth_down < $MEM_LIMIT_MIB") | < $MEM_LIMIT_MIB MiB |"
    echo "| download (decrypt, authenticated chunks) | **$(mbps "$bsd") MB/s**, $(runs_mbps "${svc_down[@]}") | nginx sendfile (plaintext): $(mbps "$bnd") MB/s, $(runs_mbps "${ngx_down[@]}") | $(ratio "$bsd" "$bnd") of nginx, $(verdict "$bnd / $bsd >= 0.7") | ≥ 70 % (aim 90 %) |"
    echo "| download vs an encrypted file server | (same runs) | rclone serve http over crypt: $(mbps "$brd") MB/s, $(runs_mbps "${rcl_down[@]}") | $(ratio "$bsd" "$brd") of rclone, $(verdict "$brd / $bsd >= 1") | ahead |"
    echo "| upload (multipart, SHA-256 + encrypt, fsync) | **$(mbps "$bsu") MB/s**, $(runs_mbps "${svc_up[@]}") | nginx DAV PUT (temp file + rename, no fsync): $(mbps "$bnu") MB/s, $(runs_mbps "${ngx_up[@]}") | $(ratio "$bsu" "$bnu") of nginx, $(verdict "$bnu / $bsu >= 1") | ≥ 100 % |"
    echo "| upload vs a plain disk write | (same runs) | dd bs=1M conv=fsync: $(mbps "$bdu") MB/s, $(runs_mbps "${dd_up[@]}") | $(ratio "$bsu" "$bdu") of dd | — |"
    echo "| ceiling: ring AES-256-GCM and SHA-256 in memory, one core | $CEILING_LINE | \`cargo bench --bench stream\`, 64 MiB in 1 MiB pieces | — | — |"
    echo
    echo "RSS: VmRSS sampled every 50 ms plus VmHWM (reset through /proc/PID/clear_refs before each phase) over one $MEM_MIB MiB upload and then its download; RSS at the upload's start $(kib_to_mib "$UP_START_KIB") MiB. Throughput: 1 × $MIB MiB document uploaded $RUNS times (each a new document); the service's and rclone's downloads checked once against the file's SHA-256 (the service's upload reports it too)."
} | tee "$OUT_MD"
log "written to $OUT_MD"
