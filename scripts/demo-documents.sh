#!/usr/bin/env bash
# Encrypted documents with versions, in plain HTTP calls against a running embedded default
# (`cargo run`): a job-centre professional with write access uploads a document to young19's
# case, the young person downloads it byte for byte, the professional uploads version 2 with
# If-Match: "1", a second upload based on version 1 gets 412, and the blob folder holds
# ciphertext only. Needs curl, python3, cmp and grep. BASE defaults to http://127.0.0.1:8080,
# DATA (the service's data folder) to ./data.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080}
DATA=${DATA:-./data}
source "$(dirname "$0")/lib/demo.sh"
# An upload; prints the HTTP status and leaves the answer in $work/answer.
send() { local who=$1 path=$2; shift 2; curl -s -o "$work/answer" -w '%{http_code}' -b "$work/$who" "$BASE$path" "$@"; }
fail() { echo "FAILED: $*" >&2; cat "$work/answer" >&2 2>/dev/null || true; exit 1; }

# A team: the coordinator's case for young19 (an adult: the young person's consent suffices),
# the young person (read), and Jonas Berg of the job centre (write).
login coordinator staff
login jobcentre staff
login young19 citizen
cpr=$(identity young19 cpr) name=$(identity young19 name)
case=$(call coordinator POST /api/v1/cases -d "{\"young_person\":{\"cpr\":\"$cpr\",\"name\":\"$name\"}}" | json "d['id']")
call coordinator POST "/api/v1/cases/$case/participants" -d "{\"role\":\"young_person\",\"access\":\"read\",\"cpr\":\"$cpr\",\"name\":\"$name\"}" >/dev/null
jonas=$(call coordinator GET "/api/v1/staff?q=Jonas" | json "d[0]['id']")
call coordinator POST "/api/v1/cases/$case/participants" -d "{\"role\":\"professional\",\"access\":\"write\",\"account_id\":\"$jonas\"}" >/dev/null
call young19 POST "/api/v1/cases/$case/consents" -d '{"scope":["job_centre"]}' >/dev/null
echo "case $case: young19 has consented to sharing with the job centre"

# Version 1: a 1 MiB PDF-looking file with a marker that would show if plaintext reached a disk.
marker="vejviser-demo-plaintext-$RANDOM$RANDOM"
{ printf '%%PDF-1.7\n%% %s\n' "$marker"; head -c 1048576 /dev/urandom; printf '\n%% %s\n%%%%EOF\n' "$marker"; } >"$work/plan-v1.pdf"
status=$(send jobcentre "/api/v1/cases/$case/documents" -F title="Mål- og aftaleskema" -F kind=goal_agreement \
  -F "file=@$work/plan-v1.pdf;filename=mål og aftaler.pdf")
[ "$status" = 201 ] || fail "upload as the professional: $status"
doc=$(json "d['id']" <"$work/answer")
echo "uploaded version 1 as the job-centre professional: document $doc ($(wc -c <"$work/plan-v1.pdf") bytes)"

curl -sf -b "$work/young19" "$BASE/api/v1/documents/$doc/content" -o "$work/downloaded.pdf"
cmp "$work/plan-v1.pdf" "$work/downloaded.pdf" || fail "the young person's download differs"
echo "the young person downloaded it byte for byte"

cp "$work/plan-v1.pdf" "$work/plan-v2.pdf" && printf '%% rettet efter mødet\n' >>"$work/plan-v2.pdf"
status=$(send jobcentre "/api/v1/documents/$doc/versions" -H 'If-Match: "1"' -F note="Rettet efter mødet" -F "file=@$work/plan-v2.pdf")
[ "$status" = 201 ] || fail "version 2 with If-Match \"1\": $status"
echo "uploaded version $(json "d['version']" <"$work/answer") with If-Match: \"1\""

status=$(send coordinator "/api/v1/documents/$doc/versions" -H 'If-Match: "1"' -F "file=@$work/plan-v2.pdf")
[ "$status" = 412 ] || fail "a second upload based on version 1 should be 412, was $status"
echo "a second upload based on version 1: 412 ($(json "d['detail']" <"$work/answer"))"

curl -sf -b "$work/young19" "$BASE/api/v1/documents/$doc/versions/1/content" -o "$work/v1-again.pdf"
cmp "$work/plan-v1.pdf" "$work/v1-again.pdf" || fail "version 1 changed"
echo "version 1 is still there, unchanged"

blobs=$(find "$DATA" -type f -path '*cases*' | wc -l)
[ "$blobs" -ge 2 ] || fail "expected the two versions' blobs under $DATA, found $blobs"
if grep -rqa -e "$marker" -e '%PDF-1.7' "$DATA"; then fail "plaintext found under $DATA"; fi
echo "$blobs blobs under $DATA; neither the marker nor a PDF header is anywhere in it: ciphertext only"
